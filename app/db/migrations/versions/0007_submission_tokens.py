"""submission tokens (a receiving dialog's submission is saved once); open carts

Follows 0006 (bundles).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('submission_tokens',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['receiving_batches.id'], name=op.f('fk_submission_tokens_batch_id_receiving_batches')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_submission_tokens_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_submission_tokens_location_id_locations')),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_submission_tokens'))
    )
    op.create_table('open_carts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('cart', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_open_carts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_carts')),
    sa.UniqueConstraint('till', 'user_id', name='uq_open_carts_till_user')
    )


def downgrade() -> None:
    op.drop_table('open_carts')
    op.drop_table('submission_tokens')
