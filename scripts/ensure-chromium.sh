#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through playwright-core; Playwright's own browser downloads
# cannot reach the network here, so a fresh machine (CI runs as root) gets it from apt instead.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version
