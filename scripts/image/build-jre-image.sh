#!/usr/bin/env bash
# Build a local Java 25 runtime image to use as the Dockerfile's BASE when no registry is
# reachable: a Debian bookworm minbase rootfs (debootstrap, as build-pg-image.sh does) plus a
# jlink runtime made from the installed JDK 25 with the modules the service needs.
#
# stdout: ONLY the image tag, offshoot/jre:25-<12 hex of sha256(this script + the JDK's release file)>
# stderr: logs. Idempotent: if the tag exists locally, prints it and exits at once.
set -euo pipefail

exec 3>&1 1>&2   # everything goes to stderr except the final tag (fd 3)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")"
JDK="${OFFSHOOT_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
REPO="offshoot/jre"
SUITE="bookworm"
# What the service uses: Spring (java.desktop for java.beans, java.instrument, java.management for
# actuator), JDBC (java.sql, java.naming, java.security.jgss/sasl for the driver), the CLI's
# java.net.http, Netty-free docker-java (jdk.unsupported), DNS (jdk.naming.dns), JFR for diagnostics,
# jdk.zipfs for the nested jar launcher, and jdk.crypto.* for TLS to an external metadata store.
MODULES="java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,\
java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,\
java.sql,java.transaction.xa,java.xml,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.management,\
jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs,jdk.localedata"

log() { printf 'build-jre-image: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -x "$JDK/bin/jlink" ]] || die "no jlink in $JDK (set OFFSHOOT_JLINK_JDK to a JDK 25)"
HASH="$(cat "$SELF" "$JDK/release" | sha256sum | cut -c1-12)"
TAG="$REPO:25-$HASH"

bash "$SCRIPT_DIR/../host/ensure-docker.sh" || die "docker is not available"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  printf '%s\n' "$TAG" >&3
  exit 0
fi
[[ $EUID -eq 0 ]] || die "building the image needs root (debootstrap)"

source "$SCRIPT_DIR/debian-mirror.sh"
MIRROR="$(find_mirror "$SUITE")" || die "no Debian '$SUITE' mirror found in /etc/apt/sources.list{,.d/*}"
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq debootstrap >/dev/null || die "apt-get install debootstrap failed"
fi

WORK="$(mktemp -d /var/tmp/offshoot-jre.XXXXXX)"
ROOTFS="$WORK/rootfs"
cleanup() {
  local m
  if [[ -d "$ROOTFS" ]]; then
    while read -r m; do umount -l "$m" 2>/dev/null || true
    done < <(awk -v r="$ROOTFS" 'index($2, r"/") == 1 { print $2 }' /proc/mounts | sort -r)
  fi
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

start=$SECONDS
log "debootstrap $SUITE minbase from $MIRROR (about 1 min)..."
if ! debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  die "debootstrap failed"
fi
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/usr/share/doc/* \
       "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log \
       "$ROOTFS"/var/log/apt/* "$ROOTFS"/debootstrap "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
find "$ROOTFS/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
: > "$ROOTFS/etc/machine-id" 2>/dev/null || true

log "jlink runtime from $JDK..."
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$ROOTFS/opt/java" || die "jlink failed"
"$ROOTFS/opt/java/bin/java" -version >/dev/null 2>&1 || die "the jlink runtime does not start"

RAW="$REPO:raw-$HASH"
tar -C "$ROOTFS" --numeric-owner -c . | docker import - "$RAW" >/dev/null || die "docker import failed"
mkdir -p "$WORK/ctx"
cat > "$WORK/ctx/Dockerfile" <<DOCKERFILE
FROM $RAW
ENV JAVA_HOME=/opt/java LANG=C.UTF-8
ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL offshoot.base=jre offshoot.source_hash=$HASH
# a jlink image of the OpenJDK (Temurin) on Debian: the JDK's licence (this script is Apache-2.0)
LABEL org.opencontainers.image.title="offshoot-jre" org.opencontainers.image.version="25" \\
      org.opencontainers.image.description="Java 25 runtime (jlink) on Debian bookworm, built by Offshoot's scripts/image/build-jre-image.sh" \\
      org.opencontainers.image.licenses="GPL-2.0-only WITH Classpath-exception-2.0" org.opencontainers.image.vendor="Offshoot"
DOCKERFILE
if ! DOCKER_BUILDKIT=0 docker build -q --rm -t "$TAG" "$WORK/ctx" >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log" >&2
  docker rmi "$RAW" >/dev/null 2>&1 || true
  die "docker build (metadata) failed"
fi
docker rmi "$RAW" >/dev/null 2>&1 || true
log "built $TAG in $((SECONDS - start)) s"
printf '%s\n' "$TAG" >&3
