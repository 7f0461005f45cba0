#!/usr/bin/env bash
# The benchmark suite: every figure next to its baseline, medians of repeated runs, measured side by side in one
# invocation (absolute times differ several-fold between machines, so a constant is no baseline; targets are remarks).
# Writes the table to bench/results.md with the date and the machine.
# Usage: bench/run.sh [--quick]   (--quick: small sizes, few runs, no file written: it only proves the suite works)
# TB_PROTOTYPE: the folder of the built Go prototype (dist/program, dist/plugin-echo, dist/plugin-shell and its
# DevFile), the baseline of figures 2 and 2b; by default ../shared/seed/prototype from the repository's root.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[ "${1-}" = "--quick" ] && quick=true
# The figures against the Go prototype (2, 2s, 2b) carry the issue's goal, and a few milliseconds each: twice the runs.
if $quick; then runs=3 step_runs=3 steps=100 megabytes=10 prototype_runs=3; else runs=20 step_runs=7 steps=1000 megabytes=200 prototype_runs=40; fi
[ -x dist/tb ] || ./build.sh > /dev/null
harness() { /usr/bin/python3 bench/harness.py "$@"; }
ratio() { echo "scale=3; $1 / $2" | bc | sed 's/^\./0./; s/^-\./-0./'; }
# `harness pair`: two commands in alternation, one run of each per round; prints the median wall times of the first and
# the second, then their median CPU times (children included).

prototype="${TB_PROTOTYPE:-../shared/seed/prototype}"
if [ -x "$prototype/dist/program" ] && [ -x "$prototype/dist/plugin-echo" ] && [ -f "$prototype/DevFile" ]; then
  prototype=$(cd "$prototype" && pwd)
else
  echo "bench/run.sh: no built Go prototype at $prototype (set TB_PROTOTYPE to its folder): figures 2 and 2b skipped" >&2
  prototype=""
fi

work=$(mktemp -d)
trap 'XDG_RUNTIME_DIR="$work/xdg" dist/tb server stop > /dev/null; rm -rf "$work"' EXIT
mkdir -m 700 "$work/xdg"
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); echo "  $1: $2 (baseline $3, ratio $4)" >&2; }

# 1. Host start-up.
paired=$(harness pair "$runs" - "dist/tb --version" - /bin/true)
read -r tb_start true_start _ _ <<< "$paired"
row "1. start-up: \`tb --version\`" "$tb_start ms" "\`/bin/true\` $true_start ms; paired runs" "$(ratio "$tb_start" "$true_start") x"

# 2. The root DevFile against the Go prototype running its own DevFile from its folder, paired runs. The root DevFile
# is the prototype's with other comments: the same plugins, steps and configs (say_hi: echo "hello world";
# say_hi_via_bash: shell, two `echo -n`), which the check below holds to, comments and blank lines aside.
# 2b. Each one's echo plugin started with empty stdin: it starts, reads end of input, and exits.
if [ -n "$prototype" ]; then
  steps_of() { sed -e 's/[[:space:]]*#.*$//' -e 's/[[:space:]]*$//' "$1" | grep -v '^$'; }
  if ! diff <(steps_of DevFile) <(steps_of "$prototype/DevFile") > /dev/null; then
    echo "bench/run.sh: figure 2: DevFile and $prototype/DevFile differ beyond comments; make them the same steps" >&2
    exit 1
  fi
  paired=$(harness pair "$prototype_runs" . "$PWD/dist/tb run" "$prototype" "$prototype/dist/program")
  read -r root proto_root root_cpu proto_root_cpu <<< "$paired"
  # CPU time too (tb, its plugins and their commands): on a loaded machine a run that needs more CPU falls further behind.
  row "2. root DevFile: \`tb run\`" "$root ms ($root_cpu ms CPU)" "Go prototype (\`dist/program\` on its DevFile) $proto_root ms ($proto_root_cpu ms CPU); medians of $prototype_runs paired runs" "$(ratio "$root" "$proto_root") x (goal 0.8 x); CPU $(ratio "$root_cpu" "$proto_root_cpu") x"
  # The same through the tb server (docs/server.md), a server of this suite's own, started by its first run: the
  # client's time, start to exit (the server's CPU is not the client's, so no CPU figure). XDG_RUNTIME_DIR is the
  # harness's, so both commands start straight from it (an `env` in front would be one more exec in the figure).
  paired=$(XDG_RUNTIME_DIR="$work/xdg" harness pair "$prototype_runs" . "$PWD/dist/tb run --server" "$prototype" "$prototype/dist/program")
  read -r root_served proto_served _ _ <<< "$paired"
  row "2s. root DevFile: \`tb run --server\` (warm plugins kept between runs)" "$root_served ms" "Go prototype $proto_served ms; medians of $prototype_runs paired runs" "$(ratio "$root_served" "$proto_served") x (goal 0.8 x; the default mode, figure 2: $(ratio "$root" "$proto_root") x)"
  paired=$(harness pair "$prototype_runs" --plugin - "dist/plugin-echo" - "$prototype/dist/plugin-echo")
  read -r echo_start proto_echo_start _ _ <<< "$paired"
  row "2b. \`dist/plugin-echo\`, empty stdin" "$echo_start ms" "Go prototype's echo plugin $proto_echo_start ms; medians of $prototype_runs paired runs" "$(ratio "$echo_start" "$proto_echo_start") x"
