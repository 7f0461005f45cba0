#!/usr/bin/env bash
# The README's test command: builds dist/ (the CLI tests run the native build too) unless no source is newer than
# its last build, runs every test project, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

./build.sh --if-stale || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
dotnet test TalkingBinaries.slnx --nologo --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
rm -rf "$results"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any test could report.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
