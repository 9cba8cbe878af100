#!/usr/bin/env bash
# Benchmark (pages, issue 20): server time per web page p99 (goal <= 100 ms with 1,000,000 assets registered), each
# beside a bare static page of a rendered page's size served by the bench's bare host in the same run.
#   0. load: BENCH_ASSETS synthetic assets through the register's own bulk path (as reads.sh: POST /api/v1/asset-imports);
#   1. a system operator's person signs in as people do (an invitation accepted in the page, a local account), and a
#      person of the registrant of the loaded assets (invited by the registry operator), and a person of the registry operator;
#   2. each page closed loop at BENCH_CONCURRENCY (default 4: latency ~ server time, not queueing) for BENCH_DURATION s:
#      dashboard, asset search by DNO area (purpose procurement, logged), one asset (logged), directory, products,
#      conflicts, access log; then the registrant's dashboard and asset search (its chart counts every loaded asset:
#      the shared count; AssetsByArea__CacheFrom=1000000000 in the environment turns sharing off for an A/B); then a
#      person of the registry operator (every permission; its authenticator code entered as an app computes it): its
#      dashboard (the whole register's shared count), asset search by area (purpose registry-administration, logged),
#      the participants queue, the audit log and the duplicates queue; the bare page first.
# The results header names the commit: BENCH_COMMIT if set, else the checkout's, else "unknown" (a `git archive` extract).
# Scale knobs: BENCH_ASSETS (default 100000; the goal's scale is 1000000), BENCH_DURATION (s, default 15),
# BENCH_CONCURRENCY (default 4), BENCH_WARMUP (s, default 5), BENCH_PROVIDERS (default "postgres sqlite").
# Output: bench/results/pages-<provider>.txt. Run on a quiet machine for figures that mean anything.
source "$(dirname "$0")/common.sh"
N=${BENCH_ASSETS:-100000}
DURATION=${BENCH_DURATION:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-4}
WARMUP=${BENCH_WARMUP:-5}
FLEXREG="dotnet $BENCH_ROOT/src/FlexRegistry.Cli/bin/Release/net10.0/flexreg.dll"
# BENCH_PG_STATS=1: PostgreSQL records statement times (pg_stat_statements) during the pages, and the top ones are printed.
[[ -n ${BENCH_PG_STATS:-} ]] && export PG_THROWAWAY_SETTINGS=$'shared_preload_libraries = \'pg_stat_statements\'\npg_stat_statements.track = all'"${PG_THROWAWAY_SETTINGS:+$'\n'$PG_THROWAWAY_SETTINGS}"
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start
pg_stats() { PGPASSWORD=flexreg psql -h 127.0.0.1 -p "$PG_THROWAWAY_PORT" -U flexreg -d bench_pages -X -q "$@"; }
# People sign in over plain HTTP here: the session cookie must not be Secure-only.
export Auth__RequireHttps=false

for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_pages)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/pages.db"
    fi
    out=$BENCH_RESULTS/pages-$provider.txt
    {
        bench_header "web pages over $N assets on $provider"
        bench_start_app "$app_provider" "$cs"
        echo "## load: $N assets through POST /api/v1/asset-imports"
        file=$BENCH_WORK/assets-$N.ndjson
        [[ -f $file ]] || $FLEXREG sandbox generate --assets "$N" --duplicates 0 --near-duplicates 0 --format ndjson --out "$file" >&2
        bench reads-load --url "$APP_URL" --files "$file"
        bench_start_bare "$provider" "$cs"
        if [[ $provider == postgres && -n ${BENCH_PG_STATS:-} ]]; then
            pg_stats -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
        fi
        echo "## pages: closed loop, $CONCURRENCY connections, ${DURATION}s after ${WARMUP}s warm-up"
        bench pages --provider "$provider" --connection "$cs" --url "$APP_URL" --bare-url "http://127.0.0.1:$BARE_PORT/" \
            --operator-secret "$OPERATOR_SECRET" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/pages.txt"
        if [[ $provider == postgres && -n ${BENCH_PG_STATS:-} ]]; then
            echo "## pg_stat_statements during the pages: top 20 by total time"
            pg_stats -c "SELECT calls, round(mean_exec_time::numeric, 2) AS mean_ms, round(max_exec_time::numeric, 1) AS max_ms,
                round(total_exec_time::numeric) AS total_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 200) AS query
                FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20"
        fi
        echo "## summary (goal: p99 <= 100 ms per page)"
        sed -n 's/^RESULT target=\([a-z-]*\) .*p99_ms=\([0-9.]*\).*/\1: p99 \2 ms/p' "$BENCH_WORK/pages.txt"
        bench_stop_app
        bench_stop_app
    } > >(tee "$out") 2>&1
done
