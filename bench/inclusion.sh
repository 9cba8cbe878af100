#!/usr/bin/env bash
# Benchmark (d): commit → inclusion in a signed tree head at a sustained write rate (goal: p99 <= 1 s at 1000 writes/s).
#   POST /api/v1/assets open loop at BENCH_RATE/s for BENCH_DURATION s (each registration appends one audit record),
#   then flexreg-bench inclusion reads, from the register's own tables, every record appended in that phase and the
#   first signed tree head covering its leaf: latency = head timestamp - record append time (an upper bound on
#   commit -> inclusion). Also prints the POST latencies of the phase (the writers must keep up with the rate).
#   Before the measured phase the register is warmed up as in post-tail.sh (closed loop, 32 connections, 10 s after
#   BENCH_WARMUP s, not measured), so that the phase meets a register whose code the JIT has finished compiling.
# Scale knobs: BENCH_RATE (default 1000), BENCH_DURATION (s, default 20), BENCH_WARMUP (s, default 30; 0 measures a cold
# register, as before 2026-12-08), BENCH_PROVIDERS (default "postgres sqlite").
# Output: bench/results/inclusion-<provider>.txt
source "$(dirname "$0")/common.sh"
RATE=${BENCH_RATE:-1000}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-30}
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start
for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_inclusion)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/inclusion.db"
    fi
    out=$BENCH_RESULTS/inclusion-$provider.txt
    {
        bench_header "commit -> signed tree head on $provider at $RATE writes/s"
        bench_start_app "$app_provider" "$cs"
        if (( WARMUP > 0 )); then
            echo "## warm-up (closed loop, 32 connections, 10s after ${WARMUP}s; not measured)"
            bench load --url "$APP_URL" --target post-asset --concurrency 32 --duration 10 --warmup "$WARMUP" --start-index 5000000
            sleep 2 # the warm-up's records settle into a tree head before the measured phase
        fi
        since=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
        echo "## POST /api/v1/assets at $RATE/s, ${DURATION}s (open loop)"
        bench load --url "$APP_URL" --target post-asset --rate "$RATE" --duration "$DURATION" --warmup 0 --start-index 0
        sleep 2 # the last records' tree head
        echo "## commit -> inclusion in a signed tree head (goal p99 <= 1000 ms)"
        bench inclusion --provider "$provider" --connection "$cs" --since "$since"
        bench_stop_app
    } > >(tee "$out") 2>&1
done
