#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for tests and benchmarks.
#
# Executed:
#   eval "$(scripts/pg-throwaway.sh start)"   # prints `export FLEXREG_TEST_POSTGRES=...` and `export PG_THROWAWAY_DIR=...`
#   scripts/pg-throwaway.sh stop [DIR]         # DIR defaults to $PG_THROWAWAY_DIR
#   scripts/pg-throwaway.sh install            # only make sure the PostgreSQL 15 server binaries are present
#
# Sourced (as test.sh does): defines pg_throwaway_install, pg_throwaway_start and pg_throwaway_stop.
# pg_throwaway_start sets PG_THROWAWAY_DIR, PG_THROWAWAY_PORT and FLEXREG_TEST_POSTGRES in the calling shell.
#
# The cluster lives entirely in a mktemp dir (data, unix socket, server log), listens on 127.0.0.1 only, on the
# first free port from 55432 upward, and is tuned for speed, not durability (fsync/synchronous_commit/
# full_page_writes off). Role `flexreg` / password `flexreg` is a superuser (tests create databases and extensions).
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user.
#
# Environment: PG_THROWAWAY_BIN (default /usr/lib/postgresql/15/bin), PG_THROWAWAY_PORT_FROM (default 55432),
# PG_THROWAWAY_SETTINGS (extra postgresql.conf lines, e.g. "shared_buffers = 2GB"; the benchmarks set it).

PG_THROWAWAY_BIN="${PG_THROWAWAY_BIN:-/usr/lib/postgresql/15/bin}"
PG_THROWAWAY_PORT_FROM="${PG_THROWAWAY_PORT_FROM:-55432}"
PG_THROWAWAY_MARKER=".flexreg-pg-throwaway"

_pgt_log() { printf 'pg-throwaway: %s\n' "$*" >&2; }
_pgt_die() { _pgt_log "ERROR: $*"; return 1; }

