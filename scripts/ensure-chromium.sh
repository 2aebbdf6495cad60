#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright; never `playwright install` (offline).
set -euo pipefail
if [ -x /usr/bin/chromium ] && command -v pdftoppm >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Debian chromium and poppler-utils are needed by the tests: run 'sudo apt-get install -y chromium poppler-utils'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core poppler-utils