fi

# 3 and 4. Many echo steps: warm and one process per step; host overhead per step against a direct driver.
for mode in warm oneshot; do
  {
    printf 'plugins:\n  - ref: echo\n    path: %s/dist/plugin-echo\n' "$PWD"
    [ "$mode" = oneshot ] && printf '    warm: false\n'
    printf 'steps:\n'
    for ((i = 0; i < steps; i++)); do printf '  - name: s%d\n    plugin: echo\n    config: { say: "step %d" }\n' "$i" "$i"; done
  } > "$work/DevFile.$mode"
done
for ((i = 0; i < step_runs; i++)); do
  for mode in warm oneshot; do
    dist/tb run -f "$work/DevFile.$mode" --report "$work/$mode.$i.json" > /dev/null
    harness report "$work/$mode.$i.json" rate >> "$work/$mode.rate"
    harness report "$work/$mode.$i.json" warm-rate >> "$work/$mode.steady"
    harness report "$work/$mode.$i.json" step-median >> "$work/$mode.step"
  done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
host_step=$(median < "$work/warm.step")
direct_step=$(harness direct dist/plugin-echo "$steps")
overhead=$(echo "scale=4; $host_step - $direct_step" | bc | sed 's/^\./0./; s/^-\./-0./')
row "3. a warm echo step through tb" "$host_step ms ($overhead ms host overhead; target ≤ 0.1 ms)" "step/run sent straight to the plugin $direct_step ms" "$(ratio "$host_step" "$direct_step") x"
warm_rate=$(median < "$work/warm.rate")
warm_steady=$(median < "$work/warm.steady")
cold_rate=$(median < "$work/oneshot.rate")
row "4. $steps steps: warm echo" "$warm_steady steps/s once warm ($warm_rate over the whole run, with the plugin's start and stop)" "one process per step $cold_rate steps/s (whole run); target 20000 steps/s once warm" "$(ratio "$warm_rate" "$cold_rate") x one-shot (whole runs)"

# 5. Parallel efficiency: 8 steps of 200 ms at -j 8.
{
  printf 'plugins:\n  - ref: shell\n    path: %s/dist/plugin-shell\nsteps:\n' "$PWD"
  for i in 1 2 3 4 5 6 7 8; do printf '  - name: sleep%s\n    plugin: shell\n    parallel: true\n    config: { commands: ["sleep 0.2"] }\n' "$i"; done
} > "$work/DevFile.parallel"
# The baseline: the same eight commands started together by bash, which waits for them all.
paired=$(harness pair "$runs" - "dist/tb run -f $work/DevFile.parallel -j 8" - "bash -c 'for i in 1 2 3 4 5 6 7 8; do sleep 0.2 & done; wait'")
read -r parallel sleeps _ _ <<< "$paired"
row "5. 8 x 200 ms steps at \`-j 8\`" "$parallel ms (target within 15% of 200 ms)" "the 8 \`sleep 0.2\` in parallel under bash $sleeps ms; paired runs" "$(ratio "$parallel" "$sleeps") x"

