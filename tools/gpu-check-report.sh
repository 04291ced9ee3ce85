# Sourced by tools/gpu-check.sh: step bookkeeping, logged commands with time
# limits, and the report (report.md, report.json) rewritten after each step.
# Reads the globals gpu-check.sh sets: OUT, REPO, START, BUDGET, HAVE_GPU,
# GPU_*, PEAK_GBS, BENCH_ROWS, SANITIZER_RESULTS, LOGITS_LINES.

STEP_NAMES=()
STEP_TITLES=()
STEP_STATUS=()
STEP_SECONDS=()
STEP_DETAILS=()
BENCH_ROWS=()
SANITIZER_RESULTS=()
LOGITS_LINES=""
HAVE_GPU=0
GPU_NAME="none"
GPU_MEMORY=""
GPU_DRIVER=""
GPU_CC=""
PEAK_GBS=0
CURRENT_STEP_START=0

out_of_time() {
  [ $((SECONDS - START)) -ge "$BUDGET" ]
}

# run_logged NAME LIMIT COMMAND...: stdout passes through and, with stderr, goes
# to OUT/logs/NAME.log; the command is killed after LIMIT seconds (status 124).
run_logged() {
  local name=$1 limit=$2
  shift 2
  local log="$OUT/logs/$name.log"
  printf '$ %s\n' "$*" >> "$log"
  timeout -k 10 "$limit" "$@" 2>> "$log" | tee -a "$log"
  return "${PIPESTATUS[0]}"
}

step_begin() {
  STEP_NAMES+=("$1")
  STEP_TITLES+=("$2")
  STEP_STATUS+=("running")
  STEP_SECONDS+=(0)
  STEP_DETAILS+=("")
  CURRENT_STEP_START=$SECONDS
  echo "gpu-check: $1: $2 ..." >&2
  write_report
}

# step_end pass|fail|skip DETAILS
step_end() {
  local i=$((${#STEP_NAMES[@]} - 1))
  STEP_STATUS[$i]=$1
  STEP_DETAILS[$i]=$2
  STEP_SECONDS[$i]=$((SECONDS - CURRENT_STEP_START))
  echo "gpu-check: ${STEP_NAMES[$i]}: $1: $2" >&2
  write_report
}

json_escape() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/ }
  s=${s//$'\r'/ }
  printf '%s' "${s//$'\n'/\\n}"
}

# json_field JSON KEY: the first value of "KEY" (a number or a string) in JSON.
json_field() {
  printf '%s' "$1" | grep -o "\"$2\":\(\"[^\"]*\"\|[-0-9.eE+]*\)" | head -n 1 | sed "s/^\"$2\"://; s/^\"//; s/\"$//"
}

# One tab-separated line per bench row: label kv graphs offload backend depth
# pp_tok_s tg_tok_s gb_s pct_of_peak pp_n tg_n bytes_per_token roofline_tok_s
bench_rows_tsv() {
  local row label kv graphs offload json pp tg
  for row in "${BENCH_ROWS[@]}"; do
    IFS='|' read -r label kv graphs offload json <<< "$row"
    pp=$(printf '%s' "$json" | grep -o '"pp":{[^}]*}')
    tg=$(printf '%s' "$json" | grep -o '"tg":{[^}]*}')
    local depth
    depth=$(json_field "$json" depth)
    awk -v OFS='\t' -v label="$label" -v kv="$kv" -v graphs="$graphs" -v offload="$offload" \
      -v backend="$(json_field "$json" backend)" -v depth="${depth:-0}" \
      -v pp_n="$(json_field "$pp" n)" -v pp_s="$(json_field "$pp" tok_s)" \
      -v tg_n="$(json_field "$tg" n)" -v tg_s="$(json_field "$tg" tok_s)" \
      -v bytes="$(json_field "$tg" bytes_per_token)" -v gbs="$(json_field "$tg" gb_s)" -v peak="$PEAK_GBS" \
      'BEGIN {
         pct = (peak > 0 && tg_n > 0) ? sprintf("%.1f", 100 * gbs / peak) : "";
         roof = (peak > 0 && bytes > 0) ? sprintf("%.1f", peak * 1e9 / bytes) : "";
         print label, kv, graphs, offload, backend, depth, (pp_n > 0 ? sprintf("%.1f", pp_s) : ""),
               (tg_n > 0 ? sprintf("%.2f", tg_s) : ""), (tg_n > 0 ? sprintf("%.1f", gbs) : ""), pct,
               pp_n, tg_n, sprintf("%.0f", bytes), roof
       }'
  done
}

report_commit() {
  git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "unknown (no .git in the copied tree)"
}

write_markdown() {
  local f="$OUT/report.md.part" i
  {
    echo "# Hearth GPU check"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(report_commit); host: $(hostname); $(nproc) cores"
    if [ "$HAVE_GPU" = 1 ]; then
      echo "- GPU: $GPU_NAME, $GPU_MEMORY, driver $GPU_DRIVER, compute capability $GPU_CC, peak ${PEAK_GBS} GB/s"
    else
      echo "- GPU: none (the GPU steps are skipped, each saying why)"
    fi
    echo "- elapsed: $((SECONDS - START)) s of a $BUDGET s budget"
    echo
    echo "## Steps"
    echo
    echo "| # | step | status | s | details |"
    echo "|---|---|---|---|---|"
    for i in "${!STEP_NAMES[@]}"; do
      echo "| $((i + 1)) | ${STEP_NAMES[$i]}: ${STEP_TITLES[$i]} | ${STEP_STATUS[$i]} | ${STEP_SECONDS[$i]} | ${STEP_DETAILS[$i]//|//} |"
    done
    if [ "${#BENCH_ROWS[@]}" -gt 0 ]; then
      echo
      echo "## hearth-cli bench"
      echo
      echo "Decode reads every layer's weights, the output matrix and the KV cache per token (bytes/token);"
      echo "GB/s = bytes/token x tg t/s; the roofline is the card's peak over bytes/token."
      echo
      echo "| model | KV | graphs | offload | depth | pp t/s | tg t/s | bytes/token | GB/s | % of peak | roofline t/s |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
      bench_rows_tsv | awk -F'\t' '{
        bytes = $13 >= 1e9 ? sprintf("%.2f GB", $13 / 1e9) : sprintf("%.2f MB", $13 / 1e6);
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, ($3 == 1 ? "on" : "off"), $4, $6,
          ($11 > 0 ? "pp" $11 ": " $7 : ""), ($12 > 0 ? "tg" $12 ": " $8 : ""), bytes, $9, $10, $14}'
    fi
    if [ "${#SANITIZER_RESULTS[@]}" -gt 0 ]; then
      echo
      echo "## compute-sanitizer"
      echo
      echo "| tool | target | status | details |"
      echo "|---|---|---|---|"
      printf '%s\n' "${SANITIZER_RESULTS[@]}" | awk -F'|' '{printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}'
    fi
    if [ -n "$LOGITS_LINES" ]; then
      echo
      echo "## GPU logits against the CPU"
      echo
      printf '%s\n' "$LOGITS_LINES" | sed 's/^/- /'
    fi
    echo
    echo "Logs: \`logs/\` beside this file."
  } > "$f"
  mv "$f" "$OUT/report.md"
}

