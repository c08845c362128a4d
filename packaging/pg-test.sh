#!/usr/bin/env bash
# Runs the store, stock and POS tests against a throw-away PostgreSQL server on 127.0.0.1.
# Exit 3 when no server can be had here (not root, no packages): the caller decides.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${SERIALPOS_PG_PORT:-54329}
bash packaging/ensure-debs.sh postgresql >/dev/null 2>&1 || true
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ] || [ "$(id -u)" -ne 0 ] || ! id postgres >/dev/null 2>&1; then
  echo "pg-test: no PostgreSQL server available here; skipped" >&2
  exit 3
fi
DATA=$(mktemp -d /tmp/serialpos-pg.XXXXXX)
chown postgres "$DATA"
cleanup() { su postgres -c "$BIN/pg_ctl -D $DATA -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT
su postgres -c "$BIN/initdb -D $DATA --auth=trust -U postgres" >/dev/null
su postgres -c "$BIN/pg_ctl -D $DATA -l $DATA/log -w -o '-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
export SERIALPOS_TEST_PG="postgresql://postgres@127.0.0.1:$PORT/postgres"
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -n 2 -q tests/integration tests/unit/test_users.py
