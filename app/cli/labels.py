"""`labels`: serial labels to a file or a printer."""

from __future__ import annotations

import argparse
from pathlib import Path

from app import config
from app.cli.common import ArgumentParser, Subcommands, acting_user, whole_number
from app.db.uow import Store
from app.errors import NotFound
from app.stock import queries, serials
from app.stock.models import UnitStatus
from app.stock.records import UnitRecord
from app.users.roles import Actor


def _units_to_label(store: Store, actor: Actor, args: argparse.Namespace) -> list[UnitRecord]:
    if args.serials is not None:
        wanted = serials.parse_list(args.serials)
        found = []
        for entry in wanted:
            units = [
                u
                for u in queries.find_units(store, actor, entry.serial)
                if u.sku.lower() == args.sku.strip().lower()
            ]
            if not units:
                raise NotFound(f"{args.sku.strip()} has no unit with serial {entry.serial}")
            found.extend(units)
        return found
    unit_filter = queries.UnitFilter(
        sku=args.sku,
        batch_id=args.received_batch,
        status=None if args.received_batch is not None else UnitStatus.IN_STOCK,
    )
    return list(queries.iter_units(store, actor, unit_filter))


def cmd_labels(store: Store, args: argparse.Namespace) -> None:
    from app.paperwork import labels as label_files

    actor = acting_user(store, args)
    settings = config.load_settings()
    size = label_files.label_size(args.size or settings.label_size)
    items = {i.sku: i for i in queries.list_items(store, actor, include_inactive=True)}
    units = _units_to_label(store, actor, args)
    made = label_files.labels_for(settings.shop, units, items, gs1=args.gs1)
    if args.out:
        written = label_files.write_labels(
            made, Path(args.out), size, profile=args.profile, width_mm=args.width
        )
        print(f"wrote {len(made)} labels to {args.out} ({written:,} bytes)")
        return
    from app.effects.command_line import printing_for_command

    with printing_for_command(store, settings, say=print) as effects:
        effects.print_labels(made, printer=args.printer, title=f"{len(made)} labels {args.sku}")


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("labels", help="serial labels to a file or a printer")
    p.add_argument("sku")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--serials", help="these serials (separated by , ; tab or new line)")
    which.add_argument(
        "--received-batch", type=whole_number, metavar="ID", help="the units of a receiving"
    )
    which.add_argument("--all-in-stock", action="store_true")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--out", metavar="FILE", help="FILE.png, .pdf (sheet), .zpl or .bin (ESC/POS)"
    )
    where.add_argument("--printer", metavar="NAME", help="a printer from the settings")
    p.add_argument("--gs1", action="store_true", help="GS1-128 with (01) GTIN + (21) serial")
    p.add_argument("--size", help="label size: 50x25, 58mm, 80mm (default: settings)")
    p.add_argument("--profile", default="TM-T88V", help=".bin: the ESC/POS printer's profile")
    p.add_argument(
        "--width", type=whole_number, default=80, metavar="MM", help=".bin: roll width, 58 or 80"
    )
    p.set_defaults(handler=cmd_labels)
