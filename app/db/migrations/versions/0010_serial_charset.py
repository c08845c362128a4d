"""items.serial_charset: what an item's serials may contain, decided per item

"ascii" (printable ASCII, what every item accepted until now and the default), "upper"
(A-Z and 0-9) or "digits" (0-9); app.stock.serial_charsets checks it at every entry.
Existing items get "ascii", so they accept exactly what they did before.

Follows 0009.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "serial_charset", sa.String(length=16), server_default="ascii", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("serial_charset")
