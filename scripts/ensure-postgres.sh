#!/usr/bin/env bash
# tests/store and bench/store.py start a throwaway PostgreSQL server on loopback from Debian's
# binaries (/usr/lib/postgresql/<version>/bin, through scripts/pgtemp.py); installs them if missing.
set -euo pipefail
for bin in /usr/lib/postgresql/*/bin/postgres; do
  if [ -x "$bin" ] && [ -x "$(dirname "$bin")/initdb" ]; then
    exit 0
  fi
done
if [ "$(id -u)" != "0" ]; then
  echo "Debian PostgreSQL is needed by tests/store and bench/store.py:" \
    "run 'sudo apt-get install -y postgresql'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# No "main" cluster, so installing starts no server: the tests run their own in a temporary
# directory, as the `postgres` system user the package creates. (Kept if the file exists.)
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
fi
apt-get update -q
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold postgresql
