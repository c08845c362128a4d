"""bundles (kits of component items), bundle parts and price overrides on sale lines

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bundle_components',
    sa.Column('bundle_item_id', sa.Integer(), nullable=False),
    sa.Column('component_item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.CheckConstraint('qty >= 1 AND qty <= 99', name=op.f('ck_bundle_components_bundle_qty_range')),
    sa.CheckConstraint('bundle_item_id <> component_item_id', name=op.f('ck_bundle_components_bundle_not_itself')),
    sa.ForeignKeyConstraint(['bundle_item_id'], ['items.id'], name=op.f('fk_bundle_components_bundle_item_id_items')),
    sa.ForeignKeyConstraint(['component_item_id'], ['items.id'], name=op.f('fk_bundle_components_component_item_id_items')),
    sa.PrimaryKeyConstraint('bundle_item_id', 'component_item_id', name=op.f('pk_bundle_components'))
    )
    with op.batch_alter_table('bundle_components', schema=None) as batch_op:
        batch_op.create_index('ix_bundle_components_component', ['component_item_id'], unique=False)

    # Plain ALTER TABLE ADD COLUMN: recreating sale_lines would drop a table that
    # refund_lines points at.
    with op.batch_alter_table('sale_lines', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('bundle_line_no', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bundle_share', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('bundle_share_tax', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('list_price', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sale_lines', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('list_price')
        batch_op.drop_column('bundle_share_tax')
        batch_op.drop_column('bundle_share')
        batch_op.drop_column('bundle_line_no')

    with op.batch_alter_table('bundle_components', schema=None) as batch_op:
        batch_op.drop_index('ix_bundle_components_component')

    op.drop_table('bundle_components')
