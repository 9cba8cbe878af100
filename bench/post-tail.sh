#!/usr/bin/env bash
# Benchmark (a), the tail on PostgreSQL: after a saturation warm-up, BENCH_PHASES fixed-rate phases of
# POST /api/v1/assets at BENCH_RATE requests/s (open loop, BENCH_DURATION s each) against one register, with
# PostgreSQL logging every autovacuum/autoanalyze and every statement slower than 50 ms, so a phase's p99 can be set
# beside what the database did meanwhile. bench/single-post.sh runs one such phase; this runs several.
# Scale knobs: BENCH_RATE (default 390, about half the saturation measured on 2026-11-24), BENCH_PHASES (default 4; the
# issue 15 goal counts 20),
# BENCH_DURATION (s, default 15), BENCH_WARMUP (s, default 20).
# Output: bench/results/post-tail-postgres.txt
source "$(dirname "$0")/common.sh"
RATE=${BENCH_RATE:-390}
PHASES=${BENCH_PHASES:-4}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-20}
export PG_THROWAWAY_SETTINGS="${PG_THROWAWAY_SETTINGS:+$PG_THROWAWAY_SETTINGS
}log_autovacuum_min_duration = 0
log_min_duration_statement = 50"
bench_build
bench_pg_start
cs=$(bench_pg_database bench_tail)
out=$BENCH_RESULTS/post-tail-postgres.txt
{
    bench_header "POST /api/v1/assets tail on postgres: $PHASES phases at $RATE/s"
    bench_start_app Postgres "$cs"
    echo "## warm-up: saturation (closed loop, 32 connections, 10s after ${WARMUP}s)"
    bench load --url "$APP_URL" --target post-asset --concurrency 32 --duration 10 --warmup "$WARMUP" --start-index 0
    stalled=0
    for phase in $(seq 1 "$PHASES"); do
        echo "## phase $phase: open loop at $RATE/s, ${DURATION}s after 3s warm-up, from $(date -u +%T) UTC"
        bench load --url "$APP_URL" --target post-asset --rate "$RATE" --duration "$DURATION" --start-index $((1000000 * phase)) | tee "$BENCH_WORK/phase.txt"
        # A stall: some request of the phase took over 100 ms (from its scheduled time).
        max=$(sed -n 's/.*latency n=.* max=\([0-9.]*\)ms.*/\1/p' "$BENCH_WORK/phase.txt" | tail -1)
        if awk "BEGIN{exit !(${max:-0} > 100)}"; then stalled=$((stalled + 1)); fi
    done
    echo "## summary: phases with a request over 100 ms: $stalled of $PHASES (issue 15 goal: 0 of 20)"
    echo "## from the PostgreSQL log: autovacuum/autoanalyze of the register's tables, and per second the statements over 50 ms (count, slowest)"
    awk '/automatic (vacuum|analyze) of table "bench_tail\.public\./ { print substr($2, 1, 12), $6, $7, $8, $9, $10 }
         / duration: / { s = substr($2, 1, 8); n[s]++; d = $7 + 0; if (d > m[s]) m[s] = d }
         END { for (s in n) printf "%s  %d statements over 50 ms, slowest %.0f ms\n", s, n[s], m[s] }' "$PG_THROWAWAY_DIR/server.log" | sort
    bench_stop_app
} > >(tee "$out") 2>&1
