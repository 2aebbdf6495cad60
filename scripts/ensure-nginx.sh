#!/usr/bin/env bash
# scripts/serve-cluster and tests/deploy run Debian's nginx (/usr/sbin/nginx), and tests/deploy
# renders compose's nginx template with envsubst (gettext-base), as the nginx image does; installs
# them if missing.
set -euo pipefail
if [ -x /usr/sbin/nginx ] && command -v envsubst >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Debian nginx and envsubst are needed by scripts/serve-cluster and tests/deploy:" \
    "run 'sudo apt-get install -y nginx gettext-base'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# nginx-light would do too; the `nginx` package is what the docs name. The package's own service
# is never started here: serve-cluster runs nginx in the foreground with its own config.
apt-get install -y -q --no-install-recommends nginx gettext-base
