#!/usr/bin/env bash
# 1,000 echo steps in one workflow, run with the warm echo plugin and with one process per step (warm: false),
# side by side: steps per second and the median per-step time, from tb's own report. Medians of RUNS runs each.
# Usage: bench/steps.sh [RUNS] [STEPS]   (builds dist/ first if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
steps="${2:-1000}"
[ -x dist/tb ] || ./build.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for mode in warm oneshot; do
  {
    echo "plugins:"
    echo "  - ref: echo"
    echo "    path: $PWD/dist/plugin-echo"
    [ "$mode" = oneshot ] && echo "    warm: false"
    echo "steps:"
    for ((i = 0; i < steps; i++)); do
      printf '  - name: s%d\n    plugin: echo\n    config: { say: "step %d" }\n' "$i" "$i"
    done
  } > "$work/DevFile.$mode"
done

summarise() { # mode -> "steps_per_second median_step_ms"
  python3 - "$work" "$1" "$runs" <<'PY'
import json, statistics, sys
work, mode, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rates, steps = [], []
for i in range(runs):
    report = json.load(open(f"{work}/report.{mode}.{i}.json"))
    assert report["status"] == "succeeded", report["status"]
    rates.append(len(report["steps"]) / (report["durationMs"] / 1000))
    steps += [s["stepTimeMs"] for s in report["steps"]]
print(f"{statistics.median(rates):.0f} {statistics.median(steps):.3f}")
PY
}

for ((i = 0; i < runs; i++)); do
  for mode in warm oneshot; do
    dist/tb run -f "$work/DevFile.$mode" --report "$work/report.$mode.$i.json" > /dev/null
  done
done
read -r warm_rate warm_step <<<"$(summarise warm)"
read -r cold_rate cold_step <<<"$(summarise oneshot)"

printf '| %d echo steps (medians of %d runs) | steps per second | median step time |\n|---|---|---|\n' "$steps" "$runs"
printf '| warm plugin (one process) | %s | %s ms |\n' "$warm_rate" "$warm_step"
printf '| one process per step (`warm: false`) | %s | %s ms |\n' "$cold_rate" "$cold_step"
printf '| ratio | %s x | |\n' "$(echo "scale=1; $warm_rate / $cold_rate" | bc)"
