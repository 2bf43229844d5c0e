#!/usr/bin/env bash
# The docker-compose round trip, as CI runs it (ComposeIT calls this script; it also runs alone):
# build the image and bring docker-compose.yml up under a unique project name and unique ports,
# create a template from samples/ (REST) and a branch through the CLI, connect with psql through the
# gateway (TLS, the branch named in options, as the connection string says), delete
# both, `down -v`, and fail if anything of this run is left: containers, volumes, networks of the
# project, containers or images labelled with its instance id, the service image.
#
# Needs: Docker, docker-compose (scripts/prepare.sh installs it), psql, the jar (mvn package).
# Env: OFFSHOOT_COMPOSE_SCRAPE=FILE also saves one /actuator/prometheus scrape there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'compose-test: %s\n' "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

command -v docker-compose >/dev/null || die "docker-compose is not installed (source scripts/prepare.sh)"
ls target/offshoot-*.jar >/dev/null 2>&1 || die "no target/offshoot-*.jar: run mvn -DskipTests package first"
jar="$(ls target/offshoot-*.jar | grep -v -- '-plain.jar' | head -n1)"
pg_image="${OFFSHOOT_POSTGRES_15_IMAGE:-$(bash scripts/image/build-pg-image.sh --major 15)}"
pg17_image="${OFFSHOOT_POSTGRES_17_IMAGE:-$(bash scripts/image/build-pg-image.sh --major 17)}"
jre_image="$(bash scripts/image/build-jre-image.sh)"

run_id="$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
project="offshoot-ct-$run_id"
instance="ct$run_id"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
metadata_port="$(free_port)"
gateway_port="$(free_port)"
work="$(mktemp -d /tmp/offshoot-ct.XXXXXX)"
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
started=$SECONDS

mkdir -p "$work/storage"
chown 10001:10001 "$work/storage" 2>/dev/null || chmod 0777 "$work/storage"
(umask 077; cat > "$work/env" <<ENV
OFFSHOOT_ADMIN_TOKEN=$token
OFFSHOOT_METADATA_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
DOCKER_GID=$(stat -c %g /var/run/docker.sock)
OFFSHOOT_IMAGE=$project:test
OFFSHOOT_POSTGRES_IMAGE=$pg_image
OFFSHOOT_JRE_IMAGE=$jre_image
OFFSHOOT_POSTGRES_15_IMAGE=$pg_image
OFFSHOOT_POSTGRES_17_IMAGE=$pg17_image
OFFSHOOT_PORT=$port
OFFSHOOT_METADATA_PORT=$metadata_port
OFFSHOOT_GATEWAY_PORT=$gateway_port
OFFSHOOT_STORAGE_PATH=$work/storage
OFFSHOOT_ENV_FILE=$work/env
OFFSHOOT_INSTANCE_ID=$instance
ENV
)
compose() { docker-compose --project-name "$project" --env-file "$work/env" -f docker-compose.yml "$@"; }

leftovers() {
  {
    docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker volume ls -q --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "label=com.docker.compose.project=$project"
    docker ps -aq --filter "label=offshoot.instance=$instance"
    docker images -q --filter "label=offshoot.instance=$instance"
    docker images -q "$project"
  } 2>/dev/null | sort -u
}
finish() {
  local rc=$?
  if (( rc != 0 )); then
    log "service log (tail):"; compose logs --no-color --tail=60 offshoot >&2 2>/dev/null || true
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    docker rm -f $(docker ps -aq --filter "label=offshoot.instance=$instance") >/dev/null 2>&1 || true
    docker rmi -f $(docker images -q --filter "label=offshoot.instance=$instance") "$project:test" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap finish EXIT

log "project $project: service on :$port, gateway on :$gateway_port, metadata on :$metadata_port"
DOCKER_BUILDKIT=0 compose build --build-arg "JAR=$jar" offshoot >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; die "image build"; }
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; die "docker-compose up"; }

url="http://127.0.0.1:$port"
deadline=$((SECONDS + 120))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/actuator/health/readiness")" == 200 ]]; do
  (( SECONDS < deadline )) || die "the service was not ready within 120 s"
  sleep 1
done
container="$(compose ps -q offshoot)"
deadline=$((SECONDS + 60))
until [[ "$(docker inspect -f '{{.State.Health.Status}}' "$container")" == healthy ]]; do
  (( SECONDS < deadline )) || die "the image's HEALTHCHECK did not report healthy within 60 s"
  sleep 1
done
[[ "$(docker inspect -f '{{.Config.User}}' "$container")" == 10001:10001 ]] || die "the service does not run as 10001"
[[ "$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.title"}}' "$project:test")" == offshoot ]] \
  || die "the image has no OCI title label"
log "ready and healthy after $((SECONDS - started)) s"

auth="Authorization: Bearer $token"
curl -sSf -H "$auth" -F name=ct -F database=pagila -F file=@samples/pagila/pagila-schema.sql \
  "$url/api/v1/templates" >/dev/null || die "template from samples/pagila"

export OFFSHOOT_URL="$url" OFFSHOOT_TOKEN="$token" OFFSHOOT_CONFIG="$work/cli.json" OFFSHOOT_JAR="$jar"
scripts/offshoot branch create ct-1 --template ct --label repo=offshoot/compose-test --label pr=1 >&2 \
  || die "offshoot branch create"
scripts/offshoot connection-string ct-1 --env-file "$work/db.env" >&2 || die "offshoot connection-string"
database_url="$(sed -n 's/^DATABASE_URL=//p' "$work/db.env")"
[[ "$(psql "$database_url" -Atc "SELECT count(*) FROM information_schema.tables WHERE table_name = 'film'")" == 1 ]] \
  || die "the branch has no Pagila film table"
# the first migrations of the sample set (V006 drops a column, which the default policy refuses)
mkdir -p "$work/migrations" && cp samples/migrations/V00[1-5]__*.sql "$work/migrations/"
scripts/offshoot migrate apply ct-1 "$work/migrations" >&2 || die "offshoot migrate apply"
scripts/offshoot diff ct-1 >"$work/diff.txt" || die "offshoot diff"
grep -q api_review "$work/diff.txt" || die "offshoot diff does not show the migrated table"
log "branch created, connected, migrated after $((SECONDS - started)) s"

if [[ -n "${OFFSHOOT_COMPOSE_SCRAPE:-}" ]]; then
  curl -sSf -H "$auth" "$url/actuator/prometheus" >"$OFFSHOOT_COMPOSE_SCRAPE" || die "prometheus scrape"
fi

scripts/offshoot branch delete ct-1 >&2 || die "offshoot branch delete"
curl -sSf -X DELETE -H "$auth" "$url/api/v1/templates/ct" >/dev/null || die "template delete"
compose down -v --remove-orphans >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; die "docker-compose down"; }
docker rmi "$project:test" >/dev/null || die "removing the service image"

left="$(leftovers)"
[[ -z "$left" ]] || die "left behind: $(echo $left)"
log "round trip done in $((SECONDS - started)) s, nothing left behind"
