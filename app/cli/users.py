"""`init` (a new store and its first manager) and the `user` commands (manager only)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import ArgumentParser, Subcommands, acting_user, emit, plain
from app.cli.new_pin import add_new_pin_options, new_pin
from app.db.uow import Store
from app.users import management
from app.users import services as users
from app.users.roles import parse_role


def cmd_init(store: Store, args: argparse.Namespace) -> None:
    from app.demo import seed_demo

    manager = users.create_first_manager(store, name=args.manager, pin=new_pin(args))
    if args.demo:
        seed_demo(store, manager)
    print(f"store ready; manager {manager.name}" + (" with demo data" if args.demo else ""))


def cmd_user_add(store: Store, args: argparse.Namespace) -> None:
    user = users.add_user(
        store,
        acting_user(store, args),
        name=args.name,
        role=parse_role(args.role),
        pin=new_pin(args),
    )
    print(f"added user {user.name} ({user.role.value})")


def cmd_user_list(store: Store, args: argparse.Namespace) -> None:
    rows: list[dict[str, Any]] = [
        {"name": u.name, "role": u.role.value, "active": u.active, "created": u.created_at}
        for u in management.list_all_users(store, acting_user(store, args))
    ]
    emit(args, [{k: plain(v) for k, v in r.items()} for r in rows], ("name", "role", "active"))


def cmd_user_change(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    match args.user_command:
        case "role":
            user = management.change_role(store, actor, args.name, parse_role(args.role))
        case "deactivate":
            user = management.deactivate_user(store, actor, args.name)
        case "reactivate":
            user = management.reactivate_user(store, actor, args.name, new_pin(args))
        case _:
            user = management.reset_pin(store, actor, args.name, new_pin(args))
    state = "active" if user.active else "deactivated"
    print(f"{user.name}: {user.role.value}, {state}")


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("init", help="create the store and its first manager")
    p.add_argument("--manager", required=True)
    add_new_pin_options(p)
    p.add_argument("--demo", action="store_true")
    p.set_defaults(handler=cmd_init)

    user = sub.add_parser("user").add_subparsers(
        dest="user_command", required=True, parser_class=ArgumentParser
    )
    p = user.add_parser("add")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    add_new_pin_options(p)
    p.set_defaults(handler=cmd_user_add)
    p = user.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_user_list)
    for name in ("role", "deactivate", "reactivate", "reset-pin"):
        p = user.add_parser(name)
        p.add_argument("name")
        if name == "role":
            p.add_argument("role")
        elif name in ("reactivate", "reset-pin"):
            add_new_pin_options(p)
        p.set_defaults(handler=cmd_user_change)
