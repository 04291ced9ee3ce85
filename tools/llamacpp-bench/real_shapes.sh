#!/bin/bash
# Issue 18's table: llama.cpp's llama-bench against `hearth-cli bench` on Qwen2.5-shaped
# files (the real 151936-token vocabulary, llama-quantize's per-tensor mixtures), the two
# programs alternating per file (A B A B), then summary.py prints medians and ratios.
#
#   real_shapes.sh HEARTH_CLI [shape: 05|7b] [threads "1 2"] [depths "0 4096"] [rounds 3]
#
# Env: REPS (repetitions per run, default 3), LLAMA_BENCH (default /work/llamacpp-bench/bin/llama-bench, built as docs/benchmarks.md
# says), MODELS (where the files are made once; default /work/bench18), VOCAB (the qwen2
# vocabulary fixture). Needs a quiet machine: the load is printed before every run.
# Results: one JSON per run in $MODELS/out-<shape>/.
set -u
H=${1:?usage: real_shapes.sh HEARTH_CLI [05|7b] [threads] [depths] [rounds]}
SHAPE=${2:-05}; THREADS=${3:-"1 2"}; DEPTHS=${4:-"0 4096"}; ROUNDS=${5:-3}
L=${LLAMA_BENCH:-/work/llamacpp-bench/bin/llama-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
V=${VOCAB:-$HERE/../../../shared/fixtures/vocab/ggml-vocab-qwen2.gguf}
D=${MODELS:-/work/bench18}
mkdir -p "$D/out-$SHAPE"

make_files() {
    for mix in q4_k_m iq4_xs q8_0; do
        f=$D/$SHAPE-$mix.gguf
        [ -f "$f" ] && continue
        if [ "$SHAPE" = 05 ]; then  # Qwen2.5-0.5B: output tied to token_embd
            "$H" make-synthetic -o "$f" --vocab "$V" --arch qwen2 --mix $mix --n-embd 896 --n-layer 24 \
                --n-ff 4864 --n-head 14 --n-head-kv 2 --tied --n-ctx 8192
        else  # Qwen2.5-7B
            "$H" make-synthetic -o "$f" --vocab "$V" --arch qwen2 --mix $mix --n-embd 3584 --n-layer 28 \
                --n-ff 18944 --n-head 28 --n-head-kv 4 --n-ctx 8192 --fast
        fi
    done
}
make_files

P=128; N=32; R=${REPS:-3}
for d in $DEPTHS; do
    [ "$d" -gt 0 ] && [ "$SHAPE" = 7b ] && R=1  # a 4096-token fill per repetition takes minutes
    for T in $THREADS; do
        for mix in q4_k_m iq4_xs q8_0; do
            f=$D/$SHAPE-$mix.gguf
            cat "$f" > /dev/null  # both programs start from the page cache
            for r in $(seq "$ROUNDS"); do
                tag=$mix-T$T-d$d-r$r
                echo "== $tag load=$(cut -d' ' -f1-3 /proc/loadavg) $(date +%T)"
                "$L" -m "$f" -t "$T" -p $P -n $N -d "$d" -r $R -o json > "$D/out-$SHAPE/llama-$tag.json" 2>/dev/null
                "$H" bench -m "$f" -t "$T" -p $P -n $N -d "$d" -r $R --json > "$D/out-$SHAPE/hearth-$tag.json" 2>/dev/null
            done
        done
    done
done
python3 "$HERE/summary.py" "$D/out-$SHAPE"
