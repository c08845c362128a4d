"""The plain Core tables the window reads before the ORM models are imported (the watcher's
highest ids, the till's location check) name tables and columns the models have."""

from __future__ import annotations

from sqlalchemy import TableClause

import app.pos.models  # every model on Base.metadata
import app.stock.models  # noqa: F401
from app.db.base import Base
from app.stock.till_location import LOCATIONS
from app.ui.watcher import WATCHED


def test_the_light_tables_are_the_models_tables() -> None:
    light: list[TableClause] = [LOCATIONS, *WATCHED.values()]
    for plain in light:
        model = Base.metadata.tables[plain.name]
        for col in plain.c:
            assert col.name in model.c, f"{plain.name}.{col.name}"
            assert col.type._type_affinity is model.c[col.name].type._type_affinity
