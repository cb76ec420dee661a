#!/usr/bin/env bash
# Benchmark of the flow-diagram renderer: 1,000 generated Chinese flowcharts of 10-20 nodes,
# rendered to SVG several times (BENCH_RUNS, default 7); prints min / median / max.
# Budget from the issue: under 1 s for the 1,000.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo bench -q -p qaportal-diagram --bench render
