"""counts, expected deliveries, receiving supplier, audit by subject

Follows 0004.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:36:51.745014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('count_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('found', sa.Integer(), nullable=False),
    sa.Column('unexpected', sa.Integer(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('applied_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['applied_by'], ['users.id'], name=op.f('fk_count_sessions_applied_by_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_count_sessions_location_id_locations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_count_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_sessions'))
    )
    op.create_table('count_quantities',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_count_quantities_item_id_items')),
    sa.ForeignKeyConstraint(['session_id'], ['count_sessions.id'], name=op.f('fk_count_quantities_session_id_count_sessions')),
    sa.PrimaryKeyConstraint('session_id', 'item_id', name=op.f('pk_count_quantities'))
    )
    op.create_table('expected_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('supplier', sa.String(length=120), nullable=True),
    sa.Column('cost', sa.Integer(), nullable=True),
    sa.Column('supplier_warranty_days', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('ticked', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['receiving_batches.id'], name=op.f('fk_expected_deliveries_batch_id_receiving_batches')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_expected_deliveries_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_expected_deliveries_location_id_locations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expected_deliveries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_deliveries'))
    )
    op.create_table('count_scans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('serial_key', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['count_sessions.id'], name=op.f('fk_count_scans_session_id_count_sessions')),
    sa.ForeignKeyConstraint(['unit_id'], ['serial_units.id'], name=op.f('fk_count_scans_unit_id_serial_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_scans'))
    )
    with op.batch_alter_table('count_scans', schema=None) as batch_op:
        batch_op.create_index('ix_count_scans_session_key', ['session_id', 'serial_key'], unique=False)
        batch_op.create_index('ix_count_scans_session_unit', ['session_id', 'unit_id'], unique=False)

    op.create_table('expected_serials',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('serial_key', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('asset_tag', sa.String(length=64), nullable=True),
    sa.Column('cost', sa.Integer(), nullable=True),
    sa.Column('ticked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['expected_deliveries.id'], name=op.f('fk_expected_serials_delivery_id_expected_deliveries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_serials')),
    sa.UniqueConstraint('delivery_id', 'serial_key', name='uq_expected_serials_delivery_key')
    )
    with op.batch_alter_table('expected_serials', schema=None) as batch_op:
        batch_op.create_index('ix_expected_serials_delivery_position', ['delivery_id', 'position'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_subject'), ['subject'], unique=False)

    with op.batch_alter_table('receiving_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier', sa.String(length=120), nullable=True))



def downgrade() -> None:
    # A plain ALTER TABLE DROP COLUMN (SQLite 3.35+): recreating receiving_batches would
    # drop a table other tables' foreign keys point at, which SQLite refuses.
    with op.batch_alter_table('receiving_batches', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('supplier')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_subject'))

    with op.batch_alter_table('expected_serials', schema=None) as batch_op:
        batch_op.drop_index('ix_expected_serials_delivery_position')

    op.drop_table('expected_serials')
    with op.batch_alter_table('count_scans', schema=None) as batch_op:
        batch_op.drop_index('ix_count_scans_session_unit')
        batch_op.drop_index('ix_count_scans_session_key')

    op.drop_table('count_scans')
    op.drop_table('expected_deliveries')
    op.drop_table('count_quantities')
    op.drop_table('count_sessions')
