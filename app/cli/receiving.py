"""`receive`: serials from a list, a range, a CSV file or the item's scheme, or a quantity."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from app import config
from app.cli.common import (
    ArgumentParser,
    Subcommands,
    acting_user,
    add_listing,
    parse_amount,
    whole_number,
)
from app.db.uow import Store
from app.errors import InvalidInput, NotFound
from app.stock import serials
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.serial_csv import parse_csv

MAX_CSV_BYTES = 20_000_000


def read_text_file(path: str, what: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise NotFound(f"{what} {path!r} not found")
    if file.stat().st_size > MAX_CSV_BYTES:
        raise InvalidInput(f"{what} {path!r} is larger than {MAX_CSV_BYTES // 1_000_000} MB")
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path!r} is not UTF-8 text") from None


def _entries(args: argparse.Namespace, limit: int) -> tuple[list[serials.SerialEntry], str]:
    if args.serials is not None:
        text = sys.stdin.read(serials.MAX_INPUT_CHARS + 1) if args.serials == "-" else args.serials
        return serials.parse_list(text), "list"
    if args.range is not None:
        return serials.parse_range(args.range, limit=limit), "range"
    return parse_csv(read_text_file(args.csv, "CSV file")), "csv"


def cmd_receive(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    rcv = Receiving(
        sku=args.sku,
        location=args.location,
        cost=parse_amount(args.cost, "cost"),
        supplier_warranty_days=args.supplier_warranty_days,
        expect=args.expect,
        supplier=args.supplier,
    )
    if args.qty is not None:
        result = receive_quantity(store, actor, rcv, args.qty)
    elif args.generate is not None:
        result = generate_serials(store, actor, rcv, args.generate)
    else:
        entries, method = _entries(args, config.load_settings().shop.max_range)
        result = receive_serials(store, actor, rcv, entries, method=method)
    if args.json:
        json.dump(asdict(result), sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    batch = f" (batch {result.batch_id})" if result.batch_id else ""
    print(f"received {result.qty} x {result.sku} at {result.location}{batch}")
    for serial in result.serials if args.generate is not None else ():
        print(serial)


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("receive", help="receive serialized units or a bulk quantity")
    p.add_argument("sku")
    p.add_argument("--location", required=True)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--serials", help="list separated by , ; tab or new line ('-': stdin)")
    how.add_argument("--range", help="A...B, e.g. SN0098...SN0102")
    how.add_argument(
        "--generate", type=whole_number, metavar="N", help="N serials from the item's scheme"
    )
    how.add_argument("--csv", metavar="FILE")
    how.add_argument("--qty", type=whole_number, help="bulk quantity (non-serialized items)")
    p.add_argument("--expect", type=whole_number, metavar="N", help="the count the input must have")
    p.add_argument("--cost")
    p.add_argument("--supplier-warranty-days", type=whole_number, default=0)
    p.add_argument("--supplier", help="who delivered it (for recalls by supplier)")
    add_listing(p)
    p.set_defaults(handler=cmd_receive)
