#!/usr/bin/env bash
# Ensure a working Docker engine on this machine (idempotent, quiet on success).
# - installs Debian's docker.io if dockerd is missing
# - starts dockerd detached (survives the caller) and waits until it answers
# - pins the client API version to the engine's, since /usr/local/bin/docker (28.x)
#   is newer than Debian's engine (20.10, API 1.41); the 28.x CLI negotiates down by
#   itself, the pin below is belt and braces for this script's own calls.
# Run it (bash scripts/host/ensure-docker.sh); do not source it (it calls exit).
set -euo pipefail

log() { printf 'ensure-docker: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Use an API version the engine understands. Debian bookworm's engine is 20.10 (API 1.41);
# a newer CLI negotiates down on its own for most calls, but pinning avoids surprises.
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"

docker_ok() { docker info >/dev/null 2>&1; }

check_driver() {
  local drv
  drv="$(docker info --format '{{.Driver}}' 2>/dev/null || true)"
  if [[ "$drv" != "overlay2" ]]; then
    log "WARNING: docker storage driver is '${drv:-unknown}', not overlay2 (copy-on-write branches will be slow/large)"
  fi
}

if command -v docker >/dev/null 2>&1 && docker_ok; then
  check_driver
  exit 0
fi

if [[ $EUID -ne 0 ]]; then
  die "docker is not usable and this script must run as root to install/start it"
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  log "installing docker.io from Debian (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq docker.io >/dev/null || die "apt-get install docker.io failed"
  command -v dockerd >/dev/null 2>&1 || die "dockerd still missing after installing docker.io"
fi

# The containerd a previous dockerd started may outlive it for a few seconds; a new dockerd that
# starts meanwhile cannot reach its own containerd and never answers. Wait for it, then kill it.
wait_for_stale_containerd() {
  local pattern="containerd --config /var/run/docker/containerd/containerd.toml"
  for _ in $(seq 1 40); do
    pgrep -f "$pattern" >/dev/null 2>&1 || return 0
    sleep 0.5
  done
  pkill -9 -f "$pattern" 2>/dev/null || true
  sleep 0.5
}

start_dockerd() {
  wait_for_stale_containerd
  log "starting dockerd (log: /var/log/offshoot-dockerd.log)..."
  rm -f /var/run/docker.pid
  setsid nohup dockerd >>/var/log/offshoot-dockerd.log 2>&1 </dev/null &
  disown || true
}

wait_until_ready() {
  local deadline=$((SECONDS + $1))
  until docker_ok; do
    (( SECONDS >= deadline )) && return 1
    sleep 0.5
  done
}

pgrep -x dockerd >/dev/null 2>&1 || start_dockerd
if ! wait_until_ready 15; then
  # one retry from scratch: a dockerd stuck on a half-gone containerd does not recover by itself
  log "dockerd did not answer within 15 s; restarting it once"
  pkill -x dockerd 2>/dev/null || true
  for _ in $(seq 1 20); do pgrep -x dockerd >/dev/null 2>&1 || break; sleep 0.5; done
  pkill -9 -x dockerd 2>/dev/null || true
  start_dockerd
  if ! wait_until_ready 60; then
    log "last lines of /var/log/offshoot-dockerd.log:"
    tail -n 20 /var/log/offshoot-dockerd.log >&2 2>/dev/null || true
    die "docker did not become ready"
  fi
fi

check_driver
exit 0
