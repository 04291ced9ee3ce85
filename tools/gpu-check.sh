#!/usr/bin/env bash
# tools/gpu-check.sh OUT_DIR: the one-command GPU check (docs/benchmarks.md,
# "GPU"). Made to run once, unattended, on a lent H100/H200 with no network,
# in about 8 minutes, and to write OUT_DIR/report.md and OUT_DIR/report.json
# (rewritten after every step, so a run cut short still leaves one), with
# each command's log under OUT_DIR/logs.
#
# Steps (each reports pass / fail / skip with its reason, and the script goes on):
#   1 gpu        the GPU, its memory, driver and compute capability (nvidia-smi)
#   2 build      CUDA for that architecture only, tests on, every core, outside the tree
#   3 ctest      ctest -L gpu and -L cuda-sim
#   4 sanitizer  compute-sanitizer memcheck/racecheck/synccheck/initcheck on the GPU
#                matmul test and 2-layer forwards: 9- and 40-token prefills, decode
#                across positions 128 and 8192, f16 and q8_0 KV, head size 256
#   5 models     synthetic models on the device's disk (make-synthetic --fast):
#                QwQ-32B's shape in IQ4_XS, an 8B llama shape in Q4_K
#   6 bench      full offload pp512, tg128 at depths 0/8192/32768, f16 and q8_0 KV,
#                HEARTH_CUDA_GRAPHS=0 and 1; a partial offload
#   7 bandwidth  decode bytes per token x tok/s against the card's peak
#   8 logits     GPU logits against the CPU path on the fixture models
#
# Without a GPU (or with HEARTH_GPU_CHECK_FORCE_CPU=1) it builds, runs the
# CPU-side steps, skips the GPU steps saying why, and still writes the report;
# steps 5-7 then run on a tiny model on the CPU, so that their plumbing is
# exercised wherever the script runs (the `slow` test test_gpu_check_cpu).
#
# Environment:
#   HEARTH_GPU_CHECK_WORK         scratch folder (default ${TMPDIR:-/tmp}/hearth-gpu-check): build and models
#   HEARTH_GPU_CHECK_BUILD        build folder (default $WORK/build)
#   HEARTH_GPU_CHECK_REUSE_BUILD  1: use the build folder as it is configured (no cmake configure)
#   HEARTH_GPU_CHECK_CTEST_LABELS labels step 3 runs (default "gpu cuda-sim")
#   HEARTH_GPU_CHECK_BUDGET       seconds after which the remaining commands are skipped (default 540)
#   HEARTH_GPU_CHECK_FORCE_CPU    1: behave as if there were no GPU
#   HEARTH_FIXTURES_DIR           the fixtures (default: ../shared/fixtures beside the repository)
#   For dry runs of the GPU path on a machine without one (fake nvidia-smi and
#   compute-sanitizer on PATH): HEARTH_GPU_CHECK_SHAPES=small (the big models
#   shrunk to 2 layers) and HEARTH_GPU_CHECK_DEPTHS (default 0,8192,32768).
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: tools/gpu-check.sh OUT_DIR" >&2
  exit 2
fi
REPO=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1/logs" || exit 2
OUT=$(cd "$1" && pwd)
WORK=${HEARTH_GPU_CHECK_WORK:-${TMPDIR:-/tmp}/hearth-gpu-check}
BUILD=${HEARTH_GPU_CHECK_BUILD:-$WORK/build}
MODELS=$WORK/models
BUDGET=${HEARTH_GPU_CHECK_BUDGET:-540}
LABELS=${HEARTH_GPU_CHECK_CTEST_LABELS:-gpu cuda-sim}
JOBS=$(nproc 2>/dev/null || echo 4)
DEPTHS=${HEARTH_GPU_CHECK_DEPTHS:-0,8192,32768}
SHAPES=${HEARTH_GPU_CHECK_SHAPES:-full}
mkdir -p "$MODELS"
START=$SECONDS
CLI="$BUILD/src/cli/hearth-cli"

source "$REPO/tools/gpu-check-report.sh"

# ---- step 1: the GPU --------------------------------------------------------------

