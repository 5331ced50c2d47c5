#!/usr/bin/env bash
# Micro-benchmarks (Benchmarks/, ordo-one/benchmark): nanoseconds and heap allocations per
# message for SIPMessage.parse alone and with the fields every handler reads, and per run of a
# compiled 40-statement routing script (ScriptRoute). Prints the framework's tables, then one
# summary line per case; the full text goes to bench-out/ too.
# Extra arguments go to `swift package benchmark`, e.g. `--filter 'parse\+fields.*'`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$root/bench-out}
mkdir -p "$out"
report=$out/parser-$(date -u +%Y%m%d-%H%M%S).txt

cd "$root/Benchmarks"
swift package benchmark --no-progress "$@" 2>&1 | tee "$report"
echo
python3 "$root/scripts/bench-parser-summary.py" "$report" | tee -a "$report"
echo "(full output: $report)"
