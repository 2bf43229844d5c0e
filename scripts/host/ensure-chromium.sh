#!/usr/bin/env bash
# Debian's Chromium and its chromedriver for the web console's browser tests (ConsoleIT): the
# tests drive /usr/bin/chromium through /usr/bin/chromedriver, and nothing downloads a browser.
# Idempotent and quiet when both are there. Run it (bash scripts/host/ensure-chromium.sh) as root.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
