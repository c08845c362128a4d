"""Alembic environment: runs on the connection handed in by app.db.migrate."""

from __future__ import annotations

from alembic import context

import app.customers.models
import app.pos.models
import app.stock.models
import app.stock.session_models
import app.tickets.models
import app.users.models  # noqa: F401  (registers the tables on Base.metadata)
from app.db.base import Base

target_metadata = Base.metadata
config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through app.db.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
