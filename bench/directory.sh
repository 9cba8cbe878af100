#!/usr/bin/env bash
# Benchmark, issue 19: typo-tolerant directory search and the public catalogue, on PostgreSQL and SQLite, each figure
# beside its raw baseline measured in the same run.
#   0. load: one participant registered and verified through the API, copied BENCH_PARTICIPANTS times straight into the
#      participants table with generated names (the register's own normalised and search keys);
#   1. search: GET /api/v1/participants?query=<a generated name with a typo and another legal suffix>&limit=10 by a
#      participant: saturation (closed loop), then p99 at half of it (open loop); beside the bare minimal-API endpoint doing
#      one exact lookup by normalised name on the same table (GET /bare/participants/by-name/{name});
#   2. catalogue: one streamed GET /api/v1/catalogue (JSON-LD) and one of /api/v1/catalogue/participants.csv, to the last byte.
# Goals (issue 19): search p99 <= 50 ms at half saturation on PostgreSQL; the catalogue of 100,000 participants in <= 2 s.
# Scale knobs: BENCH_PARTICIPANTS (default 100000), BENCH_DURATION (s, default 15), BENCH_CONCURRENCY (default 32),
# BENCH_WARMUP (s, default 10), BENCH_PROVIDERS (default "postgres sqlite"). Run on a quiet machine for figures that mean anything.
# Output: bench/results/directory-<provider>.txt
source "$(dirname "$0")/common.sh"
N=${BENCH_PARTICIPANTS:-100000}
DURATION=${BENCH_DURATION:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
WARMUP=${BENCH_WARMUP:-10}
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start

for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_directory)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/directory.db"
    fi
    out=$BENCH_RESULTS/directory-$provider.txt
    common=(--provider "$provider" --connection "$cs" --url "$APP_URL" --operator-secret "$OPERATOR_SECRET" --participants "$N")
    {
        bench_header "directory search and public catalogue over $N participants on $provider"
        bench_start_app "$app_provider" "$cs"
        echo "## load: $N participants"
        bench directory "${common[@]}" --target load
        bench_start_bare "$provider" "$cs"
        echo "## search with a typo: saturation (closed loop, $CONCURRENCY connections, ${DURATION}s after ${WARMUP}s warm-up), and the bare exact lookup"
        bench directory "${common[@]}" --target search --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/search.txt" || echo "bench: that target failed (exit $?); the run goes on"
        bench directory "${common[@]}" --target bare-name --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/bare-name.txt" || echo "bench: that target failed (exit $?); the run goes on"
        search_sat=$(sed -n 's/.*RESULT target=search mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/search.txt")
        bare_sat=$(sed -n 's/.*RESULT target=bare-name mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-name.txt")
        half=$((search_sat / 2 > 0 ? search_sat / 2 : 1))
        echo "## search at half saturation ($half req/s, open loop)"
        bench directory "${common[@]}" --target search --rate "$half" --duration "$DURATION" --warmup 3 | tee "$BENCH_WORK/search-rate.txt" || echo "bench: that target failed (exit $?); the run goes on"
        search_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/search-rate.txt")
        echo "## public catalogue, streamed"
        bench directory "${common[@]}" --target catalogue | tee "$BENCH_WORK/catalogue.txt" || echo "bench: that target failed (exit $?); the run goes on"
        bench directory "${common[@]}" --target catalogue-csv | tee "$BENCH_WORK/catalogue-csv.txt" || echo "bench: that target failed (exit $?); the run goes on"
        echo "## summary"
        echo "search saturation: $search_sat/s; bare exact lookup: $bare_sat/s; ratio: $(awk "BEGIN{printf \"%.2f\", $search_sat/$bare_sat}")"
        echo "search p99 at $half/s: ${search_p99} ms (goal <= 50 ms on PostgreSQL)"
        echo "catalogue JSON-LD: $(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$BENCH_WORK/catalogue.txt") s; CSV: $(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$BENCH_WORK/catalogue-csv.txt") s (goal <= 2 s)"
        bench_stop_app
        bench_stop_app
    } > >(tee "$out") 2>&1
done
