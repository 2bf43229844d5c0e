#!/usr/bin/env bash
# Load figures, not a timed test: runs LoadIT with more operations (throughput and p50/p95/p99
# latency per operation), then BulkDeleteRun (200 live branches deleted 20 and 50 at a time, with
# thread dumps taken meanwhile: target/bulk-delete-threads.txt).
#   scripts/load.sh [operations] [clients] [names]     defaults: 1000 50 20
# Set LOAD_ONLY=1 to skip the bulk delete.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

ops="${1:-1000}" clients="${2:-50}" names="${3:-20}"
tests="LoadIT"
[[ "${LOAD_ONLY:-}" == 1 ]] || tests="LoadIT,BulkDeleteRun"
log="target/load-$(date +%Y%m%d-%H%M%S).log"
mkdir -p target
mvn -B -ntp verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$tests" \
  -Doffshoot.load.ops="$ops" -Doffshoot.load.clients="$clients" -Doffshoot.load.names="$names" >"$log" 2>&1 \
  || { echo "offshoot: load run failed; see $log" >&2; tail -40 "$log" >&2; exit 1; }
# the tables and timings the tests print
grep -E '^(CREATE|FORK|GET|LIST|RESET|SQL|MIGRATE|DELETE|op) |calls in|at a time|^pool active' "$log"
