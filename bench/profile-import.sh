#!/usr/bin/env bash
# Profiles the PostgreSQL half of benchmark (c): runs bench/import.sh (PostgreSQL only) with pg_stat_statements loaded
# into the throwaway cluster and pidstat sampling every process, and keeps, for the timed `new` import only (the
# statistics are reset when the `existing` import completes): the statements by total time (pgss.txt, refreshed every
# second while the import runs, so the last second is lost) and the CPU per process (pidstat.txt, 2 s samples, summed
# into cpu-split.txt). Meant for large runs (the figures of docs/benchmarks.md are at 1M rows).
# Usage: bench/profile-import.sh OUT_DIR   (BENCH_ASSETS, default 1000000; Imports__BatchSize, default 5000; any other
# variable reaches the service as with bench/import.sh; PG_THROWAWAY_SETTINGS adds postgresql.conf lines).
# Needs pidstat (Debian: sysstat). The cluster is started on PG_THROWAWAY_PORT_FROM (default here 55632, away from the
# test clusters' 55432), which must be free: the statistics are read from that port.
set -euo pipefail
out=${1:?usage: bench/profile-import.sh OUT_DIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
export PG_THROWAWAY_SETTINGS=$'shared_preload_libraries = \'pg_stat_statements\'\npg_stat_statements.track = all'"${PG_THROWAWAY_SETTINGS:+$'\n'$PG_THROWAWAY_SETTINGS}"
export PG_THROWAWAY_PORT_FROM=${PG_THROWAWAY_PORT_FROM:-55632}
export Imports__BatchSize=${Imports__BatchSize:-5000} BENCH_PROVIDERS=postgres BENCH_ASSETS=${BENCH_ASSETS:-1000000} BENCH_RESULTS=$out
bench/import.sh > "$out/log.txt" 2>&1 &
bench=$!
pidstat -u -l -h 2 > "$out/pidstat.txt" 2>&1 &
sampler=$!
trap 'kill $sampler 2>/dev/null || true' EXIT
q() { PGPASSWORD=flexreg psql -h 127.0.0.1 -p "$PG_THROWAWAY_PORT_FROM" -U flexreg -d postgres "$@"; }
until q -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1; do
    kill -0 $bench 2>/dev/null || { echo "bench/import.sh ended before the cluster was up; see $out/log.txt" >&2; exit 1; }
    sleep 1
done
until grep -q "^existing:" "$out/log.txt"; do kill -0 $bench 2>/dev/null || break; sleep 1; done
q -qc "SELECT pg_stat_statements_reset()" >/dev/null
date -u +%T > "$out/new-start"
while kill -0 $bench 2>/dev/null; do
    q -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
          FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30" > "$out/pgss.tmp" 2>/dev/null && mv "$out/pgss.tmp" "$out/pgss.txt"
    sleep 1
done
wait $bench || true
# CPU seconds per kind of process over the `new` import (pidstat's %CPU per 2 s interval).
awk -v start="$(cat "$out/new-start")" '
    $1 ~ /^[0-9]/ && NF >= 10 && $1 >= start {
        cmd = ""; for (i = 10; i <= NF; i++) cmd = cmd " " $i
        kind = cmd ~ /FlexRegistry.dll/ ? "service" : cmd ~ /postgres: autovacuum/ ? "postgres autovacuum" : cmd ~ /^ postgres:/ ? "postgres" : "other"
        cpu[kind] += $8 / 50
    }
    END { for (k in cpu) printf "%8.1f core-s  %s\n", cpu[k], k }' "$out/pidstat.txt" | sort -rn > "$out/cpu-split.txt"
grep RESULT "$out/log.txt" || true
cat "$out/cpu-split.txt"
