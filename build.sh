#!/usr/bin/env bash
# Publishes tb and the bundled plugins with Native AOT into dist/ (the README's quick start).
set -euo pipefail
cd "$(dirname "$0")"

rid="linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
out="${DIST_DIR:-dist}"
projects=(
  src/TalkingBinaries.Cli/TalkingBinaries.Cli.csproj
  plugins/echo/Echo.csproj
  plugins/shell/Shell.csproj
)

mkdir -p "$out"
for project in "${projects[@]}"; do
  echo "build.sh: publishing $project ($rid, Native AOT)"
  dotnet publish "$project" -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true \
    -o "$out" --nologo -v quiet -clp:NoSummary
done
# Native AOT executables need none of the managed build's side files.
rm -f "$out"/*.dbg "$out"/*.pdb "$out"/*.xml "$out"/*.json
echo "build.sh: built $(cd "$out" && ls | tr '\n' ' ')into $out/"