# 6. Log relay: a plugin writes MEGABYTES of stderr as fast as it can.
printf 'plugins:\n  - ref: flood\n    path: %s/bench/plugins/stderr-flood\nsteps:\n  - name: flood\n    plugin: flood\n    config: { mb: %d }\n' "$PWD" "$megabytes" > "$work/DevFile.flood"
dist/tb run -f "$work/DevFile.flood" --report "$work/flood.json" > /dev/null
flood_ms=$(harness report "$work/flood.json" duration)
relay=$(echo "scale=1; $megabytes * 1000 / $flood_ms" | bc)
flood_rss=$(harness rss - dist/tb run -f "$work/DevFile.flood")
# The baseline: the plugin's own writer (yes | head -c) into a pipe that cat drains, with no relay in between.
pipe_ms=$(harness wall "$runs" - bash -c "yes $(printf 'x%.0s' {1..99}) | head -c $((megabytes * 1024 * 1024)) | cat > /dev/null")
pipe=$(echo "scale=1; $megabytes * 1000 / $pipe_ms" | bc)
row "6. log relay, $megabytes MB of stderr" "$relay MB/s, tb peak RSS $((flood_rss / 1024)) MB (targets 100 MB/s, 40 MB)" "the same bytes through a plain pipe $pipe MB/s" "$(ratio "$relay" "$pipe") x"

# 7. Peak RSS of tb on the many-step run.
# The baseline: tb's peak RSS on the root DevFile (2 steps), so the ratio is what the steps add.
steps_rss=$(harness rss - dist/tb run -f "$work/DevFile.warm")
root_rss=$(harness rss . dist/tb run)
row "7. tb peak RSS, $steps warm steps" "$((steps_rss / 1024)) MB (target 40 MB)" "root DevFile (2 steps) $((root_rss / 1024)) MB" "$(ratio "$steps_rss" "$root_rss") x"

# 8. Loading and checking a long DevFile (it was once quadratic in the number of steps); --no-probe, so no plugin's
# start-up is counted.
paired=$(harness pair "$runs" - "dist/tb validate --no-probe -f $work/DevFile.warm" . "dist/tb validate --no-probe")
read -r load_many load_root _ _ <<< "$paired"
per_step=$(echo "scale=2; ($load_many - $load_root) * 1000 / ($steps - 2)" | bc | sed 's/^\./0./; s/^-\./-0./')
row "8. \`tb validate\` of the $steps-step DevFile" "$load_many ms ($per_step µs a step more)" "root DevFile (2 steps) $load_root ms; paired runs" "$(ratio "$load_many" "$load_root") x"

# 9. The root DevFile with its plugins pinned in a lock file: the hashes come from the cache, not from reading the plugins.
for variant in plain locked; do
  mkdir -p "$work/$variant" && cp DevFile "$work/$variant/" && ln -s "$PWD/dist" "$work/$variant/dist"
done
export XDG_CACHE_HOME="$work/cache"
dist/tb lock -f "$work/locked/DevFile" > /dev/null
paired=$(harness pair "$runs" "$work/locked" "$PWD/dist/tb run" "$work/plain" "$PWD/dist/tb run")
read -r locked plain _ _ <<< "$paired"
unset XDG_CACHE_HOME
row "9. root DevFile, plugins checked against DevFile.lock" "$locked ms" "no lock file $plain ms; paired runs" "$(ratio "$locked" "$plain") x"

# 10. Warm steps through Slurm (srun and the relay on the node; docs/cluster.md) next to the same steps run here.
if sinfo -h -o %T 2> /dev/null | grep -qE 'idle|mixed|allocated'; then
  sed 's|^    path: \(.*\)$|    path: \1\n    executor: slurm|' "$work/DevFile.warm" > "$work/DevFile.slurm"
  for ((i = 0; i < step_runs; i++)); do
    for mode in warm slurm; do
      dist/tb run -f "$work/DevFile.$mode" --report "$work/cluster.$mode.$i.json" > /dev/null
      harness report "$work/cluster.$mode.$i.json" warm-rate >> "$work/cluster.$mode.steady"
      harness report "$work/cluster.$mode.$i.json" step-median >> "$work/cluster.$mode.step"
    done
  done
  row "10. $steps warm echo steps on Slurm" "$(median < "$work/cluster.slurm.steady") steps/s, $(median < "$work/cluster.slurm.step") ms a step" "here $(median < "$work/cluster.warm.steady") steps/s, $(median < "$work/cluster.warm.step") ms a step" "$(ratio "$(median < "$work/cluster.slurm.step")" "$(median < "$work/cluster.warm.step")") x (step time)"
else
  echo "  10. skipped: no Slurm cluster is up (scripts/slurm/start.sh starts one)" >&2
fi

