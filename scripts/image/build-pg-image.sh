#!/usr/bin/env bash
# Build a local PostgreSQL image of one major from Debian packages (debootstrap + docker import),
# with the official "postgres" image's interface (env vars, entrypoint, port, stop signal).
# Majors: 15 (Debian 12 bookworm's postgresql-15, the default) and 17 (Debian 13 trixie's postgresql-17).
#
# PostgreSQL comes from the suite, its -updates and its -security archive, so a security release
# is in the image as soon as Debian publishes it.
#
# stdout: ONLY the image tag, offshoot/postgres:<major>-<12 hex of sha256(script hash, package version)>,
#   where the script hash covers this script, the entrypoint and debian-mirror.sh, and the package
#   version is the postgresql-<major> version the Debian package index names now (asked on every run,
#   through apt with a private state directory, OFFSHOOT_APT_CACHE, default /var/cache/offshoot/apt).
#   A new PostgreSQL package version is a new tag, so the next run builds it.
# stderr: logs. Idempotent: if the tag exists locally, prints it and exits at once.
# When the index cannot be read (offline), the last index read is used, and without one the newest
# image this script built for that major. Also tags offshoot/postgres:<major>-local.
#
#   --major N    the PostgreSQL major: 15 (default) or 17
#   --print-tag  print the tag this run would use, build nothing
#   --refresh    build again even if the tag exists (e.g. for a security release of a library
#                PostgreSQL uses, such as OpenSSL); the tag then names the new image
# OFFSHOOT_PG_PACKAGE_VERSION=<version> takes that version instead of asking the index (tests).
set -euo pipefail

exec 3>&1 1>&2   # everything goes to stderr except the final tag (fd 3)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
ENTRYPOINT="$SCRIPT_DIR/docker-entrypoint.sh"
REPO="offshoot/postgres"
PG_MAJOR=15

log() { printf 'build-pg-image: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PRINT_TAG=0
REFRESH=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --print-tag) PRINT_TAG=1 ;;
    --refresh) REFRESH=1 ;;
    --major) [[ $# -ge 2 ]] || die "--major needs a value (15 or 17)"; PG_MAJOR="$2"; shift ;;
    --major=*) PG_MAJOR="${1#--major=}" ;;
    *) die "unknown argument '$1' (known: --major N, --print-tag, --refresh)" ;;
  esac
  shift
done

# The Debian release whose own archive ships postgresql-<major> (no apt.postgresql.org).
case "$PG_MAJOR" in
  15) SUITE="bookworm" ;;
  17) SUITE="trixie" ;;
  *) die "unsupported major '$PG_MAJOR' (supported: 15 = Debian 12 bookworm, 17 = Debian 13 trixie)" ;;
esac

[[ -f "$ENTRYPOINT" ]] || die "missing $ENTRYPOINT"

SCRIPT_HASH="$( { cat "$SELF" "$ENTRYPOINT" "$SCRIPT_DIR/debian-mirror.sh"; printf 'major %s\n' "$PG_MAJOR"; } \
  | sha256sum | cut -c1-12)"
LOCAL_TAG="$REPO:$PG_MAJOR-local"
APT_DIR="${OFFSHOOT_APT_CACHE:-/var/cache/offshoot/apt}/$SUITE"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/nonexistent
          -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache" -o Dir::State::status=/dev/null
          -o Acquire::Languages=none -o Acquire::http::Timeout=10 -o Acquire::Retries=0)

# --- where PostgreSQL comes from: this machine's apt sources (never hard-coded) ---------
source "$SCRIPT_DIR/debian-mirror.sh"

# The apt sources of the suite, its -updates and its -security archive, one deb line each.
apt_sources() {
  local suite uri
  [[ -n "$MIRROR" ]] || return 1
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE"
  for suite in "$SUITE-updates" "$SUITE-security"; do
    if uri="$(find_mirror_for "$suite")"; then
      printf 'deb %s %s main\n' "$uri" "$suite"
    else
      log "WARNING: no '$suite' apt source on this machine: its releases are not picked up"
    fi
  done
}

