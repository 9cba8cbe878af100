#!/usr/bin/env bash
# Benchmark (lifecycle), issue 17: changing an asset and reading its past, on PostgreSQL and SQLite, each figure beside
# its raw baseline measured in the same run.
#   0. load: BENCH_ASSETS assets registered as one FSP through POST /api/v1/assets, and one more given BENCH_VERSIONS
#      versions (its registration, then PATCHes of its model one after another);
#   1. PATCH /api/v1/assets/{id} (the registrant, a merge patch of the model, If-Match with the asset's current ETag:
#      field ownership, the version check, a history row, an event to every party, an audit record, one commit) vs the
#      bench's bare minimal-API endpoint doing one single-row UPDATE by primary key (PATCH /bare/assets/{id}, no
#      authentication, no history, no event, no audit): saturation of both (closed loop), then the PATCH's p99 at half
#      its saturation (open loop, latency from the scheduled time);
#   1b. on PostgreSQL, the floor of a change (PATCH /bare/change/{id}, bench/FlexRegistry.Bench/BareChange.cs): its database
#      work alone in one read batch and one write batch, raw ADO.NET, so the summary can say how much of the gap any
#      design keeping history, event and audit in the change's transaction must leave;
#   2. GET /api/v1/assets/{id}/history?limit=1000 of the asset with BENCH_VERSIONS versions (all of them in one page) and
#      GET /api/v1/assets/{id}?asOf=… of it at instants spread over its life (each a roll-back of at most 16 changes from
#      the nearest checkpoint after the instant, or from the current version in its last 15): saturation, then p99 at half.
#   Beside the PATCH's p99 at half saturation the summary prints the bare UPDATE's (and, on PostgreSQL, the floor's) p99 at
#   that same open-loop rate, so the 5 ms goal can be judged against what a bare write gets at that rate on this machine.
# Goals (docs/benchmarks.md): PATCH saturation >= 0.5 x the bare UPDATE; PATCH p99 at half saturation <= 5 ms on
# PostgreSQL; history and as-of p99 <= 20 ms. Run on a quiet machine for figures that mean anything.
# Scale knobs: BENCH_ASSETS (default 2000; more than the PATCHes in flight, so that no two hit one asset at once),
# BENCH_VERSIONS (default 1000), BENCH_DURATION (s, default 15), BENCH_CONCURRENCY (default 32), BENCH_WARMUP (s, default 10),
# BENCH_PROVIDERS (default "postgres sqlite"), BENCH_RESULTS_SUFFIX (appended to the results file name, e.g. -small).
# Output: bench/results/lifecycle-<provider><suffix>.txt
source "$(dirname "$0")/common.sh"
ASSETS=${BENCH_ASSETS:-2000}
VERSIONS=${BENCH_VERSIONS:-1000}
DURATION=${BENCH_DURATION:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
WARMUP=${BENCH_WARMUP:-10}
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start

for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_lifecycle)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/lifecycle.db"
    fi
    out=$BENCH_RESULTS/lifecycle-$provider${BENCH_RESULTS_SUFFIX:-}.txt
    state=$BENCH_WORK/lifecycle-$provider.json
    run=(--state "$state" --url "$APP_URL" --bare-url "http://127.0.0.1:$BARE_PORT/" --duration "$DURATION")
    {
        bench_header "asset changes and history on $provider ($ASSETS assets, one with $VERSIONS versions)"
        bench_start_app "$app_provider" "$cs"
        echo "## load"
        bench lifecycle-load --url "$APP_URL" --state "$state" --assets "$ASSETS" --versions "$VERSIONS"
        bench_start_bare "$provider" "$cs"
        echo "## PATCH vs bare UPDATE: saturation (closed loop, $CONCURRENCY connections, ${DURATION}s after ${WARMUP}s warm-up)"
        bench lifecycle "${run[@]}" --target patch --concurrency "$CONCURRENCY" --warmup "$WARMUP" | tee "$BENCH_WORK/patch.txt"
        bench lifecycle "${run[@]}" --target bare-update --concurrency "$CONCURRENCY" --warmup "$WARMUP" | tee "$BENCH_WORK/bare-update.txt"
        floor_sat=
        if [[ $provider == postgres ]]; then
            bench lifecycle "${run[@]}" --target bare-change --concurrency "$CONCURRENCY" --warmup "$WARMUP" | tee "$BENCH_WORK/bare-change.txt"
            floor_sat=$(sed -n 's/.*RESULT target=bare-change mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-change.txt")
        fi
        patch_sat=$(sed -n 's/.*RESULT target=patch mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/patch.txt")
        bare_sat=$(sed -n 's/.*RESULT target=bare-update mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-update.txt")
        half=$((patch_sat / 2 > 0 ? patch_sat / 2 : 1))
        echo "## PATCH at half saturation ($half req/s, open loop, ${DURATION}s after 3s warm-up)"
        bench lifecycle "${run[@]}" --target patch --rate "$half" --warmup 3 | tee "$BENCH_WORK/patch-rate.txt"
        patch_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/patch-rate.txt")
        echo "## the floor's latency: bare UPDATE at the same rate ($half req/s, open loop, ${DURATION}s after 3s warm-up)"
        bench lifecycle "${run[@]}" --target bare-update --rate "$half" --warmup 3 | tee "$BENCH_WORK/bare-update-rate.txt"
        bare_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/bare-update-rate.txt")
        floor_p99=
        if [[ $provider == postgres ]]; then
            echo "## the floor's latency: bare change at the same rate ($half req/s, open loop, ${DURATION}s after 3s warm-up)"
            bench lifecycle "${run[@]}" --target bare-change --rate "$half" --warmup 3 | tee "$BENCH_WORK/bare-change-rate.txt"
            floor_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/bare-change-rate.txt")
        fi
        for target in history as-of; do
            echo "## $target of the $VERSIONS-version asset: saturation, then p99 at half of it (closed loop from $(date -u +%T))"
            bench lifecycle "${run[@]}" --target "$target" --concurrency "$CONCURRENCY" --warmup "$WARMUP" | tee "$BENCH_WORK/$target.txt"
            sat=$(sed -n "s/.*RESULT target=$target mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p" "$BENCH_WORK/$target.txt")
            echo "open loop from $(date -u +%T)"
            bench lifecycle "${run[@]}" --target "$target" --rate $((sat / 2 > 0 ? sat / 2 : 1)) --warmup 3 | tee "$BENCH_WORK/$target-rate.txt"
        done
        history_sat=$(sed -n 's/.*RESULT target=history mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/history.txt")
        history_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/history-rate.txt")
        asof_sat=$(sed -n 's/.*RESULT target=as-of mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/as-of.txt")
        asof_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/as-of-rate.txt")
        echo "## summary"
        echo "PATCH saturation: $patch_sat/s; bare UPDATE: $bare_sat/s; ratio: $(awk "BEGIN{printf \"%.2f\", $patch_sat/$bare_sat}") (goal >= 0.50)"
        [[ -z $floor_sat ]] || echo "floor (a change's database work alone, raw ADO.NET, one read batch + one write batch): $floor_sat/s; floor / bare UPDATE: $(awk "BEGIN{printf \"%.2f\", $floor_sat/$bare_sat}"); PATCH / floor: $(awk "BEGIN{printf \"%.2f\", $patch_sat/$floor_sat}")"
        echo "PATCH p99 at $half/s: ${patch_p99} ms (goal <= 5 ms on PostgreSQL); bare UPDATE p99 at $half/s: ${bare_p99} ms${floor_p99:+; floor (bare change) p99 at $half/s: ${floor_p99} ms}"
        echo "history ($VERSIONS versions, one page): saturation $history_sat/s; p99 at half: ${history_p99} ms (goal <= 20 ms)"
        echo "as-of read: saturation $asof_sat/s; p99 at half: ${asof_p99} ms (goal <= 20 ms)"
        bench_stop_app
        bench_stop_app
    } > >(tee "$out") 2>&1
done