# 11. A DevFile wholly up to date (docs/devfile.md, "Up to date"): each shell step copies its own input to its own
# output; once primed, `tb run` fingerprints every step and runs none, against `tb run --force`, which runs them all.
# Interleaved, one of each per round; a full run of 1000 shell steps takes seconds, so fewer rounds than the other figures.
if $quick; then fresh_runs=3; else fresh_runs=7; fi
mkdir -p "$work/fresh/in" "$work/fresh/out"
{
  printf 'plugins:\n  - ref: shell\n    path: %s/dist/plugin-shell\nsteps:\n' "$PWD"
  for ((i = 0; i < steps; i++)); do
    printf -v n '%04d' "$i"
    echo "input $n" > "$work/fresh/in/$n.txt"
    printf '  - name: copy%s\n    plugin: shell\n    inputs: in/%s.txt\n    outputs: out/%s.txt\n    config: { commands: ["cp in/%s.txt out/%s.txt"] }\n' "$n" "$n" "$n" "$n" "$n"
  done
} > "$work/fresh/DevFile"
fresh_statuses() {
  dist/tb run -f "$work/fresh/DevFile" ${1:+"$1"} --report "$work/fresh.json" > /dev/null
  local got
  got=$(harness report "$work/fresh.json" statuses)
  if [ "$got" != "$2=$steps" ]; then
    echo "bench/run.sh: figure 11: \`tb run $1\` of the $steps-step DevFile gave statuses '$got', not '$2=$steps'" >&2
    exit 1
  fi
}
fresh_statuses "" succeeded
for ((i = 0; i < fresh_runs; i++)); do
  # Checked before each timed up-to-date run: that run changes nothing in .tb/, so it sees what the check saw.
  fresh_statuses "" up-to-date
  harness wall 1 - dist/tb run -f "$work/fresh/DevFile" >> "$work/fresh.up-to-date"
  harness wall 1 - dist/tb run -f "$work/fresh/DevFile" --force >> "$work/fresh.force"
done
fresh_statuses "" up-to-date
fresh_statuses --force succeeded
fresh=$(median < "$work/fresh.up-to-date")
forced=$(median < "$work/fresh.force")
fresh_step=$(echo "scale=1; $fresh * 1000 / $steps" | bc | sed 's/^\./0./')
row "11. $steps shell steps wholly up to date: \`tb run\`" "$fresh ms ($fresh_step µs a step)" "full run (\`--force\`) $forced ms; medians of $fresh_runs interleaved rounds" "$(ratio "$fresh" "$forced") x"

# 12. A development loop: 20 consecutive runs of the root DevFile, each a new `tb run`, without and with the tb server
# (its own, stopped first so the loop starts it: its start-up is in the figure).
if $quick; then loops=1; else loops=5; fi
loop() { printf 'for i in $(seq 20); do %s > /dev/null; done' "$1"; }
paired=$(harness pair "$loops" . "bash -c '$(loop "$PWD/dist/tb run")'" . "bash -c 'XDG_RUNTIME_DIR=$work/xdg $PWD/dist/tb server stop > /dev/null; $(loop "XDG_RUNTIME_DIR=$work/xdg $PWD/dist/tb run --server")'")
read -r loop_cold loop_served _ _ <<< "$paired"
row "12. 20 consecutive \`tb run\` of the root DevFile, with the tb server (started by the first)" "$loop_served ms ($(echo "scale=2; $loop_served / 20" | bc) ms a run)" "without it $loop_cold ms ($(echo "scale=2; $loop_cold / 20" | bc) ms a run); medians of $loops paired rounds" "$(ratio "$loop_served" "$loop_cold") x"

table=$(printf '| figure | measured | baseline | ratio |\n|---|---|---|---|\n'; printf '%s\n' "${rows[@]}")
echo "$table"
if ! $quick; then
  echo "bench/run.sh: in-process micro-benchmarks (bench/micro.sh, about a minute)" >&2
  micro=$(bench/micro.sh)
  echo "$micro"
  {
    echo "# Benchmark results"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB;"
    echo "medians of $runs runs ($prototype_runs for figures 2, 2s and 2b, $step_runs for the step runs, $fresh_runs for figure 11, $loops for figure 12) of \`bench/run.sh\` at commit $(git rev-parse --short HEAD);"
    echo "every baseline measured in the same run; \"paired runs\" alternate the two commands, one of each per round."
    [ -n "$prototype" ] || echo "No built Go prototype was found (TB_PROTOTYPE): figures 2 and 2b are missing."
    echo
    echo "$table"
    echo
    echo "## In-process micro-benchmarks"
    echo
    echo "\`bench/micro.sh\`: BenchmarkDotNet, short job, JIT-compiled; the protocol's hot path, per message or line."
    echo "$micro"
  } > bench/results.md
fi