# Run a PostgreSQL binary as the cluster owner (the postgres OS user when we are root).
_pgt_run() {
    if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Is something listening on 127.0.0.1:$1 (or on a wildcard address with that port)?
_pgt_port_in_use() {
    local port=$1
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        return 0
    fi
    if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
        return 0
    fi
    return 1
}

pg_throwaway_install() {
    if [[ -x "$PG_THROWAWAY_BIN/initdb" && -x "$PG_THROWAWAY_BIN/pg_ctl" ]]; then
        return 0
    fi
    if [[ ${EUID:-$(id -u)} -ne 0 ]]; then
        _pgt_die "PostgreSQL 15 server binaries not found ($PG_THROWAWAY_BIN/initdb)." \
            "Install them first, e.g. 'sudo apt-get install -y --no-install-recommends postgresql-15' (Debian 12), or run as root."
        return 1
    fi
    command -v apt-get >/dev/null 2>&1 || { _pgt_die "$PG_THROWAWAY_BIN/initdb missing and apt-get not available"; return 1; }

    _pgt_log "installing PostgreSQL 15 server (apt-get, non-interactive)..."
    export DEBIAN_FRONTEND=noninteractive
    local apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    apt-get update -q >&2 || return 1
    # Install postgresql-common first and temporarily switch off the distro's automatic "15/main" cluster (which
    # would otherwise be created and, on a machine with an init system, started on port 5432). The original
    # createcluster.conf is restored afterwards.
    apt-get install "${apt_opts[@]}" postgresql-common >&2 || return 1
    local conf=/etc/postgresql-common/createcluster.conf backup="" rc=0
    if [[ -f $conf ]]; then
        backup=$(mktemp)
        cp -p "$conf" "$backup"
        printf '\ncreate_main_cluster = false\n' >>"$conf"
    fi
    apt-get install "${apt_opts[@]}" postgresql-15 >&2 || rc=$?
    if [[ -n $backup ]]; then
        cp -p "$backup" "$conf"
        rm -f "$backup"
    fi
    [[ $rc -eq 0 ]] || { _pgt_die "apt-get install postgresql-15 failed (exit $rc)"; return 1; }
    # Belt and braces: if a default 15/main cluster exists anyway and is running, stop it (we never use it).
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name port status rest
        while read -r ver name port status rest; do
            if [[ $ver == 15 && $name == main && $status == online* ]]; then
                _pgt_log "stopping the distro's default cluster 15/main (port $port)"
                pg_ctlcluster 15 main stop >&2 || true
            fi
        done < <(pg_lsclusters -h 2>/dev/null || true)
    fi
    [[ -x "$PG_THROWAWAY_BIN/initdb" ]] || { _pgt_die "$PG_THROWAWAY_BIN/initdb still missing after install"; return 1; }
}

# Start a cluster. Sets PG_THROWAWAY_DIR, PG_THROWAWAY_PORT, FLEXREG_TEST_POSTGRES (exported).
pg_throwaway_start() {
    pg_throwaway_install || return 1
    local is_root=0
    [[ ${EUID:-$(id -u)} -eq 0 ]] && is_root=1

    if [[ $is_root -eq 1 ]] && ! id -u postgres >/dev/null 2>&1; then
        _pgt_log "creating system user 'postgres'"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    fi

    local dir
    # Short path: the unix socket path must stay under ~100 characters. As root, /tmp so `postgres` can reach it.
    if [[ $is_root -eq 1 ]]; then
        dir=$(mktemp -d /tmp/flexreg-pg.XXXXXX) || return 1
    else
        dir=$(mktemp -d "${TMPDIR:-/tmp}/flexreg-pg.XXXXXX") || return 1
    fi
    PG_THROWAWAY_DIR=$dir
    export PG_THROWAWAY_DIR
    : >"$dir/$PG_THROWAWAY_MARKER" || return 1
    mkdir -p "$dir/data" "$dir/sock" && chmod 700 "$dir/data" || return 1
    if [[ $is_root -eq 1 ]]; then
        chown -R postgres: "$dir" || return 1
    fi

    local pwfile="$dir/pwfile"
    printf 'postgres\n' >"$pwfile" || return 1
    if [[ $is_root -eq 1 ]]; then
        chown postgres: "$pwfile" || return 1
    fi
    if ! _pgt_run "$PG_THROWAWAY_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        _pgt_die "initdb failed"
        return 1
    fi
    rm -f "$pwfile"

    cat >>"$dir/data/postgresql.conf" <<EOF

# --- flexreg throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
${PG_THROWAWAY_SETTINGS:-}
EOF

    # Pick a free port; retry on the next one if another process grabbed it between the check and the bind.
    local port=$PG_THROWAWAY_PORT_FROM attempts=0 started=0
    while [[ $attempts -lt 20 && $port -lt 65535 ]]; do
        if _pgt_port_in_use "$port"; then
            port=$((port + 1))
            continue
        fi
        attempts=$((attempts + 1))
        if _pgt_run "$PG_THROWAWAY_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port" start >"$dir/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        if grep -qiE 'could not (bind|create listen)|address already in use' "$dir/server.log" 2>/dev/null; then
            _pgt_log "port $port taken while starting, trying the next one"
            port=$((port + 1))
            continue
        fi
        cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null || true
        _pgt_die "pg_ctl start failed"
        return 1
    done
    if [[ $started -ne 1 ]]; then
        _pgt_die "could not find a free port from $PG_THROWAWAY_PORT_FROM"
        return 1
    fi
    PG_THROWAWAY_PORT=$port
    export PG_THROWAWAY_PORT

    if ! _pgt_run "$PG_THROWAWAY_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE flexreg LOGIN SUPERUSER CREATEDB PASSWORD 'flexreg';" >&2; then
        _pgt_die "could not create role flexreg"
        return 1
    fi

    FLEXREG_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=flexreg;Password=flexreg;Database=postgres"
    export FLEXREG_TEST_POSTGRES
    _pgt_log "PostgreSQL $("$PG_THROWAWAY_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port (dir $dir)"
}

# Stop the cluster and delete its directory. Idempotent; never fails.
pg_throwaway_stop() {
    local dir=${1:-${PG_THROWAWAY_DIR:-}}
    [[ -n $dir && -d $dir ]] || return 0
    if [[ ! -e "$dir/$PG_THROWAWAY_MARKER" ]]; then
        _pgt_log "refusing to remove $dir: not a throwaway cluster directory"
        return 0
    fi
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        # Immediate shutdown: the data is thrown away anyway.
        _pgt_run "$PG_THROWAWAY_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            local pid
            pid=$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)
            # Only kill it if it really is the postmaster of this data dir.
            if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/data"; then
                kill -KILL "$pid" 2>/dev/null || true
                sleep 0.5
            fi
        fi
    fi
    rm -rf -- "$dir"
    if [[ ${PG_THROWAWAY_DIR:-} == "$dir" ]]; then
        unset PG_THROWAWAY_DIR
    fi
    return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            if ! pg_throwaway_start; then
                pg_throwaway_stop
                exit 1
            fi
            printf "export FLEXREG_TEST_POSTGRES='%s'\nexport PG_THROWAWAY_DIR='%s'\n" \
                "$FLEXREG_TEST_POSTGRES" "$PG_THROWAWAY_DIR"
            ;;
        stop)
            pg_throwaway_stop "${2:-${PG_THROWAWAY_DIR:-}}"
            ;;
        install)
            pg_throwaway_install
            ;;
        *)
            echo "usage: $0 start | stop [DIR] | install" >&2
            exit 2
            ;;
    esac
fi
