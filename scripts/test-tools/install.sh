#!/usr/bin/env bash
# Installs the Debian packages that some specs need beyond .NET (issue 13): chromium opens tb's HTML timeline in a
# headless browser, zsh and fish run the generated completion scripts, graphviz's dot parses `tb graph --format dot`.
# Idempotent: a command already on PATH is left alone.
# Exit codes: 0 all there; 3 some cannot be provided here (not root, or apt-get cannot reach its packages), so the
# specs that need them skip with a message; 1 anything else.
set -euo pipefail

# command -> the Debian package that provides it
declare -A packages=([chromium]=chromium [zsh]=zsh [fish]=fish [dot]=graphviz)
missing=()
for command in "${!packages[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${packages[$command]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n "$0" "$@"
  fi
  echo "test-tools: ${missing[*]} not installed and this is not root, so they cannot be installed" >&2
  exit 3
fi

log="/tmp/tb-test-tools-apt.log"
echo "test-tools: installing ${missing[*]} with apt-get (log: $log)"
if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
  || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "test-tools: apt-get could not install ${missing[*]} (no mirror?): $(tail -n1 "$log")" >&2
  exit 3
fi
for command in "${!packages[@]}"; do
  command -v "$command" >/dev/null 2>&1 || { echo "test-tools: apt-get ran but $command is not on PATH" >&2; exit 1; }
done
