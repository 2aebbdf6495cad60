#!/usr/bin/env bash
# scripts/serve-cluster and tests/deploy run Debian's nginx (/usr/sbin/nginx); installs it if missing.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Debian nginx is needed by scripts/serve-cluster: run 'sudo apt-get install -y nginx'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# nginx-light would do too; the `nginx` package is what the docs name. The package's own service
# is never started here: serve-cluster runs nginx in the foreground with its own config.
apt-get install -y -q --no-install-recommends nginx
