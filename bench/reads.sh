#!/usr/bin/env bash
# Benchmark (d), issue 16: a market operator reading the register under the visibility rule, every read access-logged,
# on PostgreSQL and SQLite, each figure beside its raw baseline measured in the same run.
#   0. load: BENCH_ASSETS synthetic assets registered through the register's own bulk path (POST /api/v1/asset-imports,
#      files of at most 1,000,000 rows made by `flexreg sandbox generate`), as one FSP;
#   1. lookup by ID: GET /api/v1/assets/{id}?purpose=procurement by a system operator (rule, grants, purpose, logged
#      read) vs the bare minimal-API endpoint doing the same one-row query by ID (GET /bare/assets/by-id/{id}):
#      saturation of both (closed loop), then the lookup's p99 at half its saturation (open loop); on PostgreSQL also
#      the lookup's floor (GET /bare/lookup/{id}: its four reads and its access-log write in raw SQL, and
#      GET /bare/lookup-reads/{id}: the reads alone), saturated and at the same half rate beside the bare GET;
#   2. area + type search returning 100 rows (logged): saturation, then p99 at half of it;
#   3. export: streamed NDJSON exports of every asset (logged in chunks), rows/s, beside a raw forward-only read of
#      the same rows straight from the database (its ceiling on this machine) and, on PostgreSQL, the export's floor
#      (raw-export: the same rows read, written as JSON the way the export writes its rows — Utf8JsonWriter into a
#      buffer, typed values, no string per row — and logged by COPY per chunk of 5,000, no service). Each of the three
#      runs once cold (the first in its process: tiered JIT still compiling, reported as *-cold), then
#      BENCH_EXPORT_WARMUP untimed rounds (default 3), then BENCH_EXPORT_ROUNDS timed rounds (default 3) whose median is
#      the steady-state figure: a register runs for weeks, so the warm figure is the one the goal is judged on.
# The issue's scale is BENCH_ASSETS=10000000 on PostgreSQL and 1000000 on SQLite (BENCH_SQLITE_ASSETS); loading 10M
# through the API takes a while (see docs/benchmarks.md). Run on a quiet machine for figures that mean anything.
# Scale knobs: BENCH_ASSETS (default 100000), BENCH_SQLITE_ASSETS (default BENCH_ASSETS), BENCH_DURATION (s, default 15),
# BENCH_CONCURRENCY (default 32), BENCH_WARMUP (s, default 10), BENCH_PROVIDERS (default "postgres sqlite").
# BENCH_READS_ONLY=lookup runs steps 0 and 1 only (no search, no export): for A/B runs of the lookup alone;
# BENCH_READS_ONLY=export runs steps 0 and 3 only (no lookup, no search): for A/B runs of the export alone.
# A database loaded beforehand (e.g. by an earlier run with BENCH_KEEP_WORK=1, or the load step run by hand) can be
# measured again without loading: BENCH_PG_CONNECTION / BENCH_SQLITE_CONNECTION name it and BENCH_SKIP_LOAD=1 skips step 0.
# Output: bench/results/reads-<provider>.txt
source "$(dirname "$0")/common.sh"
N=${BENCH_ASSETS:-100000}
DURATION=${BENCH_DURATION:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
WARMUP=${BENCH_WARMUP:-10}
FLEXREG="dotnet $BENCH_ROOT/src/FlexRegistry.Cli/bin/Release/net10.0/flexreg.dll"
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start

# bench_files COUNT: synthetic NDJSON files of at most 1M rows each, covering COUNT assets; prints their paths, comma-separated.
bench_files() {
    local count=$1 start=0 files="" size
    while ((start < count)); do
        size=$((count - start < 1000000 ? count - start : 1000000))
        [[ -f $BENCH_WORK/assets-$start-$size.ndjson ]] ||
            $FLEXREG sandbox generate --assets "$size" --start-index "$start" --duplicates 0 --near-duplicates 0 --format ndjson \
                --out "$BENCH_WORK/assets-$start-$size.ndjson" >&2
        files+="${files:+,}$BENCH_WORK/assets-$start-$size.ndjson"
        start=$((start + size))
    done
    echo "$files"
}

for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_reads) count=$N
    else
        app_provider=Sqlite cs=${BENCH_SQLITE_CONNECTION:-"Data Source=$BENCH_WORK/reads.db"} count=${BENCH_SQLITE_ASSETS:-$N}
    fi
    out=$BENCH_RESULTS/reads-$provider.txt
    common=(--provider "$provider" --connection "$cs" --url "$APP_URL" --operator-secret "$OPERATOR_SECRET")
    {
        bench_header "market-operator reads over $count assets on $provider"
        bench_start_app "$app_provider" "$cs"
        app_pid=${_bench_pids[-1]}
        if [[ -n ${BENCH_SKIP_LOAD:-} ]]; then
            echo "## load: skipped (BENCH_SKIP_LOAD): the database was loaded beforehand through POST /api/v1/asset-imports"
        else
            echo "## load: $count assets through POST /api/v1/asset-imports"
            bench reads-load --url "$APP_URL" --files "$(bench_files "$count")"
        fi
        bench_start_bare "$provider" "$cs"
        get_sat="" bare_sat="" get_p99="" floor_sat="" reads_sat="" floor_p99="" bare_p99=""
        if [[ ${BENCH_READS_ONLY:-} != export ]]; then
        echo "## lookup by ID: saturation (closed loop, $CONCURRENCY connections, ${DURATION}s after ${WARMUP}s warm-up)"
        bench reads "${common[@]}" --target get --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/get.txt" || echo "bench: that target failed (exit $?); the run goes on"
        bench reads "${common[@]}" --target bare-get --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/bare-get.txt" || echo "bench: that target failed (exit $?); the run goes on"
        get_sat=$(sed -n 's/.*RESULT target=get mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/get.txt")
        bare_sat=$(sed -n 's/.*RESULT target=bare-get mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-get.txt")
        echo "## lookup by ID at half saturation ($((get_sat / 2)) req/s, open loop)"
        bench reads "${common[@]}" --target get --rate $((get_sat / 2)) --duration "$DURATION" --warmup 3 | tee "$BENCH_WORK/get-rate.txt" || echo "bench: that target failed (exit $?); the run goes on"
        get_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/get-rate.txt")
        if [[ $provider == postgres ]]; then
            echo "## the lookup's floor (bench/FlexRegistry.Bench/BareLookup.cs): its reads and its access-log write in raw SQL, no service"
            bench reads "${common[@]}" --target bare-lookup --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/floor.txt" || echo "bench: that target failed (exit $?); the run goes on"
            bench reads "${common[@]}" --target bare-lookup-reads --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/floor-reads.txt" || echo "bench: that target failed (exit $?); the run goes on"
            floor_sat=$(sed -n 's/.*RESULT target=bare-lookup mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/floor.txt")
            reads_sat=$(sed -n 's/.*RESULT target=bare-lookup-reads mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/floor-reads.txt")
            echo "## the floor's and the bare GET's p99 at the lookup's half-saturation rate ($((get_sat / 2)) req/s)"
            bench reads "${common[@]}" --target bare-lookup --bare-url "http://127.0.0.1:$BARE_PORT/" --rate $((get_sat / 2)) --duration "$DURATION" --warmup 3 | tee "$BENCH_WORK/floor-rate.txt" || echo "bench: that target failed (exit $?); the run goes on"
            bench reads "${common[@]}" --target bare-get --bare-url "http://127.0.0.1:$BARE_PORT/" --rate $((get_sat / 2)) --duration "$DURATION" --warmup 3 | tee "$BENCH_WORK/bare-rate.txt" || echo "bench: that target failed (exit $?); the run goes on"
            floor_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/floor-rate.txt")
            bare_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/bare-rate.txt")
        fi
        fi
        search_sat="" search_p99=""
        if [[ ${BENCH_READS_ONLY:-} != lookup ]]; then
        if [[ ${BENCH_READS_ONLY:-} != export ]]; then
        echo "## area + type search, 100 rows: saturation, then p99 at half of it"
        bench reads "${common[@]}" --target search --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" | tee "$BENCH_WORK/search.txt" || echo "bench: that target failed (exit $?); the run goes on"
        search_sat=$(sed -n 's/.*RESULT target=search mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/search.txt")
        bench reads "${common[@]}" --target search --rate $((search_sat / 2 > 0 ? search_sat / 2 : 1)) --duration "$DURATION" --warmup 3 | tee "$BENCH_WORK/search-rate.txt" || echo "bench: that target failed (exit $?); the run goes on"
        search_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/search-rate.txt")
        fi
        echo "## export of every asset (NDJSON), and the raw forward-only read of the same rows"
        rounds=(--export-warmup "${BENCH_EXPORT_WARMUP:-3}" --export-rounds "${BENCH_EXPORT_ROUNDS:-3}")
        bench reads "${common[@]}" "${rounds[@]}" --target raw-read | tee "$BENCH_WORK/raw.txt" || echo "bench: that target failed (exit $?); the run goes on"
        bench reads "${common[@]}" "${rounds[@]}" --app-pid "$app_pid" --target export | tee "$BENCH_WORK/export.txt" || echo "bench: that target failed (exit $?); the run goes on"
        raw=$(sed -n 's/.*RESULT target=raw-read .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/raw.txt")
        exported=$(sed -n 's/.*RESULT target=export .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/export.txt")
        raw_cold=$(sed -n 's/.*RESULT target=raw-read-cold .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/raw.txt")
        exported_cold=$(sed -n 's/.*RESULT target=export-cold .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/export.txt")
        floor_export="" floor_export_cold=""
        if [[ $provider == postgres ]]; then
            bench reads "${common[@]}" "${rounds[@]}" --target raw-export | tee "$BENCH_WORK/raw-export.txt" || echo "bench: that target failed (exit $?); the run goes on"
            floor_export=$(sed -n 's/.*RESULT target=raw-export .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/raw-export.txt")
            floor_export_cold=$(sed -n 's/.*RESULT target=raw-export-cold .*rows_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/raw-export.txt")
        fi
        fi
        echo "## summary"
        if [[ ${BENCH_READS_ONLY:-} != export ]]; then
        echo "lookup saturation: $get_sat/s; bare: $bare_sat/s; ratio: $(awk "BEGIN{printf \"%.2f\", $get_sat/$bare_sat}") (goal >= 0.50)"
        echo "lookup p99 at $((get_sat / 2))/s: ${get_p99} ms (goal <= 5 ms)"
        if [[ -n $floor_sat ]]; then
            echo "floor: reads + access-log write $floor_sat/s ($(awk "BEGIN{printf \"%.2f\", $floor_sat/$bare_sat}") x bare), reads alone $reads_sat/s ($(awk "BEGIN{printf \"%.2f\", $reads_sat/$bare_sat}") x bare); lookup / floor: $(awk "BEGIN{printf \"%.2f\", $get_sat/$floor_sat}")"
            echo "p99 at $((get_sat / 2))/s: floor ${floor_p99} ms, bare GET ${bare_p99} ms"
        fi
        fi
        if [[ ${BENCH_READS_ONLY:-} != lookup ]]; then
        [[ -n $search_sat ]] && echo "search saturation: $search_sat/s; p99 at half: ${search_p99} ms (goal <= 50 ms)"
        echo "export, warm (median of ${BENCH_EXPORT_ROUNDS:-3} after ${BENCH_EXPORT_WARMUP:-3} untimed): $exported rows/s (goal >= 100000); raw read, warm: $raw rows/s; ratio: $(awk "BEGIN{printf \"%.2f\", $exported/$raw}")"
        echo "export, cold (first after start): $exported_cold rows/s; raw read, cold: $raw_cold rows/s; ratio: $(awk "BEGIN{printf \"%.2f\", $exported_cold/$raw_cold}")"
        [[ -n $floor_export ]] && echo "export floor (raw read + JSON + every row logged by COPY, no HTTP), warm: $floor_export rows/s; export / floor: $(awk "BEGIN{printf \"%.2f\", $exported/$floor_export}"); cold: $floor_export_cold rows/s; cold export / cold floor: $(awk "BEGIN{printf \"%.2f\", $exported_cold/$floor_export_cold}")"
        fi
        bench_stop_app
        bench_stop_app
    } > >(tee "$out") 2>&1
done
