#!/usr/bin/env bash
# Matching quality (issue 22): the labelled evaluation set at scale through the register's matcher; prints precision,
# recall, review rate and F1 per damage type. Deterministic and CPU-only (no database, no service), so machine load does
# not change its figures. Output: bench/results/matching-quality.txt.
#
#   bench/matching-quality.sh            # BENCH_REGISTER=100000 BENCH_INCOMING=50000 BENCH_SEEDS=1,2
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
out=bench/results/matching-quality.txt
dotnet build bench/FlexRegistry.Bench -c Release -v quiet -nologo >/dev/null
{
    echo "# matching quality, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
    dotnet bench/FlexRegistry.Bench/bin/Release/net10.0/FlexRegistry.Bench.dll quality \
        --register "${BENCH_REGISTER:-100000}" --incoming "${BENCH_INCOMING:-50000}" --seeds "${BENCH_SEEDS:-1,2}"
} | tee "$out"
