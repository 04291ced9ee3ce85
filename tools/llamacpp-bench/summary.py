"""Medians of real_shapes.sh's runs: one table row per (file, threads, depth).

llama.cpp: the median of llama-bench's samples_ts per run; Hearth: `bench --json`'s tok_s
(itself a median of its repetitions); then the median over the alternating rounds.
Ratio = Hearth / llama.cpp (above 1: Hearth faster)."""
import glob
import json
import os
import re
import statistics
import sys

rows = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "llama-*.json"))):
    tag = os.path.basename(path)[len("llama-"):-len(".json")]
    mix, threads, depth, _ = re.match(r"(.*)-T(\d+)-d(\d+)-r(\d+)", tag).groups()
    try:
        runs = json.load(open(path))
        hearth = json.loads(open(path.replace("llama-", "hearth-")).read().splitlines()[0])
    except (OSError, ValueError, IndexError) as e:
        print("skipped", tag, e, file=sys.stderr)
        continue
    lpp = [statistics.median(x["samples_ts"]) for x in runs if x["n_prompt"]][0]
    ltg = [statistics.median(x["samples_ts"]) for x in runs if x["n_gen"]][0]
    rows.setdefault((mix, int(threads), int(depth)), []).append(
        (lpp, hearth["pp"]["tok_s"], ltg, hearth["tg"]["tok_s"]))

print("| file | threads | depth | llama.cpp pp | Hearth pp | pp ratio | llama.cpp tg | Hearth tg | tg ratio |")
print("|---|---|---|---|---|---|---|---|---|")
for (mix, threads, depth), v in sorted(rows.items()):
    lp, hp, lt, ht = (statistics.median(x[i] for x in v) for i in range(4))
    print(f"| {mix} | {threads} | {depth} | {lp:.1f} | {hp:.1f} | {hp / lp:.2f} | {lt:.1f} | {ht:.1f} | {ht / lt:.2f} |")