# The postgresql-$PG_MAJOR version the package index names now; the last index read when it
# cannot be read; nothing without one.
package_version() {
  if [[ -n "${OFFSHOOT_PG_PACKAGE_VERSION:-}" ]]; then
    printf '%s\n' "$OFFSHOOT_PG_PACKAGE_VERSION"
    return 0
  fi
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" 2>/dev/null || return 0
  [[ -n "$SOURCES" ]] && printf '%s\n' "$SOURCES" > "$APT_DIR/sources.list"
  apt-get "${APT_OPTS[@]}" -qq --error-on=any update >/dev/null 2>&1 \
    || log "could not read the Debian package index; using the last one read, if any"
  apt-cache "${APT_OPTS[@]}" policy "postgresql-$PG_MAJOR" 2>/dev/null \
    | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# The newest image this script (by its hash) built, for when no version is known.
cached_image() {
  docker images --filter "label=offshoot.script_hash=$SCRIPT_HASH" --format '{{.Repository}}:{{.Tag}}' \
    | grep -v '<none>' | head -n 1 | grep .
}

MIRROR="$(find_mirror_for "$SUITE" || true)"
SOURCES="$(apt_sources || true)"
VERSION="$(package_version)"
if [[ -n "$VERSION" ]]; then
  HASH="$(printf '%s %s\n' "$SCRIPT_HASH" "$VERSION" | sha256sum | cut -c1-12)"
  TAG="$REPO:$PG_MAJOR-$HASH"
  log "postgresql-$PG_MAJOR $VERSION: $TAG"
  if [[ $PRINT_TAG -eq 1 ]]; then
    printf '%s\n' "$TAG" >&3
    exit 0
  fi
fi

bash "$SCRIPT_DIR/../host/ensure-docker.sh" || die "docker is not available"

if [[ -z "$VERSION" ]]; then
  TAG="$(cached_image)" \
    || die "the Debian package index cannot be read and no image of this script is cached: connect to the mirror once"
  log "the Debian package index cannot be read: using the cached $TAG"
  [[ $PRINT_TAG -eq 1 ]] || docker tag "$TAG" "$LOCAL_TAG" >/dev/null 2>&1 || true
  printf '%s\n' "$TAG" >&3
  exit 0
fi

if [[ $REFRESH -eq 0 ]] && docker image inspect "$TAG" >/dev/null 2>&1; then
  # make sure the convenience tag follows the current build
  docker tag "$TAG" "$LOCAL_TAG" >/dev/null 2>&1 || true
  printf '%s\n' "$TAG" >&3
  exit 0
fi

[[ $EUID -eq 0 ]] || die "building the image needs root (debootstrap)"

[[ -n "$SOURCES" ]] || die "no Debian '$SUITE' mirror found in /etc/apt/sources.list{,.d/*}"

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

# --- updates and security releases: debootstrap reads the suite alone ----------------
log "upgrading from $SUITE-updates and $SUITE-security..."
printf '%s\n' "$SOURCES" > "$ROOTFS/etc/apt/sources.list"
cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"   # start no service in the chroot
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOTFS/proc"
if ! { chroot "$ROOTFS" apt-get -qq update && DEBIAN_FRONTEND=noninteractive chroot "$ROOTFS" \
      apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade; } >"$WORK/upgrade.log" 2>&1; then
  tail -n 30 "$WORK/upgrade.log" >&2
  die "apt-get upgrade in the image failed"
fi
umount "$ROOTFS/proc"
rm -f "$ROOTFS/usr/sbin/policy-rc.d"
INSTALLED="$(chroot "$ROOTFS" dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR")"
[[ "$INSTALLED" == "$VERSION" ]] \
  || log "WARNING: the index named postgresql-$PG_MAJOR $VERSION, the image has $INSTALLED (the index moved on; the next run builds again)"

# --- trim -------------------------------------------------------------------------
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/cache/debconf/*-old \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
       "$ROOTFS"/usr/share/lintian "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* \
       "$ROOTFS"/debootstrap "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
# translations (~50 MB; LANG=C.UTF-8 never uses them); keep glibc's locale.alias
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
# the Debian package's default cluster (pg_createcluster <major> main) is not used
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
LABEL offshoot.base=true offshoot.pg_major=$PG_MAJOR offshoot.source_hash=$HASH offshoot.script_hash=$SCRIPT_HASH offshoot.pg_version=$INSTALLED
# what the image holds is Debian's PostgreSQL packages, under the PostgreSQL licence (this script is Apache-2.0)
LABEL org.opencontainers.image.title="offshoot-postgres" org.opencontainers.image.version="$INSTALLED" \\
      org.opencontainers.image.description="PostgreSQL $PG_MAJOR from Debian packages, built by Offshoot's scripts/image/build-pg-image.sh" \\
      org.opencontainers.image.licenses="PostgreSQL" org.opencontainers.image.vendor="Offshoot"
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
