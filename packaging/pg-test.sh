#!/usr/bin/env bash
# Runs the store, stock and POS tests against a throw-away PostgreSQL server on 127.0.0.1.
# Exit 3 when no server can be had here (not root, no packages): the caller decides.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash packaging/with-pg.sh env QT_QPA_PLATFORM=offscreen \
  .venv/bin/python -m pytest -n 2 -q tests/integration tests/unit/test_users.py
