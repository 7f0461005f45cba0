#!/usr/bin/env bash
# Publishes tb and the bundled plugins with Native AOT into dist/ (the README's quick start).
# Usage: ./build.sh [--if-stale]   (--if-stale, as test.sh asks: nothing to do when no source is newer than dist/)
set -euo pipefail
cd "$(dirname "$0")"

rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
out="${DIST_DIR:-dist}"
projects=(
  src/TalkingBinaries.Cli/TalkingBinaries.Cli.csproj
  plugins/echo/Echo.csproj
  plugins/shell/Shell.csproj
)
executables=(tb plugin-echo plugin-shell)

# Publishing again what is already published still runs the AOT compiler (about 2.5 minutes here): test.sh, run
# right after a build (as CI does), skips it when every executable is there and no source is newer than the last
# complete build (the stamp $out/.built; publish leaves an unchanged executable's time as it was).
stamp="$out/.built"
if [ "${1:-}" = "--if-stale" ] && [ -f "$stamp" ]; then
  stale=0
  for executable in "${executables[@]}"; do
    [ -x "$out/$executable" ] || stale=1
  done
  newer=$(find src plugins Directory.Build.props Directory.Packages.props global.json build.sh \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit)
  if [ "$stale" -eq 0 ] && [ -z "$newer" ]; then
    echo "build.sh: $out/ is newer than every source; not published again"
    exit 0
  fi
fi

# Start-up is most of a short run (bench/run.sh, figures 1 and 2), and perf showed where it goes: a quarter of tb's
# CPU rebuilding "dehydrated" data, and page faults applying a position-independent image's relocations. Keeping the
# data as it is and linking at a fixed address takes `tb --version` from about 3.6 to 2.1 ms, for 0.8 MB more file
# and no address randomisation of the executable itself (libraries, stacks and the heap are still randomised).
startup=(-p:IlcDehydrate=false -p:PositionIndependentExecutable=false)

# The stamp takes the time the build began: a source edited during the build is newer than it.
began=$(mktemp)
trap 'rm -f "$began"' EXIT
mkdir -p "$out"
for project in "${projects[@]}"; do
  echo "build.sh: publishing $project ($rid, Native AOT)"
  dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true "${startup[@]}" \
    -o "$out" --nologo -v quiet -clp:NoSummary
done
# Native AOT executables need none of the managed build's side files.
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml "$out"/*.json
touch -r "$began" "$stamp"
echo "build.sh: built $(cd "$out" && ls | tr '\n' ' ')into $out/"
