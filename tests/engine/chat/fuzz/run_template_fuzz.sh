#!/bin/sh
# Runs the chat-template libFuzzer target for a bounded time, seeded with the
# fixture templates and tests/engine/chat/data/source (copied into the build
# tree, never the repository).
# Fails (non-zero) on any crash, sanitizer report, timeout or memory blow-up.
# usage: run_template_fuzz.sh FUZZER FIXTURES_DIR WORK_DIR DICT RUNS MAX_SECONDS
set -eu
fuzzer=$1
fixtures=$2
work=$3
dict=$4
runs=$5
seconds=$6

[ -x "$fuzzer" ] || { echo "run_template_fuzz: $fuzzer is not built (ninja template_fuzzer)"; exit 1; }
[ -d "$fixtures/templates/source" ] || { echo "run_template_fuzz: fixtures not found at $fixtures"; exit 1; }

rm -rf "$work/seeds" "$work/corpus" "$work/artifacts"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
cp "$fixtures"/templates/source/*.jinja "$work/seeds/"
cp "$(dirname "$0")"/../data/source/*.jinja "$work/seeds/"

exec "$fuzzer" -runs="$runs" -max_total_time="$seconds" -max_len=20000 -seed=1 -dict="$dict" \
    -malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds"