step_gpu() {
  step_begin gpu "GPU, memory, driver, compute capability"
  HAVE_GPU=0
  GPU_ARCH=""
  if [ "${HEARTH_GPU_CHECK_FORCE_CPU:-0}" = 1 ]; then
    step_end skip "HEARTH_GPU_CHECK_FORCE_CPU=1: run as on a machine without a GPU"
    return
  fi
  if ! command -v nvidia-smi > /dev/null; then
    step_end skip "no GPU: nvidia-smi is not installed"
    return
  fi
  local q
  if ! q=$(run_logged gpu 30 nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader); then
    step_end skip "no GPU: nvidia-smi failed ($(tail -n 1 "$OUT/logs/gpu.log"))"
    return
  fi
  q=$(printf '%s\n' "$q" | head -n 1)
  GPU_NAME=$(echo "$q" | cut -d, -f1 | xargs)
  GPU_MEMORY=$(echo "$q" | cut -d, -f2 | xargs)
  GPU_DRIVER=$(echo "$q" | cut -d, -f3 | xargs)
  GPU_CC=$(echo "$q" | cut -d, -f4 | xargs)
  GPU_ARCH=${GPU_CC//./}
  HAVE_GPU=1
  local nvcc_version=""
  command -v nvcc > /dev/null && nvcc_version=$(nvcc --version | grep -o 'release [0-9.]*')
  [ -z "$nvcc_version" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_version=$(/usr/local/cuda/bin/nvcc --version | grep -o 'release [0-9.]*')
  step_end pass "$GPU_NAME, $GPU_MEMORY, driver $GPU_DRIVER, compute capability $GPU_CC, CUDA ${nvcc_version:-not found}"
}

# ---- step 2: the build -------------------------------------------------------------

fixtures_dir() {
  for d in "${HEARTH_FIXTURES_DIR:-}" "$REPO/../shared/fixtures" "$REPO/shared/fixtures"; do
    [ -n "$d" ] && [ -f "$d/README.md" ] && { (cd "$d" && pwd); return; }
  done
}

step_build() {
  step_begin build "configure and build (CUDA ${GPU_ARCH:-off})"
  FIXTURES=$(fixtures_dir)
  if [ "${HEARTH_GPU_CHECK_REUSE_BUILD:-0}" != 1 ] || [ ! -f "$BUILD/CMakeCache.txt" ]; then
    local args=(-S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DHEARTH_BUILD_TESTS=ON -DHEARTH_GUI=OFF)
    command -v ninja > /dev/null && args+=(-G Ninja)
    [ -n "$FIXTURES" ] && args+=(-DHEARTH_FIXTURES_DIR="$FIXTURES")
    if [ "$HAVE_GPU" = 1 ]; then
      args+=(-DHEARTH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$GPU_ARCH")
      [ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc > /dev/null && args+=(-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc)
    else
      args+=(-DHEARTH_CUDA=OFF)
    fi
    if ! run_logged configure 240 cmake "${args[@]}" > /dev/null; then
      step_end fail "cmake configure failed: $(grep -m1 -i 'error' "$OUT/logs/configure.log")"
      return
    fi
  fi
  # hearth-cli and every test step 3 runs (a ctest entry "name:row" is target "name").
  local targets=(hearth-cli) label
  for label in $LABELS; do
    targets+=($(ctest --test-dir "$BUILD" -N -L "$label" 2>/dev/null | sed -n 's/^ *Test *#[0-9]*: \([^ :]*\).*/\1/p'))
  done
  targets=($(printf '%s\n' "${targets[@]}" | sort -u))
  if ! run_logged build 420 cmake --build "$BUILD" --parallel "$JOBS" --target "${targets[@]}" > /dev/null; then
    step_end fail "build failed: $(grep -m1 -E 'error|Error' "$OUT/logs/build.log")"
    return
  fi
  local how="configured"
  [ "${HEARTH_GPU_CHECK_REUSE_BUILD:-0}" = 1 ] && how="reused"
  step_end pass "${#targets[@]} targets in $BUILD ($how), fixtures ${FIXTURES:-not found}"
}

# ---- step 3: ctest -----------------------------------------------------------------

step_ctest() {
  local label
  for label in $LABELS; do
    step_begin "ctest-$label" "ctest -L $label"
    if [ ! -x "$CLI" ]; then step_end skip "nothing built"; continue; fi
    run_logged "ctest-$label" 300 ctest --test-dir "$BUILD" -L "$label" --output-on-failure -j "$JOBS" > /dev/null
    local summary
    summary=$(grep -E 'tests passed|No tests were found' "$OUT/logs/ctest-$label.log" | tail -n 1)
    if grep -q '100% tests passed' "$OUT/logs/ctest-$label.log"; then
      local skipped
      skipped=$(grep -c -E '^\s+[0-9]+ - .*\(Skipped\)' "$OUT/logs/ctest-$label.log")
      step_end pass "$summary ($skipped of them skipped)"
    elif grep -q 'No tests were found' "$OUT/logs/ctest-$label.log"; then
      step_end skip "no tests labelled $label in this build"
    else
      step_end fail "${summary:-ctest did not finish}; $(grep -E '^\s+[0-9]+ - ' "$OUT/logs/ctest-$label.log" | xargs | head -c 300)"
    fi
  done
}

# ---- step 4: compute-sanitizer ---------------------------------------------------------

make_model() {  # name, then make-synthetic arguments
  local name=$1
  shift
  [ -f "$MODELS/$name.gguf" ] && return 0
  run_logged "model-$name" 300 "$CLI" make-synthetic -o "$MODELS/$name.gguf.part" --fast "$@" > /dev/null &&
    mv "$MODELS/$name.gguf.part" "$MODELS/$name.gguf"
}

make_small_models() {
  make_model tiny-hd64-Q4_K --n-vocab 1000 --type Q4_K --n-embd 256 --n-layer 2 --n-ff 512 --n-head 4 --n-head-kv 2 --n-ctx 8400 &&
    make_model tiny-hd256-Q8_0 --n-vocab 1000 --type Q8_0 --n-embd 512 --n-layer 2 --n-ff 1024 --n-head 2 --n-head-kv 1 --n-ctx 8400
}

sanitize() {  # tool, name, command...
  local tool=$1 name=$2
  shift 2
  local log="sanitizer-$tool-$name"
  if out_of_time; then
    SANITIZER_RESULTS+=("$tool|$name|skip|time budget spent")
    return
  fi
  run_logged "$log" 150 compute-sanitizer --tool "$tool" --error-exitcode 99 "$@" > /dev/null
  local rc=$?
  local errors
  errors=$(grep -m1 -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/logs/$log.log")
  case $rc in
    0) SANITIZER_RESULTS+=("$tool|$name|pass|${errors:-no errors}") ;;
    124 | 137) SANITIZER_RESULTS+=("$tool|$name|timeout|over 150 s") ;;
    *) SANITIZER_RESULTS+=("$tool|$name|fail|${errors:-exit $rc}") ;;
  esac
}

step_sanitizer() {
  step_begin sanitizer "compute-sanitizer on the matmul test and 2-layer forwards"
  SANITIZER_RESULTS=()
  if [ "$HAVE_GPU" != 1 ]; then step_end skip "no GPU"; return; fi
  if ! command -v compute-sanitizer > /dev/null; then
    export PATH="$PATH:/usr/local/cuda/bin"
    command -v compute-sanitizer > /dev/null || { step_end skip "compute-sanitizer is not installed"; return; }
  fi
  make_small_models || { step_end fail "the 2-layer models could not be made"; return; }
  local mm="$BUILD/tests/engine/cuda/matmul/test_cuda_matmul_gpu"
  local a=(-m "$MODELS/tiny-hd64-Q4_K.gguf" -ngl all --kv-type f16 -p 9 -n 4 -d 126 -r 1)
  local b=(-m "$MODELS/tiny-hd64-Q4_K.gguf" -ngl all --kv-type q8_0 -p 40 -n 4 -d 126 -r 1)
  local c=(-m "$MODELS/tiny-hd256-Q8_0.gguf" -ngl all --kv-type f16 -p 40 -n 4 -d 8190 -r 1)
  local d=(-m "$MODELS/tiny-hd256-Q8_0.gguf" -ngl all --kv-type q8_0 -p 9 -n 4 -d 8190 -r 1)
  local tool
  for tool in memcheck initcheck; do
    sanitize "$tool" matmul "$mm" gemvMatchesCpu gemmMatchesReference
    sanitize "$tool" "hd64-f16-p9-d126" "$CLI" bench "${a[@]}"
    sanitize "$tool" "hd64-q8_0-p40-d126" "$CLI" bench "${b[@]}"
    sanitize "$tool" "hd256-f16-p40-d8190" "$CLI" bench "${c[@]}"
    sanitize "$tool" "hd256-q8_0-p9-d8190" "$CLI" bench "${d[@]}"
  done
  # racecheck and synccheck instrument shared memory and barriers: slow, so
  # the short contexts and a few matmul rows.
  for tool in racecheck synccheck; do
    sanitize "$tool" matmul "$mm" "gemvMatchesCpu:Q4_K tokens=8" "gemvMatchesCpu:Q8_0 tokens=1" \
      "gemvMatchesCpu:IQ4_XS tokens=3" "gemmMatchesReference:Q6_K"
    sanitize "$tool" "hd64-q8_0-p40-d126" "$CLI" bench "${b[@]}"
    sanitize "$tool" "hd256-f16-p40-d126" "$CLI" bench -m "$MODELS/tiny-hd256-Q8_0.gguf" -ngl all -p 40 -n 4 -d 126 -r 1
  done
  local failed timeouts
  failed=$(printf '%s\n' "${SANITIZER_RESULTS[@]}" | grep -c '|fail|')
  timeouts=$(printf '%s\n' "${SANITIZER_RESULTS[@]}" | grep -c -E '\|(timeout|skip)\|')
  if [ "$failed" -gt 0 ]; then
    step_end fail "$failed of ${#SANITIZER_RESULTS[@]} runs report errors"
  else
    step_end pass "${#SANITIZER_RESULTS[@]} runs, no errors ($timeouts timed out or skipped)"
  fi
}

# ---- step 5: synthetic models --------------------------------------------------------

step_models() {
  step_begin models "synthetic models (make-synthetic --fast)"
  if [ ! -x "$CLI" ]; then step_end fail "hearth-cli was not built"; return; fi
  if [ "$HAVE_GPU" != 1 ]; then
    make_small_models && step_end skip "no GPU: only the 2-layer models, for the CPU plumbing run" ||
      step_end fail "make-synthetic failed"
    return
  fi
  local free_gb
  free_gb=$(df -Pk "$MODELS" | awk 'NR == 2 {print int($4 / 1048576)}')
  local made=() l8=32 qwq=64
  [ "$SHAPES" = small ] && l8=2 && qwq=2
  make_model llama8b-Q4_K --n-vocab 128256 --type Q4_K --n-embd 4096 --n-layer $l8 --n-ff 14336 --n-head 32 \
    --n-head-kv 8 --n-ctx 40960 && made+=("8B llama Q4_K ($l8 layers)")
  if [ "$SHAPES" != small ] && [ "$free_gb" -lt 24 ] && [ ! -f "$MODELS/qwq32b-IQ4_XS.gguf" ]; then
    step_end fail "only $free_gb GB free on $MODELS: QwQ-32B's 17.7 GB shape not made; made: ${made[*]:-none}"
    return
  fi
  make_model qwq32b-IQ4_XS --n-vocab 152064 --type IQ4_XS --n-embd 5120 --n-layer $qwq --n-ff 27648 --n-head 40 \
    --n-head-kv 8 --n-ctx 40960 && made+=("QwQ-32B shape IQ4_XS ($qwq layers)")
  if [ "${#made[@]}" -eq 2 ]; then step_end pass "${made[*]}"; else step_end fail "made: ${made[*]:-none}"; fi
}

# ---- step 6: hearth-cli bench ------------------------------------------------------------

bench() {  # label, kv, graphs (1/0), offload, then bench arguments
  local label=$1 kv=$2 graphs=$3 offload=$4
  shift 4
  local log="bench-$label"
  if out_of_time; then
    BENCH_SKIPPED+=("$label")
    return
  fi
  if HEARTH_CUDA_GRAPHS=$graphs run_logged "$log" 240 "$CLI" bench --kv-type "$kv" --json "$@" > "$OUT/logs/$log.json"; then
    local line
    while IFS= read -r line; do
      [ -n "$line" ] && BENCH_ROWS+=("$label|$kv|$graphs|$offload|$line")
    done < "$OUT/logs/$log.json"
  else
    BENCH_FAILED+=("$label")
  fi
}

step_bench() {
  step_begin bench "hearth-cli bench"
  BENCH_ROWS=()
  BENCH_FAILED=()
  BENCH_SKIPPED=()
  if [ ! -x "$CLI" ]; then step_end fail "hearth-cli was not built"; return; fi
  if [ "$HAVE_GPU" != 1 ]; then
    bench tiny-cpu f16 1 cpu -m "$MODELS/tiny-hd64-Q4_K.gguf" -ngl 0 -p 64 -n 16 -d 0,128 -r 1
    step_end skip "no GPU: a tiny model on the CPU checked the report's plumbing (${#BENCH_ROWS[@]} rows)"
    return
  fi
  local qwq="$MODELS/qwq32b-IQ4_XS.gguf" l8="$MODELS/llama8b-Q4_K.gguf"
  if [ -f "$qwq" ]; then
    bench qwq32b f16 1 full -m "$qwq" -ngl all -p 512 -n 128 -d "$DEPTHS" -r 1
    bench qwq32b q8_0 1 full -m "$qwq" -ngl all -p 512 -n 128 -d "$DEPTHS" -r 1
    bench qwq32b-nographs f16 0 full -m "$qwq" -ngl all -p 0 -n 128 -r 1
    bench qwq32b-partial f16 1 "48/65 layers" -m "$qwq" -ngl 48 -p 512 -n 32 -r 1
  fi
  if [ -f "$l8" ]; then
    bench llama8b f16 1 full -m "$l8" -ngl all -p 512 -n 128 -r 2
    bench llama8b-nographs f16 0 full -m "$l8" -ngl all -p 0 -n 128 -r 2
  fi
  local note="${#BENCH_ROWS[@]} rows"
  [ "${#BENCH_FAILED[@]}" -gt 0 ] && note="$note; failed: ${BENCH_FAILED[*]}"
  [ "${#BENCH_SKIPPED[@]}" -gt 0 ] && note="$note; skipped for time: ${BENCH_SKIPPED[*]}"
  if [ "${#BENCH_ROWS[@]}" -eq 0 ]; then
    step_end fail "$note"
  elif [ "${#BENCH_FAILED[@]}" -gt 0 ]; then
    step_end fail "$note"
  else
    step_end pass "$note"
  fi
}

# ---- step 7: bandwidth -------------------------------------------------------------------

step_bandwidth() {
  step_begin bandwidth "decode bandwidth against the card's peak"
  PEAK_GBS=0
  if [ -x "$CLI" ]; then
    run_logged devices 30 "$CLI" devices --json > "$OUT/logs/devices.json"
    PEAK_GBS=$(json_field "$(cat "$OUT/logs/devices.json")" memory_bandwidth | awk '{printf "%.0f", $1 / 1e9}')
  fi
  if [ "${#BENCH_ROWS[@]}" -eq 0 ]; then
    step_end skip "no bench results"
    return
  fi
  if [ "$HAVE_GPU" != 1 ] || [ -z "$PEAK_GBS" ] || [ "$PEAK_GBS" = 0 ]; then
    step_end skip "no GPU: GB/s computed for the CPU rows, no peak to set them against"
    return
  fi
  local best
  best=$(bench_rows_tsv | awk -F'\t' '$4 == "full" && $6 == 0 {print $10}' | sort -g | tail -n 1)
  step_end pass "peak ${PEAK_GBS} GB/s; best decode at empty context: ${best:-?}% (goal: 85%)"
}

# ---- step 8: logits against the CPU --------------------------------------------------------

step_logits() {
  step_begin logits "GPU logits against the CPU path on the fixture models"
  local t="$BUILD/tests/engine/cuda/test_gpu_forward"
  if [ "$HAVE_GPU" != 1 ]; then step_end skip "no GPU"; return; fi
  if [ ! -x "$t" ]; then step_end fail "test_gpu_forward was not built"; return; fi
  if [ -z "${FIXTURES:-}" ]; then step_end skip "the fixtures were not found (set HEARTH_FIXTURES_DIR)"; return; fi
  run_logged logits 240 "$t" > /dev/null
  local rc=$?
  LOGITS_LINES=$(grep 'QINFO' "$OUT/logs/logits.log" | sed 's/^QINFO *: *[^ ]* //')
  if [ $rc -eq 0 ]; then
    step_end pass "$(grep -c 'nrmse' <<< "$LOGITS_LINES") comparisons within the fixtures' tolerances"
  else
    step_end fail "$(grep -m1 -A1 'FAIL' "$OUT/logs/logits.log" | xargs | head -c 300)"
  fi
}

step_gpu
step_build
step_ctest
step_sanitizer
step_models
step_bench
step_bandwidth
step_logits
write_report
echo "gpu-check: report in $OUT/report.md and $OUT/report.json ($((SECONDS - START)) s)"
