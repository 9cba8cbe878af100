#!/usr/bin/env bash
# FlexRegistry's one test command (CI runs it via .ci/run).
#
#   ./test.sh
#
# Steps: ensure PostgreSQL 15 server binaries (apt-get install as root if missing) -> start a throwaway cluster
# (scripts/pg-throwaway.sh, always stopped and deleted on exit) -> ensure Debian's chromium (apt-get as root if missing)
# -> dotnet tool restore -> npm ci for tests/interop, tests/interop-events, tests/browser and src/FlexRegistry/Frontend
# -> dotnet build (Release)
# -> dotnet format --verify-no-changes (STYLE.md) -> dotnet test. The last line of output is always
#
#   tests: N passed, M failed, K skipped
#
# Exit status is non-zero if the build, the style check or any test failed, or if no test ran.
#
# Optional environment:
#   FLEXREG_TEST_FILTER   passed to `dotnet test --filter`, e.g.
#                         FLEXREG_TEST_FILTER='FullyQualifiedName~Tenancy' ./test.sh
#                         (a filter that matches nothing counts as "zero tests ran", i.e. failure)
#   FLEXREG_SKIP_FORMAT=1 skip the `dotnet format` style check (local iteration only; CI never sets it)
#
# Outputs: TestResults/test.log (dotnet test console output), TestResults/trx/*.trx (one per test assembly).
# The tests get the cluster via FLEXREG_TEST_POSTGRES (Host=127.0.0.1;Port=...;Username=flexreg;Password=flexreg;
# Database=postgres); fixtures create their own databases from it.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
ROOT=$PWD
SOLUTION=FlexRegistry.slnx
CONFIGURATION=Release
RESULTS_DIR=$ROOT/TestResults
TRX_DIR=$RESULTS_DIR/trx
LOG=$RESULTS_DIR/test.log

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ ${CI:-} == true || ${CI:-} == 1 ]]; then
    # Do not leave idle MSBuild worker nodes behind on CI machines.
    export MSBUILDDISABLENODEREUSE=1
fi

# shellcheck source=scripts/pg-throwaway.sh
source "$ROOT/scripts/pg-throwaway.sh"

stage="startup"
passed=0 failed=0 skipped=0 executed=0

timings="" stage_start=""

# begin_stage SHORT_NAME HEADER: print a header, remember the stage (for failure messages) and time it.
begin_stage() {
    end_stage
    stage=$1 stage_start=$SECONDS
    printf '\n==> %s\n' "$2"
}
end_stage() {
    if [[ -n $stage_start ]]; then
        timings+="${timings:+, }$stage $((SECONDS - stage_start))s"
        stage_start=""
    fi
}

# Attribute $2 of a TRX <Counters .../> element $1 (0 when absent).
counter() {
    local v
    v=$(sed -n "s/.* $2=\"\([0-9][0-9]*\)\".*/\1/p" <<<"$1" | head -n1)
    echo "${v:-0}"
}

