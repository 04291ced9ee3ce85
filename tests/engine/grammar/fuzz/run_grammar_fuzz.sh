#!/bin/sh
# Runs the grammar libFuzzer target for a bounded time over the seeds in
# tests/engine/grammar/fuzz/seeds, with a corpus written into the build tree.
# Fails (non-zero) on any crash, sanitizer report, hang or oversized allocation.
# usage: run_grammar_fuzz.sh FUZZER SEEDS_DIR WORK_DIR RUNS MAX_SECONDS
set -eu
fuzzer=$1
seeds=$2
work=$3
runs=$4
seconds=$5

[ -x "$fuzzer" ] || { echo "run_grammar_fuzz: $fuzzer is not built (ninja grammar_fuzzer)"; exit 1; }
rm -rf "$work/corpus" "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -runs="$runs" -max_total_time="$seconds" -max_len=8192 -seed=1 \
    -malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
