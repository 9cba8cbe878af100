#!/usr/bin/env bash
# Benchmark (c): bulk import of BENCH_ASSETS synthetic assets against BENCH_ASSETS already registered (10% exact
# duplicates, 1% near duplicates) through POST /api/v1/asset-imports, vs the raw limit on the same database and
# indexed table: Npgsql binary COPY (PostgreSQL) and a prepared INSERT in one transaction (SQLite).
# Scale knobs: BENCH_ASSETS (default 100000; the issue's figure is 1000000), BENCH_PROVIDERS (default "postgres sqlite").
# The import half needs the bulk import endpoint (branch `import`); without it that half reports "not run".
# Output: bench/results/import-<provider>.txt
source "$(dirname "$0")/common.sh"
N=${BENCH_ASSETS:-100000}
FLEXREG="dotnet $BENCH_ROOT/src/FlexRegistry.Cli/bin/Release/net10.0/flexreg.dll"
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start
$FLEXREG sandbox generate --assets "$N" --duplicates 0 --near-duplicates 0 --format ndjson --out "$BENCH_WORK/existing.ndjson"
$FLEXREG sandbox generate --assets "$N" --start-index "$N" --duplicates 0.1 --near-duplicates 0.01 --format ndjson --out "$BENCH_WORK/new.ndjson"
for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_import)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/import.db"
    fi
    out=$BENCH_RESULTS/import-$provider.txt
    {
        bench_header "bulk import of $N assets against $N registered on $provider"
        echo "Imports:BatchSize: ${Imports__BatchSize:-1000 (default)}"
        bench_start_app "$app_provider" "$cs" # migrates the schema the baseline copies
        echo "## raw limit"
        bench copy-baseline --provider "$provider" --connection "$cs" --existing "$BENCH_WORK/existing.ndjson" --new "$BENCH_WORK/new.ndjson"
        echo "## bulk import through the API"
        # (into a file: `curl | grep -q` fails under pipefail when grep stops reading early)
        if curl -fsS -o "$BENCH_WORK/openapi.json" "${APP_URL}openapi/v1.json" && grep -q '"/api/v1/asset-imports"' "$BENCH_WORK/openapi.json"; then
            bench import --url "$APP_URL" --existing "$BENCH_WORK/existing.ndjson" --new "$BENCH_WORK/new.ndjson" || echo "import failed (exit $?)"
        else
            echo "not run: this build has no POST /api/v1/asset-imports in its OpenAPI document (bulk import not merged)"
        fi
        bench_stop_app
    } > >(tee "$out") 2>&1
done
