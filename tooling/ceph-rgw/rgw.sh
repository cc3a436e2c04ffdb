#!/usr/bin/env bash
# Install and run a throwaway one-node Ceph RGW (radosgw 16.2.x "Pacific") on 127.0.0.1 for tests.
#
#   rgw.sh install          install ceph-mon ceph-osd radosgw ceph-common via apt (idempotent)
#   rgw.sh start [DIR]      start mon + osd (memstore) + radosgw under DIR (default: mktemp -d),
#                           create a test user, write DIR/rgw.env and print it on stdout
#   rgw.sh stop DIR         stop the daemons started under DIR (radosgw, osd, mon) and remove DIR
#   rgw.sh status DIR       show the daemons and whether S3 answers; exit 0 only when healthy
#   rgw.sh reap             stop instances under $TMPDIR (or /tmp) whose owner process has exited
#
# Everything (config, data, run dir, pid files, admin sockets, logs) lives under DIR, and every
# ceph command gets `-c DIR/ceph.conf`, so several instances can run side by side and nothing
# touches /etc/ceph or /var/lib/ceph. Progress goes to stderr; stdout carries only the env lines.
#
# Environment (all optional):
#   S3KIT_RGW_ACCESS_KEY      access key of the test user   (default s3kitTESTACCESSKEY01)
#   S3KIT_RGW_SECRET_KEY      secret key of the test user   (default s3kitTESTsecretKEY0123456789abcdefghijklm)
#   S3KIT_RGW_USER            uid of the test user          (default s3kit-test)
#   S3KIT_RGW_MEMSTORE_BYTES  RAM the OSD's memstore may use (default 4294967296 = 4 GiB)
#   S3KIT_RGW_PORT            RGW HTTP port                 (default: a free port)
#   S3KIT_RGW_TIMEOUT         seconds `start` may take      (default 60)
#   S3KIT_RGW_KEEP_FAILED=1   keep DIR after a failed start (for its logs)
#   S3KIT_RGW_OWNER_PID       process whose exit makes the instance an orphan for `reap`
#                             (default: the caller of rgw.sh)
set -euo pipefail

readonly PKGS=(ceph-mon ceph-osd radosgw ceph-common)
readonly MARKER=.s3kit-rgw
readonly RGW_NAME=client.rgw.a
readonly POOLS=(.rgw.root default.rgw.log default.rgw.control default.rgw.meta
  default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec)

ACCESS_KEY=${S3KIT_RGW_ACCESS_KEY:-s3kitTESTACCESSKEY01}
SECRET_KEY=${S3KIT_RGW_SECRET_KEY:-s3kitTESTsecretKEY0123456789abcdefghijklm}
RGW_USER=${S3KIT_RGW_USER:-s3kit-test}
MEMSTORE_BYTES=${S3KIT_RGW_MEMSTORE_BYTES:-4294967296}
TIMEOUT=${S3KIT_RGW_TIMEOUT:-60}
# RGW's default zonegroup ("default") accepts any SigV4 region; us-east-1 keeps AWS SDKs from
# sending a CreateBucket LocationConstraint that RGW would reject (see README).
REGION=us-east-1

log() { printf 'rgw.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------------------------------- install

# as_root, missing_pkgs, apt_install: shared with the other test-tool installers.
# shellcheck source=../scripts/apt.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/apt.sh"

cmd_install() {
  local missing
  missing=$(missing_pkgs "${PKGS[@]}")
  if [[ -z $missing ]] && command -v radosgw >/dev/null 2>&1; then
    log "ceph packages already installed (radosgw $(dpkg-query -W -f='${Version}' radosgw 2>/dev/null))"
    return 0
  fi
  apt_install "${PKGS[@]}" || die "could not install ${PKGS[*]} (Ceph 16.2.x)"
  log "installed radosgw $(dpkg-query -W -f='${Version}' radosgw 2>/dev/null)"
}

# ------------------------------------------------------------------------------------- helpers

need_binaries() {
  local b
  for b in monmaptool ceph-mon ceph-osd radosgw radosgw-admin ceph curl; do
    command -v "$b" >/dev/null 2>&1 || die "$b not found; run: $0 install"
  done
}

python() {
  if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else python3 "$@"; fi
}

# Three distinct free TCP ports on 127.0.0.1 (mon v2, mon v1, rgw), held open together while
# chosen so they differ; the daemons bind them a moment later.
free_ports() {
  python - <<'PY'
import socket
socks = []
for _ in range(3):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

new_uuid() { cat /proc/sys/kernel/random/uuid; }

# Start time of PID in clock ticks since boot (field 22 of /proc/PID/stat); guards against PID reuse.
proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  awk '{ print $20 }' <<<"$stat"
}

# Inode of the socket listening on 127.0.0.1:PORT (or 0.0.0.0:PORT), empty if none.
port_listener() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v a="0100007F:$hex" -v b="00000000:$hex" '($2 == a || $2 == b) && $4 == "0A" { print $10; exit }' /proc/net/tcp
}

