"""`init` (a new store and its first manager) and `user add`."""

from __future__ import annotations

import argparse

from app.cli.common import ArgumentParser, Subcommands, acting_user
from app.db.uow import Store
from app.users import services as users
from app.users.roles import parse_role


def cmd_init(store: Store, args: argparse.Namespace) -> None:
    from app.demo import seed_demo

    manager = users.create_first_manager(store, name=args.manager, pin=args.pin)
    if args.demo:
        seed_demo(store, manager)
    print(f"store ready; manager {manager.name}" + (" with demo data" if args.demo else ""))


def cmd_user_add(store: Store, args: argparse.Namespace) -> None:
    user = users.add_user(
        store, acting_user(store, args), name=args.name, role=parse_role(args.role), pin=args.pin
    )
    print(f"added user {user.name} ({user.role.value})")


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create the store and its first manager")
    p.add_argument("--manager", required=True)
    p.add_argument("--pin", required=True)
    p.add_argument("--demo", action="store_true")
    p.set_defaults(handler=cmd_init)

    user = sub.add_parser("user").add_subparsers(
        dest="user_command", required=True, parser_class=ArgumentParser
    )
    p = user.add_parser("add")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    p.add_argument("--pin", required=True)
    p.set_defaults(handler=cmd_user_add)
