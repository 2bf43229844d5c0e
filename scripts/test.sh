#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test) and integration tests (*IT) against a real
# Docker engine, installing and starting what is missing (Docker, the local Postgres image).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
# Testcontainers on this engine: no Ryuk (its image cannot be pulled), and no gateway probe
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

# the MCP interoperability test runs the official TypeScript SDK client from npm
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --prefix src/test/mcp-interop --no-audit --no-fund --loglevel=error >&2
# the Neon API test runs Neon's own clients from npm: neonctl, and what Neon's GitHub Actions run
npm ci --prefix src/test/neon-interop --no-audit --no-fund --loglevel=error >&2
# openapi.yaml is linted with Redocly's CLI (OpenApiLintIT)
npm ci --prefix src/test/openapi-lint --no-audit --no-fund --loglevel=error >&2

# the reader tests connect to branches with libpq's psql, as users do (Debian's postgresql-client)
if ! command -v psql >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
fi

# the gateway's tests connect with a third client family besides psql and pgjdbc: psycopg 3 over
# libpq (Debian's python3-psycopg, run with /usr/bin/python3); pgbench (postgresql-client) for the benchmark
if ! /usr/bin/python3 -c 'import psycopg' >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-psycopg >/dev/null
fi

# the CI recipes' scripts run as CI would: the GitLab note job with curl and jq
if ! command -v jq >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq curl >/dev/null
fi

# the web console's browser tests drive Debian's chromium through its chromedriver
bash scripts/host/ensure-chromium.sh

echo "offshoot: testing with base images $OFFSHOOT_POSTGRES_15_IMAGE (15) and $OFFSHOOT_POSTGRES_17_IMAGE (17)" >&2
exec mvn -B -ntp verify "$@"