write_json() {
  local f="$OUT/report.json.part" i sep
  {
    printf '{"date":"%s","commit":"%s","elapsed_s":%d,"budget_s":%d,' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" \
      "$(json_escape "$(report_commit)")" $((SECONDS - START)) "$BUDGET"
    printf '"gpu":{"present":%s,"name":"%s","memory":"%s","driver":"%s","compute_capability":"%s","peak_gb_s":%s},' \
      "$([ "$HAVE_GPU" = 1 ] && echo true || echo false)" "$(json_escape "$GPU_NAME")" "$(json_escape "$GPU_MEMORY")" \
      "$(json_escape "$GPU_DRIVER")" "$(json_escape "$GPU_CC")" "${PEAK_GBS:-0}"
    printf '"steps":['
    sep=""
    for i in "${!STEP_NAMES[@]}"; do
      printf '%s{"name":"%s","title":"%s","status":"%s","seconds":%d,"details":"%s"}' "$sep" "${STEP_NAMES[$i]}" \
        "$(json_escape "${STEP_TITLES[$i]}")" "${STEP_STATUS[$i]}" "${STEP_SECONDS[$i]}" "$(json_escape "${STEP_DETAILS[$i]}")"
      sep=","
    done
    printf '],"bench":['
    sep=""
    local row label kv graphs offload json pct
    for row in "${BENCH_ROWS[@]}"; do
      IFS='|' read -r label kv graphs offload json <<< "$row"
      pct=$(awk -v g="$(json_field "$(printf '%s' "$json" | grep -o '"tg":{[^}]*}')" gb_s)" -v p="${PEAK_GBS:-0}" \
        'BEGIN {print (p > 0 && g != "") ? sprintf("%.2f", 100 * g / p) : "null"}')
      printf '%s{"label":"%s","kv":"%s","graphs":%s,"offload":"%s","pct_of_peak":%s,"result":%s}' "$sep" \
        "$(json_escape "$label")" "$kv" "$([ "$graphs" = 1 ] && echo true || echo false)" "$(json_escape "$offload")" \
        "$pct" "$json"
      sep=","
    done
    printf '],"sanitizer":['
    sep=""
    local tool target status details
    for row in "${SANITIZER_RESULTS[@]}"; do
      IFS='|' read -r tool target status details <<< "$row"
      printf '%s{"tool":"%s","target":"%s","status":"%s","details":"%s"}' "$sep" "$tool" "$(json_escape "$target")" \
        "$status" "$(json_escape "$details")"
      sep=","
    done
    printf '],"logits":"%s"}\n' "$(json_escape "$LOGITS_LINES")"
  } > "$f"
  mv "$f" "$OUT/report.json"
}

write_report() {
  write_markdown
  write_json
}
