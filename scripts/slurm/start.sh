#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this host for the srun specs (issue 12), without systemd.
# Idempotent: a cluster that is already up and runs `srun /bin/true` is left alone.
# Exit codes: 0 up; 3 Slurm cannot be provided here (the packages are missing and cannot be installed, or no cluster
# runs and this is not root), so the specs skip; 1 anything else.
# Facts behind the choices: /work/shared/notes/slurm-single-node.md.
set -euo pipefail

dir="${TB_SLURM_DIR:-/var/tmp/tb-slurm}"
conf="$dir/slurm.conf"
here="$(cd "$(dirname "$0")" && pwd)"
started_ns=$(date +%s%N)

elapsed() { echo $((($(date +%s%N) - started_ns) / 1000000)) | awk '{ printf "%.1f", $1 / 1000 }'; }
fail() { echo "slurm: $*" >&2; exit 1; }

# Only our own pid files are trusted, and only while they name live daemons: asking a controller that is not there
# costs a client its whole retry time (about 5 s), and with slurmd gone the probing srun hangs until its timeout.
alive() {
  local name=$1 pid
  pid=$(tr -dc 0-9 2>/dev/null <"$dir/run/$name.pid") && [ -n "$pid" ] \
    && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

# A healthy cluster answers sinfo with a usable state and runs a step; anything less is restarted from scratch.
healthy() {
  local state
  state=$(SLURM_CONF="$conf" timeout 5 sinfo -h -o %T 2>/dev/null | head -n1) || return 1
  case "$state" in idle | mixed | allocated) ;; *) return 1 ;; esac
  SLURM_CONF="$conf" timeout 10 srun -N1 -n1 --quiet /bin/true >/dev/null 2>&1
}

install_packages() {
  # Full paths: a non-root PATH often lacks /usr/sbin, and that would read as "not installed".
  if [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/bin/srun ] && [ -x /usr/sbin/munged ]; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "slurm: slurm-wlm/munge are not installed and this is not root, so they cannot be installed" >&2
    exit 3
  fi
  local log="/tmp/tb-slurm-apt.log"
  echo "slurm: installing slurm-wlm and munge with apt-get (log: $log)"
  # policy-rc.d on this machine class stops the postinst scripts from starting services; we start them ourselves.
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
    || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >>"$log" 2>&1; then
    echo "slurm: apt-get could not install slurm-wlm and munge (no mirror?): $(tail -n1 "$log")" >&2
    exit 3
  fi
}

start_munge() {
  if munge -n >/dev/null 2>&1; then
    return 0
  fi
  # systemd-tmpfiles would create /run/munge; without systemd nobody does.
  install -d -o munge -g munge -m 0755 /run/munge
  [ -s /etc/munge/munge.key ] || fail "/etc/munge/munge.key is missing: reinstall munge (apt-get install --reinstall munge)"
  # munged refuses to run as root ("PRNG seed dir is insecure"); it daemonizes and writes /run/munge/munged.pid.
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start; see /var/log/munge/munged.log"
  for _ in $(seq 50); do
    if munge -n >/dev/null 2>&1; then
      # stop.sh stops munged only through this copy, so a munged that was running before us is never stopped.
      cp /run/munge/munged.pid "$dir/run/munged.pid"
      return 0
    fi
    sleep 0.1
  done
  fail "munged started but 'munge -n' still fails; see /var/log/munge/munged.log"
}

write_conf() {
  local node hardware
  node=$(hostname -s)
  # slurmd -C reports what slurmd itself will measure at registration; a RealMemory above it drains the node, so
  # the line is taken as it is, with only the address and state added.
  hardware=$(slurmd -C | head -n1 | sed -e "s/^NodeName=[^ ]*//")
  case "$hardware" in *CPUs=*RealMemory=*) ;; *) fail "could not read CPUs/RealMemory from 'slurmd -C': $hardware" ;; esac
  cat >"$conf.new" <<EOF
# Written by scripts/slurm/start.sh; rewritten on every clean start.
ClusterName=tb
SlurmctldHost=$node(127.0.0.1)
# Without these the daemons listen on 0.0.0.0; a test cluster has no business on the network.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# The default tries to send mail and logs an error for every job.
MailProg=/bin/true
ReturnToService=2
# Specs cancel jobs and look at them right after: a short grace before SIGKILL, finished jobs purged soon.
KillWait=2
MinJobAge=5
MessageTimeout=10
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1$hardware State=UNKNOWN
# A node has few cores, and specs run steps in parallel (tb run -j 8): without sharing, every srun past the core
# count waits in the queue for seconds. Plugin steps mostly wait on I/O, so up to 8 jobs share a core.
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
EOF
  mv "$conf.new" "$conf"
  echo "export SLURM_CONF=$conf" >"$dir/env"
}

# Debian's clients read /etc/slurm/slurm.conf when SLURM_CONF is unset; pointing it at our file lets a plain `srun`
# work from any shell. An existing file is someone else's and is left alone.
link_default_conf() {
  if [ ! -e /etc/slurm/slurm.conf ] && [ ! -L /etc/slurm/slurm.conf ] && [ -w /etc ]; then
    mkdir -p /etc/slurm
    ln -s "$conf" /etc/slurm/slurm.conf
  fi
}

start_daemon() {
  local name=$1
  # -D keeps the daemon in the foreground so its pid is ours; its own session keeps it out of the caller's
  # process group, so a Ctrl-C or a CI runner killing the group does not take the cluster down.
  SLURM_CONF="$conf" setsid "/usr/sbin/$name" -D >>"$dir/log/$name.out" 2>&1 </dev/null &
}

install_packages

if [ -f "$conf" ] && alive slurmctld && alive slurmd && healthy; then
  node=$(hostname -s)
  echo "slurm: single-node cluster already up (node $node); SLURM_CONF=$conf"
  link_default_conf
  exit 0
fi

# munged must be started as the munge user and slurmd as root; a non-root caller can only use a running cluster.
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm: no cluster is running and starting one needs root; run scripts/slurm/start.sh as root once" >&2
  exit 3
fi

# Whatever half-started cluster is left over (a daemon died, a drained node) restarts from an empty state.
TB_SLURM_DIR="$dir" "$here/stop.sh" --quiet

mkdir -p "$dir"/{state,spool,run,log}
for log in "$dir"/log/*.log "$dir"/log/*.out; do
  [ -f "$log" ] && mv -f "$log" "$log.prev"
done
start_munge
write_conf
link_default_conf
start_daemon slurmctld
start_daemon slurmd

# Bounded: a cluster that is not up in 30 s will not be, and CI must not hang on it.
node=$(hostname -s)
deadline=$((SECONDS + 30))
until healthy; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "slurm: the node did not become idle with a working srun within 30 s; last log lines:" >&2
    tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.2
done
cpus=$(sed -n "s/^NodeName=.* CPUs=\([0-9]*\).*/\1/p" "$conf")
echo "slurm: single-node cluster up (node $node, $cpus CPUs) in $(elapsed) s; SLURM_CONF=$conf"
