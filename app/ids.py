"""Typed ids for the records that cross layers: a unit's id cannot be passed where an item's
is wanted (mypy says so), yet at run time each is a plain int."""

from __future__ import annotations

from typing import NewType

ItemId = NewType("ItemId", int)
UnitId = NewType("UnitId", int)
LocationId = NewType("LocationId", int)
CustomerId = NewType("CustomerId", int)
UserId = NewType("UserId", int)
SaleId = NewType("SaleId", int)
SaleLineId = NewType("SaleLineId", int)
BatchId = NewType("BatchId", int)