# Sum the <Counters .../> of every TRX file (one per test assembly).
count_trx() {
    passed=0 failed=0 skipped=0 executed=0
    local f c attr
    shopt -s nullglob
    local files=("$TRX_DIR"/*.trx)
    shopt -u nullglob
    for f in "${files[@]}"; do
        c=$(grep -o '<Counters [^>]*>' "$f" | head -n1 || true)
        [[ -n $c ]] || continue
        passed=$((passed + $(counter "$c" passed)))
        executed=$((executed + $(counter "$c" executed)))
        # Anything that ran and did not pass counts as failed.
        for attr in failed error timeout aborted; do
            failed=$((failed + $(counter "$c" "$attr")))
        done
        # VSTest leaves notExecuted at 0 for skipped xunit tests; they show up as total - executed.
        local total executed_here not_executed
        total=$(counter "$c" total)
        executed_here=$(counter "$c" executed)
        not_executed=$(counter "$c" notExecuted)
        if [[ $((total - executed_here)) -gt $not_executed ]]; then
            not_executed=$((total - executed_here))
        fi
        skipped=$((skipped + not_executed))
    done
}

# shellcheck disable=SC2317  # invoked via trap
on_exit() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    local failed_stage=$stage
    end_stage
    pg_throwaway_stop
    if [[ $rc -ne 0 && $failed_stage != "done" ]]; then
        printf '\ntest.sh: FAILED during %s (exit %s)\n' "$failed_stage" "$rc"
    fi
    printf 'test.sh: timings: %s; total %ss\n' "$timings" "$SECONDS"
    printf 'tests: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

begin_stage postgres "PostgreSQL throwaway cluster"
pg_throwaway_start

# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is not reachable).
begin_stage chromium "Chromium for the browser tests"
if [[ ! -x /usr/bin/chromium ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "test.sh: /usr/bin/chromium is missing and we are not root: apt-get install chromium" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
fi
/usr/bin/chromium --version

begin_stage tool-restore "dotnet tool restore"
dotnet tool restore

# The independent checks run node: tests/interop (openid-client, OpenIdClientInteropTests), tests/interop-events
# (standardwebhooks and cloudevents) and tests/lint-openapi (Spectral with the OWASP ruleset, OpenApiLintTests). Install
# exactly the locked packages; without node/npm this stage fails, so those tests are never skipped.
begin_stage npm "npm ci (tests/interop, tests/interop-events, tests/lint-openapi, tests/browser, src/FlexRegistry/Frontend)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "test.sh: Node.js 20+ and npm are required for the independent checks (apt-get install nodejs npm)" >&2
    exit 1
fi
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
npm ci --prefix tests/interop-events --no-audit --no-fund --loglevel=error
npm ci --prefix tests/lint-openapi --no-audit --no-fund --loglevel=error
# axe-core for the browser tests; GOV.UK Frontend and sass, so a test can rebuild wwwroot and compare it with the checked-in copy.
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
npm ci --prefix src/FlexRegistry/Frontend --no-audit --no-fund --loglevel=error

begin_stage build "dotnet build $SOLUTION -c $CONFIGURATION"
dotnet build "$SOLUTION" -c "$CONFIGURATION"

if [[ ${FLEXREG_SKIP_FORMAT:-} == 1 ]]; then
    printf '\n==> style check skipped (FLEXREG_SKIP_FORMAT=1)\n'
else
    begin_stage format "dotnet format $SOLUTION --verify-no-changes (on failure run 'dotnet format $SOLUTION' to fix)"
    dotnet format "$SOLUTION" --verify-no-changes --no-restore
fi

begin_stage test "dotnet test $SOLUTION -c $CONFIGURATION${FLEXREG_TEST_FILTER:+ --filter $FLEXREG_TEST_FILTER}"
rm -rf "$TRX_DIR"
mkdir -p "$RESULTS_DIR"
test_args=(
    test "$SOLUTION" --no-build -c "$CONFIGURATION"
    --results-directory "$TRX_DIR"
    --logger trx
    --logger "console;verbosity=normal"
    # A single test running for more than 10 minutes is a hang: kill the test host (no dump) and fail.
    --blame-hang-timeout 10m --blame-hang-dump-type none
)
if [[ -n ${FLEXREG_TEST_FILTER:-} ]]; then
    test_args+=(--filter "$FLEXREG_TEST_FILTER")
fi
set +e
dotnet "${test_args[@]}" 2>&1 | tee "$LOG"
test_rc=${PIPESTATUS[0]}
set -e

count_trx
rc=0
if [[ $test_rc -ne 0 ]]; then
    echo "test.sh: dotnet test exited with $test_rc" >&2
    rc=1
fi
if [[ $failed -gt 0 ]]; then
    # Repeat each failure's name and the start of its message here, at the end, where a log's tail shows it.
    echo "test.sh: the failed tests (each with the first lines of its message):" >&2
    awk '/^ +Failed [^ ]/ { print; n = 0; inmsg = 1; next }
         inmsg && /^ +(Stack Trace:|Standard Output Messages:|Passed |Skipped )/ { inmsg = 0; next }
         inmsg && n < 6 && !/^ +Error Message:/ && NF { print "      " $0; n++ }' "$LOG" | head -n 80 >&2
    echo "test.sh: $failed test(s) failed (details above and in ${LOG#"$ROOT"/})" >&2
    rc=1
fi
if [[ $executed -eq 0 ]]; then
    echo "test.sh: no tests ran" >&2
    rc=1
fi
end_stage
stage="done"
exit "$rc"
