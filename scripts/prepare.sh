# Sourced by run.sh and test.sh: a JDK 25 and Maven, a running Docker engine, the local
# Postgres base images of each supported major (built once, then cached by tag) exported as
# OFFSHOOT_POSTGRES_15_IMAGE and OFFSHOOT_POSTGRES_17_IMAGE (and the 15 one as OFFSHOOT_BASE_IMAGE, the
# managed metadata store's), and a reflink-capable storage path (see host/storage-volume.sh) so that the
# auto storage driver picks reflink.
source scripts/host/java-env.sh
bash scripts/host/ensure-docker.sh
OFFSHOOT_POSTGRES_15_IMAGE="$(bash scripts/image/build-pg-image.sh --major 15)"
OFFSHOOT_POSTGRES_17_IMAGE="$(bash scripts/image/build-pg-image.sh --major 17)"
OFFSHOOT_BASE_IMAGE="$OFFSHOOT_POSTGRES_15_IMAGE"
export OFFSHOOT_POSTGRES_15_IMAGE OFFSHOOT_POSTGRES_17_IMAGE OFFSHOOT_BASE_IMAGE
bash scripts/host/storage-volume.sh \
  || echo "offshoot: no reflink volume at ${OFFSHOOT_STORAGE_PATH:-/var/lib/offshoot/storage}; the auto storage driver will use overlay" >&2

# docker-compose (Debian's 1.29) for docker-compose.yml and its round trip (scripts/compose-test.sh)
install_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
}
install_docker_compose
