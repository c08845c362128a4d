"""Roles and what each may do. Checked in the services, never only by hiding buttons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.errors import PermissionDenied


class Role(StrEnum):
    CASHIER = "cashier"
    SERVICE = "service"
    BACK_OFFICE = "back_office"
    MANAGER = "manager"


class Permission(StrEnum):
    VIEW_STOCK = "view_stock"
    VIEW_COSTS = "view_costs"  # what stock cost the shop: not a cashier's business
    SELL = "sell"
    REFUND = "refund"
    TICKETS = "tickets"
    EDIT_ITEMS = "edit_items"
    EDIT_LOCATIONS = "edit_locations"
    RECEIVE = "receive"
    TRANSFER = "transfer"
    WRITE_OFF = "write_off"
    CONVERT = "convert"  # serialize / unserialize an item
    EXPORT = "export"
    MANAGE_USERS = "manage_users"
    MANAGE_DEVICES = "manage_devices"  # printers, scanners, the settings file
    APPROVE = "approve"
    MANAGE_STORE = "manage_store"  # backups and restores: every PIN hash is in them
    COUNT_STOCK = "count_stock"  # physical counts of a location
    EDIT_WARRANTY = "edit_warranty"  # a unit's customer-warranty end (with approval)
    RECALL = "recall"  # who bought which units: customers' contacts


_BACK_OFFICE = {
    Permission.VIEW_STOCK,
    Permission.VIEW_COSTS,
    Permission.EDIT_ITEMS,
    Permission.EDIT_LOCATIONS,
    Permission.RECEIVE,
    Permission.TRANSFER,
    Permission.WRITE_OFF,
    Permission.CONVERT,
    Permission.EXPORT,
    Permission.COUNT_STOCK,
    Permission.EDIT_WARRANTY,
    Permission.RECALL,
}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset({Permission.VIEW_STOCK, Permission.SELL, Permission.REFUND}),
    Role.SERVICE: frozenset({Permission.VIEW_STOCK, Permission.TICKETS, Permission.SELL}),
    Role.BACK_OFFICE: frozenset(_BACK_OFFICE),
    Role.MANAGER: frozenset(Permission),
}

# Actions that a manager must approve when someone else does them (PRODUCT.md: Users).
NEEDS_APPROVAL = frozenset({Permission.WRITE_OFF, Permission.REFUND})

ROLE_TITLES = {
    Role.CASHIER: "cashier",
    Role.SERVICE: "service desk",
    Role.BACK_OFFICE: "back office",
    Role.MANAGER: "manager",
}


@dataclass(frozen=True)
class Actor:
    """The acting user, as the services see them."""

    id: int
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]


def parse_role(text: str) -> Role:
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    if wanted == "service_desk":
        wanted = "service"
    try:
        return Role(wanted)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise PermissionDenied(f"unknown role {text!r}; roles are {names}") from None


def require(actor: Actor, permission: Permission) -> None:
    """Raises PermissionDenied unless the actor's role grants the permission."""
    if not actor.can(permission):
        what = permission.value.replace("_", " ")
        raise PermissionDenied(f"{actor.name} ({ROLE_TITLES[actor.role]}) may not {what}")


def require_approval(actor: Actor, approver: Actor | None, permission: Permission) -> Actor:
    """A manager acting approves themselves; anyone else needs a manager's approval.

    Returns the approving manager, recorded beside the action.
    """
    require(actor, permission)
    if actor.role is Role.MANAGER:
        return actor
    if approver is None:
        what = permission.value.replace("_", " ")
        raise PermissionDenied(f"{what} needs a manager's approval")
    if approver.role is not Role.MANAGER:
        raise PermissionDenied(f"{approver.name} is not a manager and cannot approve")
    return approver
