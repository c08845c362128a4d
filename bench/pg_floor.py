"""The floor of the PostgreSQL sale: the same writes as `complete_sale` in plain SQL through
psycopg, one transaction, one round trip a statement, as few statements as SQL needs. It reads
the till's location, the items and the units (locked, as a till that claims them), bumps
the sale counter, inserts the sale, claims the units with one conditional UPDATE, takes
the bulk quantity with one conditional UPDATE, and inserts the ledger rows, the lines
(each table's rows in one statement) and the tender."""

from __future__ import annotations

from datetime import date

import psycopg

from app.db.types import utcnow
from app.pos.cart import CartLine


def floor_sale(
    conn: psycopg.Connection, user_id: int, location_id: int, lines: list[CartLine]
) -> None:
    now = utcnow()
    day = date.today()
    units = [ln for ln in lines if ln.unit_id is not None]
    bulk = [ln for ln in lines if ln.unit_id is None]
    total = sum(ln.unit_price * ln.qty for ln in lines)
    with conn.transaction():
        conn.execute("SELECT * FROM locations WHERE id = %s", (location_id,)).fetchall()
        item_ids = sorted({ln.item_id for ln in lines})
        conn.execute("SELECT * FROM items WHERE id = ANY(%s)", (item_ids,)).fetchall()
        states = conn.execute(
            "SELECT id, status, location_id FROM serial_units WHERE id = ANY(%s) FOR UPDATE",
            ([ln.unit_id for ln in units],),
        ).fetchall()
        row = conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'sale' RETURNING value"
        ).fetchone()
        assert row is not None
        number = f"F-{row[0]:06d}"
        row = conn.execute(
            "INSERT INTO sales (number, till, at, business_day, user_id, location_id,"
            " prices_include_tax, sale_discount_bp, subtotal, discount, tax, total, change)"
            " VALUES (%s, 'FLOOR', %s, %s, %s, %s, true, 0, %s, 0, 0, %s, 0) RETURNING id",
            (number, now, day, user_id, location_id, total, total),
        ).fetchone()
        assert row is not None
        sale_id = row[0]
        claimed = conn.execute(
            "UPDATE serial_units SET status = 'sold', location_id = NULL,"
            " customer_id = NULL, warranty_type = 'standard', warranty_start = %s,"
            " warranty_end = %s WHERE id = ANY(%s) AND status = 'in_stock'"
            " AND location_id = %s",
            (day, day, [unit_id for unit_id, _status, _loc in states], location_id),
        )
        assert claimed.rowcount == len(units)
        for ln in bulk:
            left = conn.execute(
                "UPDATE stock_levels SET qty = qty - %s WHERE item_id = %s"
                " AND location_id = %s AND qty >= %s RETURNING qty",
                (ln.qty, ln.item_id, location_id, ln.qty),
            ).fetchone()
            assert left is not None
        _insert(
            conn,
            "INSERT INTO movements (at, user_id, kind, item_id, unit_id, qty, from_status,"
            " to_status, from_location_id, document) VALUES ",
            "(%s, %s, 'sale', %s, %s, %s, %s, %s, %s, %s)",
            [
                (now, user_id, ln.item_id, ln.unit_id, ln.qty,
                 "in_stock" if ln.unit_id else None, "sold" if ln.unit_id else None,
                 location_id, number)
                for ln in lines
            ],
        )  # fmt: skip
        _insert(
            conn,
            "INSERT INTO sale_lines (sale_id, line_no, item_id, unit_id, sku, description,"
            " serial, qty, unit_price, tax_rate_bp, line_discount_bp, discount, tax, total)"
            " VALUES ",
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0, 0, 0, %s)",
            [
                (sale_id, n, ln.item_id, ln.unit_id, ln.sku, ln.name, ln.serial, ln.qty,
                 ln.unit_price, ln.unit_price * ln.qty)
                for n, ln in enumerate(lines, 1)
            ],
        )  # fmt: skip
        conn.execute(
            "INSERT INTO tenders (sale_id, kind, amount, reference) VALUES (%s, 'cash', %s, '')",
            (sale_id, total),
        )


def _insert(conn: psycopg.Connection, head: str, row: str, rows: list[tuple[object, ...]]) -> None:
    """Every row in one INSERT statement (as SQLAlchemy's insertmanyvalues sends them)."""
    conn.execute(head + ", ".join([row] * len(rows)), [v for r in rows for v in r])
