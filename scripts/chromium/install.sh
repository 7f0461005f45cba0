#!/usr/bin/env bash
# Installs Debian's chromium for the specs that open tb's HTML timeline in a headless browser (issue 13, item 6).
# Idempotent: an installed chromium is left alone.
# Exit codes: 0 installed; 3 chromium cannot be provided here (not root, or apt-get cannot reach its packages), so
# those specs skip; 1 anything else.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n "$0" "$@"
  fi
  echo "chromium: chromium is not installed and this is not root, so it cannot be installed" >&2
  exit 3
fi

log="/tmp/tb-chromium-apt.log"
echo "chromium: installing chromium with apt-get (log: $log)"
if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
  || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$log" 2>&1; then
  echo "chromium: apt-get could not install chromium (no mirror?): $(tail -n1 "$log")" >&2
  exit 3
fi
command -v chromium >/dev/null 2>&1 || { echo "chromium: apt-get installed chromium but it is not on PATH" >&2; exit 1; }
