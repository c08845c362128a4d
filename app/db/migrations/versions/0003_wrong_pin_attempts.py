"""wrong PIN attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:34:25.536506
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('pin_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pin_failures'))
    )
    with op.batch_alter_table('pin_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pin_failures_at'), ['at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('pin_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pin_failures_at'))

    op.drop_table('pin_failures')

