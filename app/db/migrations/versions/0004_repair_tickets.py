"""repair tickets: tickets, status changes, notes, charge lines; items.imei; sale lines
without an item (a ticket's charges)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:34:23.651608
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The ticket counter exists from the start, like the sale and refund ones, so two desks
    # numbering their first tickets at once both update one row.
    counters = sa.table('counters', sa.column('name', sa.String), sa.column('value', sa.Integer))
    op.bulk_insert(counters, [{'name': 'ticket', 'value': 0}])
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('touched_at', sa.DateTime(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('serial_key', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('device', sa.String(length=200), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('condition_note', sa.Text(), nullable=False),
    sa.Column('accessories', sa.String(length=200), nullable=False),
    sa.Column('estimate', sa.Integer(), nullable=True),
    sa.Column('promised', sa.Date(), nullable=True),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('under_warranty', sa.Boolean(), nullable=False),
    sa.Column('warranty_end', sa.Date(), nullable=True),
    sa.Column('passcode', sa.Text(), nullable=True),
    sa.Column('rma', sa.String(length=64), nullable=True),
    sa.Column('vendor_sent_at', sa.DateTime(), nullable=True),
    sa.Column('vendor_back_at', sa.DateTime(), nullable=True),
    sa.Column('replacement_unit_id', sa.Integer(), nullable=True),
    sa.Column('replacement_serial', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('sale_number', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_tickets_customer_id_customers')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_tickets_item_id_items')),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_tickets_opened_by_users')),
    sa.ForeignKeyConstraint(['replacement_unit_id'], ['serial_units.id'], name=op.f('fk_tickets_replacement_unit_id_serial_units')),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], name=op.f('fk_tickets_technician_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['serial_units.id'], name=op.f('fk_tickets_unit_id_serial_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('number', name=op.f('uq_tickets_number'))
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_customer_id', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_tickets_serial_key', ['serial_key'], unique=False)
        batch_op.create_index('ix_tickets_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_tickets_status_promised', ['status', 'promised'], unique=False)
        batch_op.create_index('ix_tickets_technician_status_id', ['technician_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_tickets_unit_id', ['unit_id'], unique=False)

    op.create_table('ticket_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('serial', sa.String(length=64), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('list_price', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('tax_rate_bp', sa.Integer(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_ticket_lines_approved_by_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_ticket_lines_item_id_items')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_ticket_lines_location_id_locations')),
    sa.ForeignKeyConstraint(['removed_by'], ['users.id'], name=op.f('fk_ticket_lines_removed_by_users')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_lines_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['unit_id'], ['serial_units.id'], name=op.f('fk_ticket_lines_unit_id_serial_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_lines_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_lines'))
    )
    with op.batch_alter_table('ticket_lines', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_lines_ticket', ['ticket_id', 'id'], unique=False)
        batch_op.create_index('ix_ticket_lines_unit', ['unit_id'], unique=False)

    op.create_table('ticket_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('for_customer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_notes_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_notes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_notes'))
    )
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_notes_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('ticket_status_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_ticket_status_changes_ticket_id_tickets')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ticket_status_changes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_status_changes'))
    )
    with op.batch_alter_table('ticket_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_status_changes_ticket', ['ticket_id', 'id'], unique=False)

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imei', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.alter_column('item_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE name = 'ticket'")
    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.alter_column('item_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('imei')

    with op.batch_alter_table('ticket_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_status_changes_ticket')

    op.drop_table('ticket_status_changes')
    with op.batch_alter_table('ticket_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_notes_ticket')

    op.drop_table('ticket_notes')
    with op.batch_alter_table('ticket_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_lines_unit')
        batch_op.drop_index('ix_ticket_lines_ticket')

    op.drop_table('ticket_lines')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_unit_id')
        batch_op.drop_index('ix_tickets_technician_status_id')
        batch_op.drop_index('ix_tickets_status_promised')
        batch_op.drop_index('ix_tickets_status_id')
        batch_op.drop_index('ix_tickets_serial_key')
        batch_op.drop_index('ix_tickets_customer_id')

    op.drop_table('tickets')
