#!/usr/bin/env bash
# Parallel efficiency: eight independent steps that each sleep 200 ms, run by `dist/tb run --max-parallel 8`,
# next to the ideal (200 ms) and the same workflow run one step at a time (-j 1). Medians of RUNS runs.
# Usage: bench/parallel.sh [RUNS]   (builds dist/ first if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
[ -x dist/tb ] || ./build.sh

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall() { # prints the wall time of one run, in ms
  local start end
  start=$(date +%s%N)
  dist/tb run -f "$work/DevFile" --no-color "$@" > "$work/out" || { cat "$work/out" >&2; exit 1; }
  end=$(date +%s%N)
  echo "scale=1; ($end - $start) / 1000000" | bc
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "plugins:"
  echo "  - ref: shell"
  echo "    path: $PWD/dist/plugin-shell"
  echo "steps:"
  for i in 1 2 3 4 5 6 7 8; do
    printf '  - name: sleep%s\n    plugin: shell\n    parallel: true\n    config:\n      commands: ["sleep 0.2"]\n' "$i"
  done
} > "$work/DevFile"

wall -j 8 > /dev/null   # warm-up
for ((i = 0; i < runs; i++)); do wall -j 8 >> "$work/parallel"; done
for ((i = 0; i < 3; i++)); do wall -j 1 >> "$work/sequential"; done
p=$(median < "$work/parallel")
s=$(median < "$work/sequential")

printf '| figure | median | ratio |\n|---|---|---|\n'
printf '| 8 x 200 ms steps, `tb run -j 8` (%d runs) | %s ms | %s x ideal |\n' "$runs" "$p" "$(echo "scale=2; $p / 200" | bc)"
printf '| ideal | 200 ms | 1.00 x |\n'
printf '| the same, `tb run -j 1` (3 runs) | %s ms | %s x ideal |\n' "$s" "$(echo "scale=2; $s / 200" | bc)"
