#!/usr/bin/env bash
# Times `dist/tb run` on the repository's DevFile (the prototype's own) and reports medians:
# the whole run's wall time, and each step's binary and step execution times as tb printed them.
# Usage: bench/root-devfile.sh [RUNS]   (builds dist/ first if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
[ -x dist/tb ] || ./build.sh

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dist/tb run > /dev/null   # warm the page cache once
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  dist/tb run --no-color > "$work/out"
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000" | bc >> "$work/wall"
  sed -n 's/^\[\([a-z_]*\)\] succeeded (binary execution time \([0-9.]*\) ms, step execution time \([0-9.]*\) ms)$/\1 \2 \3/p' "$work/out" >> "$work/steps"
done

printf '| figure | median over %d runs |\n|---|---|\n' "$runs"
printf '| whole `dist/tb run` (wall) | %s ms |\n' "$(median < "$work/wall")"
for step in $(cut -d' ' -f1 "$work/steps" | sort -u); do
  printf '| %s: binary execution time | %s ms |\n' "$step" "$(awk -v s="$step" '$1 == s { print $2 }' "$work/steps" | median)"
  printf '| %s: step execution time | %s ms |\n' "$step" "$(awk -v s="$step" '$1 == s { print $3 }' "$work/steps" | median)"
done
