#!/usr/bin/env bash
# Build a local PostgreSQL 15 image from Debian packages (debootstrap + docker import),
# with the official "postgres" image's interface (env vars, entrypoint, port, stop signal).
#
# stdout: ONLY the image tag, offshoot/postgres:15-<12 hex of sha256(this script + entrypoint + debian-mirror.sh)>
# stderr: logs. Idempotent: if the tag exists locally, prints it and exits at once.
# Also tags offshoot/postgres:15-local.
set -euo pipefail

exec 3>&1 1>&2   # everything goes to stderr except the final tag (fd 3)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
ENTRYPOINT="$SCRIPT_DIR/docker-entrypoint.sh"
REPO="offshoot/postgres"
SUITE="bookworm"
PG_MAJOR=15

log() { printf 'build-pg-image: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -f "$ENTRYPOINT" ]] || die "missing $ENTRYPOINT"

HASH="$(cat "$SELF" "$ENTRYPOINT" "$SCRIPT_DIR/debian-mirror.sh" | sha256sum | cut -c1-12)"
TAG="$REPO:$PG_MAJOR-$HASH"
LOCAL_TAG="$REPO:$PG_MAJOR-local"

bash "$SCRIPT_DIR/ensure-docker.sh" || die "docker is not available"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  # make sure the convenience tag follows the current build
  docker tag "$TAG" "$LOCAL_TAG" >/dev/null 2>&1 || true
  printf '%s\n' "$TAG" >&3
  exit 0
fi

[[ $EUID -eq 0 ]] || die "building the image needs root (debootstrap)"

# --- Debian mirror from this machine's apt sources (never hard-coded) ---------------
source "$SCRIPT_DIR/debian-mirror.sh"
MIRROR="$(find_mirror "$SUITE")" || die "no Debian '$SUITE' mirror found in /etc/apt/sources.list{,.d/*}"

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq debootstrap >/dev/null || die "apt-get install debootstrap failed"
fi

WORK="$(mktemp -d /var/tmp/offshoot-pg.XXXXXX)"
ROOTFS="$WORK/rootfs"
cleanup() {
  # unmount anything debootstrap may have left mounted inside the rootfs before deleting
  local m
  if [[ -d "$ROOTFS" ]]; then
    while read -r m; do umount -l "$m" 2>/dev/null || true
    done < <(awk -v r="$ROOTFS" 'index($2, r"/") == 1 { print $2 }' /proc/mounts | sort -r)
  fi
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

log "debootstrap $SUITE + postgresql-$PG_MAJOR from $MIRROR (takes ~1 min)..."
start=$SECONDS
if ! debootstrap --variant=minbase --include="postgresql-$PG_MAJOR" "$SUITE" "$ROOTFS" "$MIRROR" \
      >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  [[ -f "$ROOTFS/debootstrap/debootstrap.log" ]] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
fi
log "debootstrap done in $((SECONDS - start)) s"

# --- trim -------------------------------------------------------------------------
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/cache/debconf/*-old \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
       "$ROOTFS"/usr/share/lintian "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* \
       "$ROOTFS"/debootstrap "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
# translations (~50 MB; LANG=C.UTF-8 never uses them); keep glibc's locale.alias
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
# the Debian package's default cluster (pg_createcluster 15 main) is not used
rm -rf "$ROOTFS/var/lib/postgresql/$PG_MAJOR" "$ROOTFS/etc/postgresql/$PG_MAJOR"
# every container would otherwise share the build machine's id
: > "$ROOTFS/etc/machine-id" 2>/dev/null || true

# --- postgres image interface -----------------------------------------------------
install -m 0755 "$ENTRYPOINT" "$ROOTFS/usr/local/bin/docker-entrypoint.sh"
chroot "$ROOTFS" /bin/sh -ec '
  mkdir -p /var/run/postgresql
  chown postgres:postgres /var/run/postgresql
  chmod 2777 /var/run/postgresql
  mkdir -p /docker-entrypoint-initdb.d
  mkdir -p /var/lib/postgresql/data
  chown postgres:postgres /var/lib/postgresql/data
  chmod 700 /var/lib/postgresql/data
'
SAMPLE="$ROOTFS/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"
[[ -f "$SAMPLE" ]] || die "missing $SAMPLE"
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$SAMPLE"
grep -q "^listen_addresses = '\*'" "$SAMPLE" || die "could not set listen_addresses in $SAMPLE"
for b in postgres initdb pg_ctl psql pg_dump pg_restore; do
  [[ -x "$ROOTFS/usr/lib/postgresql/$PG_MAJOR/bin/$b" ]] || die "missing $b in image"
done

# --- import -----------------------------------------------------------------------
# docker import/commit --change do not accept STOPSIGNAL on this engine (20.10), so the
# rootfs is imported as a temporary image and the metadata is set by a tiny
# Dockerfile build (no RUN step: no extra layer, no registry access).
RAW="$REPO:raw-$HASH"
log "importing rootfs into docker..."
tar -C "$ROOTFS" --numeric-owner -c . | docker import - "$RAW" >/dev/null || die "docker import failed"
mkdir -p "$WORK/ctx"
cat > "$WORK/ctx/Dockerfile" <<DOCKERFILE
FROM $RAW
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$PG_MAJOR/bin
ENV PGDATA=/var/lib/postgresql/data
ENV LANG=C.UTF-8
ENV PG_MAJOR=$PG_MAJOR
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
EXPOSE 5432
STOPSIGNAL SIGINT
LABEL offshoot.base=true offshoot.pg_major=$PG_MAJOR offshoot.source_hash=$HASH
DOCKERFILE
log "setting image metadata as $TAG..."
if ! DOCKER_BUILDKIT=0 docker build -q --rm -t "$TAG" "$WORK/ctx" >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log" >&2
  docker rmi "$RAW" >/dev/null 2>&1 || true
  die "docker build (metadata) failed"
fi
docker rmi "$RAW" >/dev/null 2>&1 || true   # untag only; layers stay shared with $TAG
docker tag "$TAG" "$LOCAL_TAG" || die "docker tag failed"
log "built $TAG in $((SECONDS - start)) s"

printf '%s\n' "$TAG" >&3
