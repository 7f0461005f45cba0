#!/usr/bin/env bash
# Stops the single-node Slurm cluster that scripts/slurm/start.sh started and empties its state, so the next start
# is clean (stale job and node state is how a restarted node comes back drained). munged is stopped only if start.sh
# started it; one that ran before is shared with whatever else uses munge.
# Usage: stop.sh [--quiet]
set -euo pipefail

dir="${TB_SLURM_DIR:-/var/tmp/tb-slurm}"
conf="$dir/slurm.conf"
quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

say() { [ "$quiet" -eq 1 ] || echo "slurm: $*"; }

# A pid from a pid file is only trusted while it still names the expected program, so a reused pid is never hit.
pid_of() {
  local file=$1 name=$2 pid
  [ -f "$file" ] || return 1
  pid=$(tr -dc 0-9 <"$file")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  echo "$pid"
}

# Jobs first, while slurmctld can still reach them: a slurmstepd outlives slurmd and would keep its task running.
# Only with a live slurmctld: a client looking for an absent one retries for about 5 s.
if [ -f "$conf" ] && pid_of "$dir/run/slurmctld.pid" slurmctld >/dev/null; then
  jobs=$(SLURM_CONF="$conf" timeout 5 squeue -h -o %i 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086 # one job id per word
    SLURM_CONF="$conf" timeout 5 scancel --full $jobs 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(SLURM_CONF="$conf" timeout 5 squeue -h -o %i 2>/dev/null || true)" ] && break
      sleep 0.1
    done
  fi
fi

pids=()
names=()
for entry in "$dir/run/slurmd.pid slurmd" "$dir/run/slurmctld.pid slurmctld" "$dir/run/munged.pid munged"; do
  read -r file name <<<"$entry"
  if pid=$(pid_of "$file" "$name"); then
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
    names+=("$name")
  fi
done

# Each daemon takes about 2 s to exit on SIGTERM; after 15 s it is not going to, so it is killed.
deadline=$((SECONDS + 15))
for i in "${!pids[@]}"; do
  while kill -0 "${pids[$i]}" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "${names[$i]} (pid ${pids[$i]}) ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
    sleep 0.1
  done
done

rm -rf "${dir:?}/state" "${dir:?}/spool" "${dir:?}/run"
if [ "${#names[@]}" -gt 0 ]; then
  say "stopped ${names[*]}; state and spool in $dir emptied"
else
  say "nothing was running; state and spool in $dir emptied"
fi
