#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on 127.0.0.1, its URL in
# SERIALPOS_TEST_PG; the server and its data folder are gone afterwards, however the
# command ends. Exit 3 when no server can be had here (not root, no packages): the caller
# decides what that means. Used by the PostgreSQL test pass and by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SERIALPOS_PG_PORT:-54329}
bash packaging/ensure-debs.sh postgresql >/dev/null 2>&1 || true
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ] || [ "$(id -u)" -ne 0 ] || ! id postgres >/dev/null 2>&1; then
  echo "with-pg: no PostgreSQL server available here" >&2
  exit 3
fi
DATA=$(mktemp -d /tmp/serialpos-pg.XXXXXX)
chown postgres "$DATA"
cleanup() { su postgres -c "$BIN/pg_ctl -D $DATA -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT
su postgres -c "$BIN/initdb -D $DATA --auth=trust -U postgres" >/dev/null
su postgres -c "$BIN/pg_ctl -D $DATA -l $DATA/log -w -o '-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
export SERIALPOS_TEST_PG="postgresql://postgres@127.0.0.1:$PORT/postgres"
"$@"
