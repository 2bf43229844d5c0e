#!/usr/bin/env bash
# Ensure a working Docker engine on this machine (idempotent, quiet on success).
# - installs Debian's docker.io if dockerd is missing
# - starts dockerd detached (survives the caller) and waits until it answers
# - pins the client API version to the engine's, since /usr/local/bin/docker (28.x)
#   is newer than Debian's engine (20.10, API 1.41); the 28.x CLI negotiates down by
#   itself, the pin below is belt and braces for this script's own calls.
# Run it (bash scripts/ensure-docker.sh); do not source it (it calls exit).
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

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # Also make sure containerd is reachable; dockerd starts its own if none is running.
  log "starting dockerd (log: /var/log/offshoot-dockerd.log)..."
  rm -f /var/run/docker.pid
  setsid nohup dockerd >/var/log/offshoot-dockerd.log 2>&1 </dev/null &
  disown || true
fi

deadline=$((SECONDS + 60))
until docker_ok; do
  if (( SECONDS >= deadline )); then
    log "last lines of /var/log/offshoot-dockerd.log:"
    tail -n 20 /var/log/offshoot-dockerd.log >&2 2>/dev/null || true
    die "docker did not become ready within 60 s"
  fi
  sleep 0.5
done

check_driver
exit 0
