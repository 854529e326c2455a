#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for trying `gatelab sweep submit --slurm` and for the tests.
#
#   scripts/slurm-local.sh up      start munged, slurmctld and slurmd (idempotent), wait until the node is idle
#   scripts/slurm-local.sh down    stop them (idempotent) and remove the state folder
#   scripts/slurm-local.sh env     print the line that points Slurm's commands at this cluster
#
# Needs Debian's slurm-wlm (22.05) and munge (`apt-get install -y slurm-wlm munge`), run as root.
# Everything (munge key and socket, slurm.conf, state, spool, logs, pid files) lives under one folder,
# $GATELAB_SLURM_DIR (default /tmp/gatelab-slurm); nothing in /etc is changed. Slurm's commands find the
# cluster through SLURM_CONF, so after `up` run:  export SLURM_CONF=/tmp/gatelab-slurm/slurm.conf
set -euo pipefail

DIR="${GATELAB_SLURM_DIR:-/tmp/gatelab-slurm}"
CONF="$DIR/slurm.conf"
HOST="$(hostname)"
CTLD_PORT="${GATELAB_SLURMCTLD_PORT:-6817}"
SLURMD_PORT="${GATELAB_SLURMD_PORT:-6818}"

die() { echo "slurm-local: $*" >&2; exit 1; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { SLURM_CONF="$CONF" sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1; }

wait_idle() {
  for _ in $(seq 1 60); do
    case "$(node_state)" in
      idle | mixed | allocated) return 0 ;;
    esac
    sleep 0.5
  done
  die "node $HOST did not become idle within 30 s (sinfo: '$(node_state)'); logs: $DIR/slurmctld.log, $DIR/slurmd.log"
}

up() {
  for tool in munged mungekey slurmctld slurmd sinfo sbatch; do
    command -v "$tool" >/dev/null || die "'$tool' not found; install it with: apt-get install -y slurm-wlm munge"
  done
  [ "$(id -u)" = 0 ] || die "must run as root (slurmd starts jobs as their user), got uid $(id -u)"
  if pid_alive "$DIR/munged.pid" && pid_alive "$DIR/slurmctld.pid" && pid_alive "$DIR/slurmd.pid"; then
    wait_idle
    echo "slurm-local: already up ($DIR); export SLURM_CONF=$CONF"
    return 0
  fi
  mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool"
  chmod 700 "$DIR/munge"
  [ -f "$DIR/munge/munge.key" ] || mungekey -c -k "$DIR/munge/munge.key" >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1 count=1024 status=none
  chmod 400 "$DIR/munge/munge.key"
  if ! pid_alive "$DIR/munged.pid"; then
    munged --force --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.socket" \
      --pid-file="$DIR/munged.pid" --log-file="$DIR/munged.log" --seed-file="$DIR/munge/munge.seed"
  fi
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: one node ($HOST), one partition, all state under $DIR.
ClusterName=gatelab
SlurmctldHost=$HOST
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/munge/munge.socket
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
NodeName=$HOST CPUs=$(nproc) RealMemory=16000 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  pid_alive "$DIR/slurmctld.pid" || SLURM_CONF="$CONF" slurmctld -f "$CONF"
  pid_alive "$DIR/slurmd.pid" || SLURM_CONF="$CONF" slurmd -f "$CONF"
  wait_idle
  echo "slurm-local: up ($DIR); export SLURM_CONF=$CONF"
}

stop_pid() {
  local file="$1"
  if pid_alive "$file"; then
    local pid
    pid="$(cat "$file")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

down() {
  if [ -f "$CONF" ]; then SLURM_CONF="$CONF" scancel --full --quiet --user=root 2>/dev/null || true; fi
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  stop_pid "$DIR/munged.pid"
  rm -rf "$DIR"
  echo "slurm-local: down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) die "usage: scripts/slurm-local.sh up|down|env (got '${1:-}')" ;;
esac