# True when process PID holds the socket listening on PORT: proves that what answers there is
# our daemon and not another instance that happens to use the port.
owns_port() {
  local inode
  inode=$(port_listener "$2")
  [[ -n $inode ]] && ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "socket:[$inode]"
}

# True while PID runs. A zombie counts as gone: daemons are reparented to PID 1, which on some
# machines (minimal container inits) reaps them only every few seconds.
pid_alive() {
  local stat
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# PID from DIR/run/<name>.pid, only if that process really is ours (its argv names DIR's conf).
daemon_pid() {
  local dir=$1 name=$2 pid
  [[ -r $dir/run/$name.pid ]] || return 1
  pid=$(tr -dc '0-9' <"$dir/run/$name.pid")
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/ceph.conf" || return 1
  printf '%s\n' "$pid"
}

# Every live process whose command line names DIR's ceph.conf (daemons without a pid file yet).
stray_pids() {
  local re
  re=$(printf '%s' "-c $1/ceph.conf" | sed 's/[][\\.*^$+?(){}|]/\\&/g')
  pgrep -f -- "$re" 2>/dev/null | grep -vx "$$" || true
}

ceph_cli() { timeout 40 ceph -c "$DIR/ceph.conf" --connect-timeout 20 "$@"; }

remaining() { echo $((DEADLINE - SECONDS)); }

# Stage timings for the final log line: "mon 0.61s osd 1.02s ...".
TIMINGS='' STAGE_T0=''
stage() {
  local now=${EPOCHREALTIME/,/.}
  if [[ -n $STAGE_T0 ]]; then
    TIMINGS+=$(awk -v a="$STAGE_T0" -v b="$now" -v n="$STAGE" 'BEGIN { printf "%s %.2fs ", n, b - a }')
  fi
  STAGE=$1 STAGE_T0=$now
}

# wait_until DESCRIPTION COMMAND...: poll until COMMAND succeeds or the start deadline passes.
wait_until() {
  local what=$1; shift
  local n=0
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < DEADLINE)) || die "timed out after ${TIMEOUT}s waiting for $what"
    n=$((n + 1))
    if ((n < 20)); then sleep 0.1; else sleep 0.5; fi
  done
}

