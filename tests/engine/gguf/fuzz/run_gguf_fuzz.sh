#!/bin/sh
# Runs the GGUF libFuzzer target for a bounded time over a seed corpus of
# truncated fixture files, written into the build tree (never the repository).
# Fails (non-zero) on any crash, sanitizer report or oversized allocation.
# usage: run_gguf_fuzz.sh FUZZER FIXTURES_DIR WORK_DIR RUNS MAX_SECONDS
set -eu
fuzzer=$1
fixtures=$2
work=$3
runs=$4
seconds=$5

[ -x "$fuzzer" ] || { echo "run_gguf_fuzz: $fuzzer is not built (ninja gguf_fuzzer)"; exit 1; }
[ -f "$fixtures/README.md" ] || { echo "run_gguf_fuzz: fixtures not found at $fixtures"; exit 1; }

rm -rf "$work/seeds" "$work/corpus" "$work/artifacts"
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"
for f in models/stories260K.gguf models/synthetic/qwen3-Q4_K_M.gguf models/synthetic/qwen2-Q8_0.gguf \
         models/synthetic/llama-IQ4_XS.gguf vocab/ggml-vocab-gpt-2.gguf vocab/ggml-vocab-llama-spm.gguf; do
    name=$(basename "$f" .gguf)
    for len in 16 24 100 1000 4096 12000 30000 65536; do
        head -c "$len" "$fixtures/$f" > "$work/seeds/$name.$len"
    done
done

# The seeds are read first, so every truncation above also runs once under the sanitizers.
exec "$fuzzer" -runs="$runs" -max_total_time="$seconds" -max_len=65536 -seed=1 \
    -malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds"
