#!/usr/bin/env bash
# Benchmark (issue 18): conflict detection. A register of BENCH_CONFLICT_ASSETS assets in three portfolios each (about
# 30 members a portfolio, one accepted contract per portfolio) plus one target portfolio of BENCH_CONFLICT_TARGET
# members, loaded through the register's own entities and BulkWriter; then the full conflict scan and the detection for a
# new contract on the target portfolio, each beside the raw floor of its candidate join (a plain count on the same
# database). Goals (issue 18, PostgreSQL, quiet machine): new-contract detection p99 <= 1 s and full scan <= 60 s at
# 1,000,000 assets / 3,000,000 memberships / 100,000 contracts / a 10,000-asset portfolio; SQLite the same at a tenth.
# Scale knobs: BENCH_CONFLICT_ASSETS (default 1000000; SQLite takes a tenth of it), BENCH_CONFLICT_TARGET (default
# 10000; SQLite a tenth), BENCH_CONFLICT_RUNS (default 20), BENCH_PROVIDERS (default "postgres sqlite").
# Output: bench/results/conflicts-<provider>.txt
source "$(dirname "$0")/common.sh"
N=${BENCH_CONFLICT_ASSETS:-1000000}
T=${BENCH_CONFLICT_TARGET:-10000}
R=${BENCH_CONFLICT_RUNS:-20}
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start
for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        cs=$(bench_pg_database bench_conflicts) assets=$N target=$T
    else
        cs="Data Source=$BENCH_WORK/conflicts.db" assets=$((N / 10)) target=$((T / 10))
    fi
    out=$BENCH_RESULTS/conflicts-$provider.txt
    {
        bench_header "conflict detection on $provider: $assets assets, target portfolio of $target"
        bench conflicts --provider "$provider" --connection "$cs" --assets "$assets" --target-size "$target" --runs "$R"
    } > >(tee "$out") 2>&1
done
