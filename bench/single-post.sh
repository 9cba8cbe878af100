#!/usr/bin/env bash
# Benchmark (a): single POST /api/v1/assets vs a bare minimal-API endpoint doing one indexed query, on PostgreSQL
# (throwaway cluster) and SQLite, in one run.
#   1. saturation: closed loop, BENCH_CONCURRENCY connections, BENCH_DURATION seconds (flexreg-bench load) for
#      POST /api/v1/assets and for the bare endpoint; the bare endpoint also with hey (one URL, so hey can drive it);
#   2. p99 of POST /api/v1/assets at a fixed rate of half its saturation (open loop, latency from the scheduled time).
#   3. a lower bound for any registration, beside the issue's figures: the bench's bare write (POST /bare/assets: the
#      same bodies, the register's validation, one single-row INSERT into an empty copy of the assets table, nothing
#      else), its saturation and its p99 at the same fixed rate as 2.
# Scale knobs: BENCH_DURATION (s, default 15), BENCH_CONCURRENCY (default 32), BENCH_PROVIDERS (default "postgres sqlite"),
# BENCH_WARMUP (s, default 30: uncounted load before each saturation phase, long enough for .NET's tiered JIT to finish
# promoting the hot code; with 3 s the measured phase still ran partly instrumented tier-0 code, about half the speed).
# BENCH_STEADY_MAX (s, default 150): after the warm-up, POST /api/v1/assets keeps running uncounted 10 s windows until one's
# rate is within 5 % of the previous one or the warm-up reaches this long (the bare endpoints: 60 s). On a loaded
# machine the JIT was still recompiling the register's hot code 100 s into a run (perf: a quarter of its CPU in libclrjit).
#   4. the floor (POST /bare/register, bench/FlexRegistry.Bench/BareRegister.cs): the database work of a registration alone
#      (asset row, event row, audit record, block locks, candidates read, commit; one batch + commit, raw ADO.NET), so the
#      summary can say how much of the gap is the database work every design must do and how much is the service's own.
# Output: bench/results/single-post-<provider>.txt
source "$(dirname "$0")/common.sh"
DURATION=${BENCH_DURATION:-15}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
WARMUP=${BENCH_WARMUP:-30}
STEADY_MAX=${BENCH_STEADY_MAX:-150}
command -v hey >/dev/null || { echo "hey is required: apt-get install -y hey" >&2; exit 1; }
bench_build
[[ " ${BENCH_PROVIDERS:-postgres sqlite} " == *" postgres "* ]] && bench_pg_start

for provider in ${BENCH_PROVIDERS:-postgres sqlite}; do
    if [[ $provider == postgres ]]; then
        app_provider=Postgres cs=$(bench_pg_database bench_single)
    else
        app_provider=Sqlite cs="Data Source=$BENCH_WORK/single.db"
    fi
    out=$BENCH_RESULTS/single-post-$provider.txt
    {
        bench_header "single POST /api/v1/assets on $provider"
        bench_start_app "$app_provider" "$cs"
        bench_start_bare "$provider" "$cs"
        echo "## saturation (closed loop, $CONCURRENCY connections, ${DURATION}s after ${WARMUP}s warm-up)"
        # Distinct bodies enough for the whole phase, warm-up included (a repeat is a 409, not counted).
        bench load --url "$APP_URL" --target post-asset --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --steady-max "$STEADY_MAX" --start-index 0 --bodies 400000 | tee "$BENCH_WORK/post.txt"
        bench load --target bare --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --start-index 0 | tee "$BENCH_WORK/bare.txt"
        bench load --target bare-write --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --steady-max 60 --start-index 2000000 --bodies 900000 | tee "$BENCH_WORK/bare-write.txt"
        bench load --target bare-register --bare-url "http://127.0.0.1:$BARE_PORT/" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --steady-max 60 --start-index 5000000 --bodies 600000 | tee "$BENCH_WORK/bare-register.txt"
        echo "## hey on the bare endpoint (one URL): hey -z ${DURATION}s -c $CONCURRENCY"
        hey -z "${DURATION}s" -c "$CONCURRENCY" "http://127.0.0.1:$BARE_PORT/bare/assets/2199544141150" | grep -E "Requests/sec|Total:|99%|Status code|\[200\]"
        post_sat=$(sed -n 's/.*RESULT target=post-asset mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/post.txt")
        bare_sat=$(sed -n 's/.*RESULT target=bare mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare.txt")
        write_sat=$(sed -n 's/.*RESULT target=bare-write mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-write.txt")
        floor_sat=$(sed -n 's/.*RESULT target=bare-register mode=saturate rate= ok_per_s=\([0-9]*\).*/\1/p' "$BENCH_WORK/bare-register.txt")
        half=$((post_sat / 2))
        echo "## fixed rate: POST /api/v1/assets at half saturation ($half req/s, open loop, ${DURATION}s after 3s warm-up)"
        bench load --url "$APP_URL" --target post-asset --rate "$half" --duration "$DURATION" --start-index 1000000 | tee "$BENCH_WORK/rate.txt"
        p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/rate.txt")
        echo "## fixed rate: bare write at the same rate ($half req/s, open loop, ${DURATION}s after 3s warm-up)"
        bench load --target bare-write --bare-url "http://127.0.0.1:$BARE_PORT/" --rate "$half" --duration "$DURATION" --start-index 3000000 | tee "$BENCH_WORK/write-rate.txt"
        write_p99=$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$BENCH_WORK/write-rate.txt")
        echo "## summary"
        echo "POST saturation: $post_sat/s; bare write saturation: $write_sat/s; POST / bare write: $(awk "BEGIN{printf \"%.2f\", $post_sat/$write_sat}") (issue 15 goal >= 0.50)"
        echo "POST p99 at $half/s: ${p99} ms; bare write p99 at $half/s: ${write_p99} ms; ratio: $(awk "BEGIN{printf \"%.2f\", $p99/$write_p99}") (issue 15 goals: PostgreSQL <= 5 ms, SQLite <= 1.5 x the bare write)"
        echo "floor (a registration's database work alone, raw ADO.NET, one batch + commit): $floor_sat/s; floor / bare write: $(awk "BEGIN{printf \"%.2f\", $floor_sat/$write_sat}"); POST / floor: $(awk "BEGIN{printf \"%.2f\", $post_sat/$floor_sat}")"
        echo "also: bare read saturation: $bare_sat/s; POST / bare read: $(awk "BEGIN{printf \"%.2f\", $post_sat/$bare_sat}"); bare write / bare read: $(awk "BEGIN{printf \"%.2f\", $write_sat/$bare_sat}")"
        bench_stop_app
        bench_stop_app
    } > >(tee "$out") 2>&1
done