# Prints the tails of the logs that matter for the stage that failed (STAGE), then the rest's names.
STAGE=setup
logs_tail() {
  local dir=$1 f shown=' '
  local -a files=("$dir/log/daemons.log" "$dir/log/mkfs.log")
  case $STAGE in
    mon) files+=("$dir/log/mon.a.log") ;;
    osd) files+=("$dir/log/osd.0.log" "$dir/log/mon.a.log") ;;
    pools) files+=("$dir/log/pools.log" "$dir/log/mon.a.log") ;;
    rgw | user) files+=("$dir/log/client.rgw.a.log") ;;
  esac
  for f in "${files[@]}"; do
    [[ -s $f ]] || continue
    shown+="$f "
    printf '\n===== %s (last 20 lines) =====\n' "$f" >&2
    tail -n 20 "$f" >&2
  done
  for f in "$dir"/log/*.log; do
    [[ -s $f && $shown != *" $f "* ]] && printf 'more: %s\n' "$f" >&2
  done
  return 0
}

# ---------------------------------------------------------------------------------------- start

write_conf() {
  cat >"$DIR/ceph.conf" <<EOF
# written by tooling/ceph-rgw/rgw.sh; throwaway one-node cluster, everything under $DIR
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $DIR/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
paxos propose interval = 0.1
mon data avail crit = 0
mon data avail warn = 0
client mount timeout = 30
run dir = $DIR/run
log file = $DIR/log/\$name.log
log to syslog = false
err to syslog = false
log to stderr = false
mon cluster log file = $DIR/log/cluster.log
mon cluster log to syslog = false

[mon]
mon data = $DIR/mon/\$cluster-\$id
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid

[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid

[$RGW_NAME]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $DIR/rgw
rgw dns name = localhost
rgw crypt require ssl = false
rgw dynamic resharding = false
rgw enable usage log = false
# Required with "auth ... = none": otherwise radosgw retries auth every 3 s and never comes up.
ms mon client mode = crc secure
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
EOF
}

STARTED_OK=0
OWN_DIR=0
on_start_exit() {
  local rc=$?
  ((STARTED_OK)) && return 0
  trap - EXIT INT TERM
  log "start failed (exit $rc) at stage '$STAGE'; logs:"
  logs_tail "$DIR"
  stop_daemons "$DIR" 5 || true
  if ((OWN_DIR)) && [[ ${S3KIT_RGW_KEEP_FAILED:-0} != 1 ]]; then
    rm -rf -- "$DIR"
    log "removed $DIR (S3KIT_RGW_KEEP_FAILED=1 keeps it)"
  else
    rm -f -- "$DIR/rgw.env"
    log "kept $DIR for its logs; remove it with: $0 stop $DIR"
  fi
  exit "$rc"
}

cmd_start() {
  need_binaries
  [[ $MEMSTORE_BYTES =~ ^[0-9]+$ ]] || die "S3KIT_RGW_MEMSTORE_BYTES must be a number of bytes"
  [[ $TIMEOUT =~ ^[0-9]+$ ]] || die "S3KIT_RGW_TIMEOUT must be a number of seconds"
  DEADLINE=$((SECONDS + TIMEOUT))
  if [[ -n ${1:-} ]]; then
    DIR=$1
    if [[ -e $DIR ]]; then
      [[ -d $DIR ]] || die "$DIR exists and is not a directory"
      [[ -z $(ls -A "$DIR") ]] || die "$DIR is not empty (stop the old instance first: $0 stop $DIR)"
    fi
    mkdir -p "$DIR"
    DIR=$(cd "$DIR" && pwd -P)
  else
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/s3kit-rgw.XXXXXX")
    DIR=$(cd "$DIR" && pwd -P)
    OWN_DIR=1
  fi
  trap on_start_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  : >"$DIR/$MARKER"
  local owner=${S3KIT_RGW_OWNER_PID:-$PPID}
  printf '%s %s\n' "$owner" "$(proc_starttime "$owner")" >"$DIR/owner"
  mkdir -p "$DIR"/{run,log,mon,osd/ceph-0,rgw}

  FSID=$(new_uuid)
  read -r MON_V2 MON_V1 RGW_PORT < <(free_ports)
  RGW_PORT=${S3KIT_RGW_PORT:-$RGW_PORT}
  write_conf
  local conf=$DIR/ceph.conf

  local port
  for port in "$MON_V2" "$MON_V1" "$RGW_PORT"; do
    [[ -z $(port_listener "$port") ]] || die "port $port on 127.0.0.1 is already in use"
  done

  stage mon
  log "mon: 127.0.0.1:$MON_V2 (v2) / $MON_V1 (v1), rgw: 127.0.0.1:$RGW_PORT, dir: $DIR"
  monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" \
    "$DIR/monmap" >/dev/null 2>&1 || die "monmaptool failed"
  ceph-mon -c "$conf" --mkfs -i a --monmap "$DIR/monmap" >>"$DIR/log/mkfs.log" 2>&1 \
    || die "ceph-mon --mkfs failed"
  ceph-mon -c "$conf" -i a >>"$DIR/log/daemons.log" 2>&1 || die "ceph-mon failed to start"
  mon_listens() {
    local pid
    pid=$(daemon_pid "$DIR" mon.a) || return 1
    owns_port "$pid" "$MON_V2"
  }
  wait_until "ceph-mon to listen on 127.0.0.1:$MON_V2" mon_listens
  wait_until "the monitor (ceph mon stat)" ceph_cli mon stat

  stage osd
  local osd_uuid osd_id
  osd_uuid=$(new_uuid)
  osd_id=$(ceph_cli osd new "$osd_uuid" 2>>"$DIR/log/daemons.log") || die "ceph osd new failed"
  [[ $osd_id == 0 ]] || die "expected osd id 0, got '$osd_id'"
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$DIR/log/mkfs.log" 2>&1 \
    || die "ceph-osd --mkfs failed"
  ceph-osd -c "$conf" -i 0 >>"$DIR/log/daemons.log" 2>&1 || die "ceph-osd failed to start"
  osd_up() { ceph_cli osd stat -f json | grep -q '"num_up_osds":1'; }
  wait_until "the OSD to come up" osd_up

  stage pools
  # Create RGW's pools up front (radosgw would create them lazily, ~2 s each); one CLI session.
  local p cmds=''
  for p in "${POOLS[@]}"; do
    cmds+="osd pool create $p 8 8"$'\n'"osd pool application enable $p rgw"$'\n'
  done
  printf '%s' "$cmds" | ceph_cli >>"$DIR/log/pools.log" 2>&1 || die "creating pools failed (see $DIR/log/pools.log)"

  stage rgw
  radosgw -c "$conf" -n "$RGW_NAME" >>"$DIR/log/daemons.log" 2>&1 || die "radosgw failed to start"
  # Ready when our radosgw holds the port and GET / answers 200. Stop waiting at once if it has
  # exited (it daemonizes before it binds) or if another process holds the port.
  local rgw_pid='' listener
  until [[ -n $rgw_pid ]] && owns_port "$rgw_pid" "$RGW_PORT" \
    && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$RGW_PORT/") == 200 ]]; do
    if [[ -s $DIR/run/$RGW_NAME.pid ]]; then
      rgw_pid=$(daemon_pid "$DIR" "$RGW_NAME") || die "radosgw exited"
      listener=$(port_listener "$RGW_PORT")
      if [[ -n $listener ]] && ! owns_port "$rgw_pid" "$RGW_PORT"; then
        die "port $RGW_PORT is held by another process"
      fi
    fi
    ((SECONDS < DEADLINE)) || die "timed out after ${TIMEOUT}s waiting for radosgw to answer GET /"
    sleep 0.1
  done

  stage user
  timeout "$(($(remaining) > 5 ? $(remaining) : 5))" \
    radosgw-admin -c "$conf" user create --uid="$RGW_USER" --display-name="s3kit tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>>"$DIR/log/daemons.log" \
    || die "radosgw-admin user create failed"

  {
    printf 'S3KIT_RGW_ENDPOINT=http://127.0.0.1:%s\n' "$RGW_PORT"
    printf 'S3KIT_RGW_ACCESS_KEY=%s\n' "$ACCESS_KEY"
    printf 'S3KIT_RGW_SECRET_KEY=%s\n' "$SECRET_KEY"
    printf 'S3KIT_RGW_REGION=%s\n' "$REGION"
    printf 'S3KIT_RGW_DIR=%s\n' "$DIR"
  } >"$DIR/rgw.env"
  stage done
  STARTED_OK=1
  trap - EXIT INT TERM
  log "RGW up in ${SECONDS}s ($TIMINGS) at http://127.0.0.1:$RGW_PORT"
  log "stop it with: $0 stop $DIR"
  cat "$DIR/rgw.env"
}

# ----------------------------------------------------------------------------------------- stop

# stop_daemons DIR GRACE_SECONDS: stop radosgw, then osd, then mon, each waited for (SIGKILL
# after the grace period). Order matters: with the OSD gone, radosgw's shutdown waits up to
# 120 s for RADOS. The OSD gets SIGKILL right away: its objects are thrown away with DIR, and a
# memstore OSD that shuts down cleanly first writes every stored object to disk.
STOPPED_PIDS=''
stop_daemons() {
  local dir=$1 grace=$2 name pid i sig
  for name in "$RGW_NAME" osd.0 mon.a; do
    pid=$(daemon_pid "$dir" "$name") || continue
    sig=TERM
    [[ $name == osd.0 ]] && sig=KILL
    kill -"$sig" "$pid" 2>/dev/null || continue
    STOPPED_PIDS+=" $pid"
    for ((i = 0; i < grace * 10; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    if pid_alive "$pid"; then
      log "$name ($pid) still running after ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    fi
  done
  # Anything left that was started with this DIR's config (e.g. died before writing a pid file).
  for pid in $(stray_pids "$dir"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 50; i++)); do
    [[ -z $(stray_pids "$dir") ]] && break
    sleep 0.1
  done
  if [[ -n $(stray_pids "$dir") ]]; then
    log "processes still running for $dir: $(stray_pids "$dir" | tr '\n' ' ')"
    return 1
  fi
  # The daemons are dead; give a lazy PID 1 up to 3 s to reap them so that `pgrep` right after
  # `stop` shows nothing (no wait where the init reaps at once).
  local unreaped
  for ((i = 0; i < 30; i++)); do
    unreaped=0
    for pid in $STOPPED_PIDS; do kill -0 "$pid" 2>/dev/null && unreaped=1; done
    ((unreaped)) || break
    sleep 0.1
  done
  return 0
}

resolve_dir() {
  [[ -n ${1:-} ]] || usage
  if [[ ! -d $1 ]]; then return 1; fi
  DIR=$(cd "$1" && pwd -P)
  [[ -e $DIR/$MARKER ]] || die "$DIR was not created by rgw.sh start (no $MARKER); refusing"
}

cmd_stop() {
  if ! resolve_dir "${1:-}"; then
    log "$1 does not exist; nothing to stop"
    return 0
  fi
  stop_daemons "$DIR" 15 || die "could not stop everything under $DIR; kept it"
  rm -rf -- "$DIR"
  log "stopped and removed $DIR"
}

# --------------------------------------------------------------------------------------- status

cmd_status() {
  resolve_dir "${1:-}" || die "$1 does not exist"
  local name pid ok=0 endpoint=''
  for name in mon.a osd.0 "$RGW_NAME"; do
    if pid=$(daemon_pid "$DIR" "$name"); then
      printf '%-14s running  pid %-8s rss %s KiB\n' "$name" "$pid" \
        "$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null)"
    else
      printf '%-14s stopped\n' "$name"
      ok=1
    fi
  done
  if [[ -r $DIR/rgw.env ]]; then
    endpoint=$(sed -n 's/^S3KIT_RGW_ENDPOINT=//p' "$DIR/rgw.env")
  fi
  if [[ -n $endpoint ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$endpoint/") == 200 ]]; then
    printf '%-14s answers  %s\n' s3 "$endpoint"
  else
    printf '%-14s no answer %s\n' s3 "${endpoint:-(no rgw.env)}"
    ok=1
  fi
  return "$ok"
}

# ----------------------------------------------------------------------------------------- reap

# Stops instances left behind by a test run that died without `stop` (SIGKILL, crash): those in
# $TMPDIR (or /tmp) made by `start` without DIR whose owner process is gone.
cmd_reap() {
  local d pid start n=0
  for d in "${TMPDIR:-/tmp}"/s3kit-rgw.*; do
    [[ -e $d/$MARKER && -r $d/owner ]] || continue
    read -r pid start <"$d/owner" || continue
    if [[ -n $pid && -n $start && $(proc_starttime "$pid") == "$start" ]]; then continue; fi
    log "reaping $d (owner $pid has exited)"
    (cmd_stop "$d") || true
    n=$((n + 1))
  done
  log "reaped $n instance(s)"
}

# ----------------------------------------------------------------------------------------- main

case ${1:-} in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  reap) cmd_reap ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
