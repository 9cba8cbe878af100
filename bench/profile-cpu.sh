#!/usr/bin/env bash
# Profiling harness (not a benchmark): the service's CPU per write request at steady state, and where it goes.
# Holds closed-loop load of one kind on the register on PostgreSQL (a throwaway cluster) and, once the load has run
# PROFILE_WARMUP seconds (the runtime keeps JIT-compiling the hot code for the first ~45 s of load), measures
# PROFILE_WINDOWS windows of PROFILE_WINDOW seconds each:
#   CPU per request = the app process's utime+stime over the window (/proc/PID/stat) / the 2xx answers of the route
#   in that window (the app's own request counter, read from /metrics, opened to loopback for this run);
# then records PROFILE_TRACE seconds of `dotnet-trace --profile dotnet-sampled-thread-time` (0: none), converts it to speedscope and
# summarises it with bench/profile-summary.py. The CPU figure includes everything the process does for that load
# (background sequencers, workers, GC, JIT); it is fairly robust to other load on the machine, the rate is not.
#   bench/profile-cpu.sh patch|post OUT_DIR
# Knobs: PROFILE_WARMUP (s, default 75), PROFILE_WINDOWS (default 3), PROFILE_WINDOW (s, default 15), PROFILE_TRACE
# (s, default 20), PROFILE_APP_DLL (another build of the service to measure, e.g. a copy of the base commit's
# bin/Release/net10.0/FlexRegistry.dll, for before/after runs of one session), BENCH_CONCURRENCY (default 32),
# BENCH_ASSETS (PATCH: assets patched round robin, default 1000), APP_PORT / BARE_PORT as in common.sh.
source "$(dirname "$0")/common.sh"
TARGET=${1:?patch or post}
OUT=${2:?output directory}
WARM=${PROFILE_WARMUP:-75}
WINDOWS=${PROFILE_WINDOWS:-3}
WINDOW=${PROFILE_WINDOW:-15}
TRACE=${PROFILE_TRACE:-20}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
ASSETS=${BENCH_ASSETS:-1000}
APP_DLL=${PROFILE_APP_DLL:-$APP_DLL}
TOOLS=${DOTNET_TOOLS:-$HOME/.dotnet/tools}
mkdir -p "$OUT"
[[ -n ${PROFILE_SKIP_BUILD:-} ]] || bench_build
bench_pg_start
cs=$(bench_pg_database bench_profile_cpu)
export Metrics__AllowedNetworks__0=127.0.0.1/32
# PROFILE_PERF=1: sample with perf (real CPU, native frames too: JIT, GC, OpenSSL) instead of dotnet-trace; the runtime
# then writes /tmp/perf-PID.map so perf can name JIT-compiled methods (W^X off, or perf sees only an anonymous mapping).
[[ -z ${PROFILE_PERF:-} ]] || export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
bench_start_app Postgres "$cs"
app_pid=$(pgrep -f "FlexRegistry.dll --urls http://127.0.0.1:$APP_PORT" | head -1)
total=$((WARM + WINDOWS * WINDOW + TRACE + 30))

# The 2xx answers of the measured route so far (summed over status codes 200/201 and every other label).
answered() {
    local method route
    if [[ $TARGET == patch ]]; then method=PATCH route='/api/v1/assets/{id}'; else method=POST route='/api/v1/assets/'; fi
    curl -fsS "${APP_URL}metrics" | awk -v m="$method" -v r="$route" '
        /^http_server_request_duration_seconds_count\{/ && index($0, "http_request_method=\"" m "\"") && index($0, "http_route=\"" r "\"") && $0 ~ /http_response_status_code="2/ { n += $NF }
        END { printf "%d\n", n }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$app_pid/stat"; }

exec > >(tee "$OUT/profile-cpu-$TARGET.txt") 2>&1
bench_header "profile-cpu: $TARGET on PostgreSQL, app $APP_DLL"
echo "load: closed loop, $CONCURRENCY connections; ${WARM}s of load before measuring; $WINDOWS windows of ${WINDOW}s; trace ${TRACE}s"
if [[ $TARGET == patch ]]; then
    state=$BENCH_WORK/profile-state.json
    bench lifecycle-load --url "$APP_URL" --state "$state" --assets "$ASSETS" --versions 2
    bench lifecycle --state "$state" --url "$APP_URL" --bare-url "http://127.0.0.1:$BARE_PORT/" --target patch \
        --concurrency "$CONCURRENCY" --warmup 0 --duration "$total" >"$OUT/load.txt" 2>&1 &
else
    bench load --url "$APP_URL" --target post-asset --concurrency "$CONCURRENCY" --duration "$total" --warmup 0 \
        --start-index 0 --bodies $((total * 700)) >"$OUT/load.txt" 2>&1 &
fi
load_pid=$!
_bench_pids+=("$load_pid")
sleep "$WARM"
hz=$(getconf CLK_TCK)
for w in $(seq 1 "$WINDOWS"); do
    t0=$(cpu_ticks) n0=$(answered) s0=$(date +%s.%N)
    sleep "$WINDOW"
    t1=$(cpu_ticks) n1=$(answered) s1=$(date +%s.%N)
    awk -v w="$w" -v t="$((t1 - t0))" -v n="$((n1 - n0))" -v hz="$hz" -v s="$(awk "BEGIN{print $s1 - $s0}")" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "window %d: %d requests in %.1f s (%.0f /s), app CPU %.2f s (%.2f cores) => %.3f ms CPU per request (load average %s)\n", w, n, s, n / s, t / hz, t / hz / s, n ? 1000 * t / hz / n : 0, load }'
done
if ((TRACE > 0)) && [[ -n ${PROFILE_PERF:-} ]]; then
    perf record -F 499 -g -p "$app_pid" -o "$OUT/$TARGET.perf.data" -- sleep "$TRACE" >"$OUT/trace.log" 2>&1
    perf script -i "$OUT/$TARGET.perf.data" 2>>"$OUT/trace.log" | gzip >"$OUT/$TARGET.perf.txt.gz"
    echo "perf samples: $OUT/$TARGET.perf.txt.gz (bench/profile-summary.py --perf FILE)"
elif ((TRACE > 0)); then
    "$TOOLS/dotnet-trace" collect -p "$app_pid" --profile dotnet-sampled-thread-time --duration "00:00:$(printf %02d "$TRACE")" -o "$OUT/$TARGET.nettrace" >"$OUT/trace.log" 2>&1
    "$TOOLS/dotnet-trace" convert --format Speedscope "$OUT/$TARGET.nettrace" -o "$OUT/$TARGET" >>"$OUT/trace.log" 2>&1
    echo "trace: $OUT/$TARGET.nettrace"
fi
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
tail -3 "$OUT/load.txt"
