#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for tests (PostgreSQL refuses to run as root, so it runs
# as the `postgres` user) and prints its URL. `scripts/postgres.sh stop DIR` stops it.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 1; }
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "${1:-}" = stop ]; then run "$bin/pg_ctl -D '$2' -m fast stop" >/dev/null; exit 0; fi
dir=$(mktemp -d /tmp/kontera-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=${PGPORT_TEST:-$((20000 + RANDOM % 20000))}
run "$bin/initdb -D '$dir/data' -U kontera --auth=trust >/dev/null"
run "$bin/pg_ctl -D '$dir/data' -l '$dir/log' -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -w start" >/dev/null
echo "PG_DIR=$dir/data"
echo "PG_URL=postgresql://kontera@127.0.0.1:$port/postgres"
