#!/usr/bin/env bash
# The till's PostgreSQL rows of `make bench` (bench/pg_bench.py) on a throw-away server on
# 127.0.0.1. Where no server can be had, says so and succeeds: the SQLite rows stand alone.
set -uo pipefail
cd "$(dirname "$0")/.."
bash packaging/with-pg.sh sh -c '.venv/bin/python -m bench --pg "$SERIALPOS_TEST_PG"'
status=$?
if [ "$status" -eq 3 ]; then
  echo "PostgreSQL bench rows skipped: no server could be started here"
  exit 0
fi
exit "$status"
