"""wrong-PIN brake per till and per user

Follows 0007.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pin_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('till', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pin_failures_till'), ['till'], unique=False)
        batch_op.create_index(batch_op.f('ix_pin_failures_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pin_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pin_failures_user_id'))
        batch_op.drop_index(batch_op.f('ix_pin_failures_till'))
        batch_op.drop_column('user_id')
        batch_op.drop_column('till')
