#!/usr/bin/env bash
# In-process micro-benchmarks of the protocol's hot path (BenchmarkDotNet): parsing what a plugin sends, writing a
# request, splitting lines. Prints one markdown table per benchmark class.
# Usage: bench/micro.sh [BenchmarkDotNet arguments]   (default: --filter '*' --job short, about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
[ $# -gt 0 ] || set -- --filter '*' --job short
dotnet run -c Release --project bench/Micro -- --artifacts "$artifacts" --exporters github "$@" > "$artifacts/log.txt" 2>&1 \
  || { tail -30 "$artifacts/log.txt"; exit 1; }
for report in "$artifacts"/results/*-report-github.md; do
  echo
  echo "$(basename "$report" -report-github.md | sed 's/.*\.//'):"
  # The table only: BenchmarkDotNet's environment header is the same for every class.
  sed -n '/^|/,$p' "$report"
done
