#!/usr/bin/env bash
# Shared by the bench/*.sh scripts (sourced): build once in Release, start a throwaway PostgreSQL cluster, start the
# real register (Release build of src/FlexRegistry) on PostgreSQL or SQLite, stop everything on exit.
# BENCH_APP_ENV: extra environment for the register's process only, e.g. to see what the JIT still compiles under load:
#   BENCH_APP_ENV="DOTNET_JitStdOutFile=/tmp/jit.txt DOTNET_JitDisasmSummary=1" bench/lifecycle.sh
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_WORK=${BENCH_WORK:-$(mktemp -d /tmp/flexreg-bench.XXXXXX)}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_ROOT/bench/results}
BENCH_DLL=$BENCH_ROOT/bench/FlexRegistry.Bench/bin/Release/net10.0/FlexRegistry.Bench.dll
APP_DLL=$BENCH_ROOT/src/FlexRegistry/bin/Release/net10.0/FlexRegistry.dll
APP_PORT=${APP_PORT:-5180}
BARE_PORT=${BARE_PORT:-5191}
APP_URL=http://127.0.0.1:$APP_PORT/
OPERATOR_SECRET=bench-operator-secret
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$BENCH_RESULTS"
_bench_pids=()

# shellcheck source=../scripts/pg-throwaway.sh
source "$BENCH_ROOT/scripts/pg-throwaway.sh"

# BENCH_SKIP_BUILD=1: use the Release build already there (e.g. built once for two runs: every commit changes the
# assemblies' informational version, so a build after a commit recompiles every project).
bench_build() {
    [[ -z ${BENCH_SKIP_BUILD:-} ]] || return 0
    (cd "$BENCH_ROOT" && dotnet build FlexRegistry.slnx -c Release -v q -nologo | grep -E "error|Warn" || true)
}

bench_cleanup() {
    local pid
    for pid in "${_bench_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    # Only a cluster this script started: one named by BENCH_PG_CONNECTION or PG_THROWAWAY_DIR is someone else's.
    [[ -z ${_bench_pg_owned:-} ]] || pg_throwaway_stop 2>/dev/null || true
    [[ -n ${BENCH_KEEP_WORK:-} ]] || rm -rf "$BENCH_WORK"
}
trap bench_cleanup EXIT

# bench_pg_start: the throwaway cluster, started in this shell (so the exit trap stops it) when a script needs it.
bench_pg_start() {
    if [[ -z ${BENCH_PG_CONNECTION:-} && -z ${PG_THROWAWAY_DIR:-} ]]; then
        pg_throwaway_start >&2
        _bench_pg_owned=1
    fi
}

# bench_pg_database NAME: a fresh database in the throwaway cluster (bench_pg_start first); prints its connection string
# (BENCH_PG_OPTIONS, e.g. "Max Auto Prepare=0", is appended to it).
# With BENCH_PG_CONNECTION set (a database loaded beforehand, see bench/reads.sh), prints that instead and touches nothing.
bench_pg_database() {
    if [[ -n ${BENCH_PG_CONNECTION:-} ]]; then
        echo "$BENCH_PG_CONNECTION"
        return
    fi
    PGPASSWORD=flexreg psql -h 127.0.0.1 -p "$PG_THROWAWAY_PORT" -U flexreg -d postgres -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >&2
    echo "Host=127.0.0.1;Port=$PG_THROWAWAY_PORT;Username=flexreg;Password=flexreg;Database=$1;Maximum Pool Size=100${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}"
}

# bench_port_free PORT: fails when something already listens there (another benchmark's app would answer our load).
bench_port_free() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        echo "bench: port $1 is busy (another benchmark?); set APP_PORT / BARE_PORT to free ports" >&2
        return 1
    fi
}

# bench_start_app PROVIDER CONNECTION: starts the register in the background and waits until it is ready.
bench_start_app() {
    bench_port_free "$APP_PORT"
    local dir=$BENCH_WORK/app-$1
    mkdir -p "$dir"
    (cd "$dir" && ASPNETCORE_ENVIRONMENT=Production \
        Database__Provider=$1 Database__ConnectionString="$2" \
        Registry__OperatorClientSecret=$OPERATOR_SECRET RateLimits__Enabled=false \
        Webhooks__AllowPrivateNetworks=true Webhooks__PollInterval=00:00:00.050 \
        Logging__LogLevel__Default=Warning \
        exec env ${BENCH_APP_ENV:-} dotnet "$APP_DLL" --urls "http://127.0.0.1:$APP_PORT" >"$dir/app.log" 2>&1) &
    _bench_pids+=($!)
    bench_wait_ready "${APP_URL}health/ready"
}

bench_stop_app() {
    kill "${_bench_pids[-1]}" 2>/dev/null || true
    wait "${_bench_pids[-1]}" 2>/dev/null || true
    unset '_bench_pids[-1]'
}

# bench_start_bare PROVIDER CONNECTION: the bare minimal-API baseline endpoint (bench only).
bench_start_bare() { # BENCH_BARE_ARGS: more arguments (e.g. "--log-errors 1")
    bench_port_free "$BARE_PORT"
    dotnet "$BENCH_DLL" bare-host --provider "$1" --connection "$2" ${BENCH_BARE_ARGS:-} --urls "http://127.0.0.1:$BARE_PORT" >"$BENCH_WORK/bare.log" 2>&1 &
    _bench_pids+=($!)
    bench_wait_ready "http://127.0.0.1:$BARE_PORT/bare/assets/0"
}

bench_wait_ready() {
    local i
    for i in $(seq 1 $((${BENCH_READY_TIMEOUT:-60} * 2))); do
        if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
        sleep 0.5
    done
    echo "bench: $1 did not become ready" >&2
    return 1
}

bench() { dotnet "$BENCH_DLL" "$@"; }

# bench_commit: BENCH_COMMIT if set; else the checkout's commit (and whether it has uncommitted changes) when BENCH_ROOT
# is the top of a git work tree; else "unknown" (a `git archive` extract has no repository, or sits inside another one).
bench_commit() {
    if [[ -n ${BENCH_COMMIT:-} ]]; then
        echo "$BENCH_COMMIT"
    elif [[ $(git -C "$BENCH_ROOT" rev-parse --show-toplevel 2>/dev/null) == "$(cd "$BENCH_ROOT" && pwd -P)" ]]; then
        echo "$(git -C "$BENCH_ROOT" rev-parse --short HEAD)$(git -C "$BENCH_ROOT" diff --quiet || echo ' (uncommitted changes)')"
    else
        echo unknown
    fi
}

# bench_header: what, when, where, which commit (first lines of every results file).
bench_header() {
    echo "# $1"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(bench_commit)"
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
    echo "dotnet: $(dotnet --version)"
}
