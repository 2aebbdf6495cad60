#!/bin/sh
# First start: initdb into $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD and create
# POSTGRES_DB, on a server that listens on the local socket only. Every start: exec postgres
# listening on all of the container's addresses (the compose network; compose.yaml publishes no
# port for it). The password is read from the environment or from POSTGRES_PASSWORD_FILE, as
# the official image does, and never written to the image or a log.
set -eu

if [ "${1:-postgres}" != postgres ]; then
    exec "$@"
fi
if [ $# -gt 0 ]; then shift; fi

POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
    POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE")
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "readiness-postgres: POSTGRES_PASSWORD is empty; set it (compose.yaml passes" \
            "READINESS_DB_PASSWORD)" >&2
        exit 1
    fi
    echo "readiness-postgres: new cluster in $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
        --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    # initdb allows TCP from loopback only; the app replicas come from the compose network.
    printf '%s\n' '# compose network (readiness-postgres entrypoint)' \
        'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
    pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait --silent start
    if [ "$POSTGRES_DB" != postgres ]; then
        psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" \
            --dbname=postgres --set=db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
    fi
    pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
    echo "readiness-postgres: cluster ready"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
