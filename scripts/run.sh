#!/usr/bin/env bash
# Runs the service on http://localhost:${OFFSHOOT_PORT:-8080}, installing and starting what is
# missing (Docker, the local Postgres image). Without spring.datasource.* it runs its own
# metadata Postgres container. The admin token is OFFSHOOT_ADMIN_TOKEN, or one generated once
# into ~/.offshoot/admin-token.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh

if [[ -z "${OFFSHOOT_ADMIN_TOKEN:-}" ]]; then
  token_file="$HOME/.offshoot/admin-token"
  if [[ ! -s "$token_file" ]]; then
    mkdir -p "$(dirname "$token_file")"
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$token_file")
  fi
  OFFSHOOT_ADMIN_TOKEN="$(cat "$token_file")"
  echo "offshoot: admin token in $token_file (export OFFSHOOT_TOKEN=\$(cat $token_file))" >&2
fi
export OFFSHOOT_ADMIN_TOKEN

mvn -B -ntp -q -DskipTests package
exec java -jar target/offshoot-*.jar "$@"
