#!/usr/bin/env bash
# The benchmark (src/bench/java, Maven profile bench): prints a table of create, warm-pool claim,
# first write, branch of a branch, reset, migration check and idle cost per storage driver, beside
# a raw `docker run` and CREATE DATABASE ... STRATEGY FILE_COPY. Not a timed test: nothing fails on
# a slow figure. See docs/benchmark.md.
#   BENCH_N=10 BENCH_SIZE_MB=1024 BENCH_TINY_MB=8 BENCH_DRIVERS=overlay,reflink BENCH_ROWS=all scripts/bench.sh
# BENCH_ROWS picks groups: create,pool,peers,write,fork,reset,check,tuning,idle,gateway,density;
# BENCH_DENSITY the branch counts of the density rows (100,1000; all but 10 suspended). The full log is
# kept in target/bench-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

# the gateway rows drive pgbench (postgresql-client), and relay it through socat for the floor of
# any proxy on this machine
for tool in pgbench:postgresql-client socat:socat; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool#*:}" >/dev/null
  fi
done

log="target/bench-$(date +%Y%m%d-%H%M%S).log"
mkdir -p target
echo "offshoot: benchmark running (log: $log)" >&2
mvn -B -ntp -q -Pbench test-compile exec:exec >"$log" 2>&1 \
  || { echo "offshoot: benchmark failed; see $log" >&2; tail -40 "$log" >&2; exit 1; }
# the machine, the table and its notes
sed -n '/^machine:/p; /^N=/,$p' "$log" | sed 's/\x1b\[[0-9;]*m//g'
