#!/usr/bin/env bash
# Benchmark (b): webhook delivery vs a raw HttpClient Standard-Webhooks signing-and-posting loop to the same local
# receiver (Kestrel in flexreg-bench), pull-feed replay throughput, and commit→delivery latency at a sustained rate.
# Scale knobs: BENCH_EVENTS (backlog size, default 20000), BENCH_RATE (events/s offered, default 1000),
# BENCH_DURATION (s of each sustained phase, default 10), BENCH_IMPORT_ROWS (rows per import file in the sustained
# phase, default 100: one file every BENCH_IMPORT_ROWS/BENCH_RATE s), BENCH_POST_RATE (single registrations/s of the
# second sustained phase, default 100), BENCH_PROVIDERS (default "postgres sqlite"),
# BENCH_RECEIVER_PORT (the local receiver, default 5192; APP_PORT moves the register).
# Output: bench/results/events-<provider>.txt
source "$(dirname "$0")/common.sh"
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start
for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_events)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/events.db"
    fi
    out=$BENCH_RESULTS/events-$provider.txt
    {
        bench_header "events and webhooks on $provider"
        bench_start_app "$app_provider" "$cs"
        bench webhooks --url "$APP_URL" --receiver-port "${BENCH_RECEIVER_PORT:-5192}" --events "${BENCH_EVENTS:-20000}" --rate "${BENCH_RATE:-1000}" --duration "${BENCH_DURATION:-10}" \
            --import-rows "${BENCH_IMPORT_ROWS:-100}" --post-rate "${BENCH_POST_RATE:-100}"
        bench_stop_app
    } > >(tee "$out") 2>&1
done
