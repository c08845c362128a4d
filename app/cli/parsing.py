"""The command line's parser pieces every area shares, light enough for the window's own
command line (`serialpos [gui]`), which must not import the services: app.cli.common has
the rest (who is acting, output, amounts) and re-exports these."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn

from app.errors import InvalidInput

if TYPE_CHECKING:
    from app.db.uow import Store

EXIT_BAD_INPUT = 2


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other error."""

    def error(self, message: str) -> NoReturn:
        raise InvalidInput(f"{self.prog}: {message}")


Handler = Callable[["Store", argparse.Namespace], None]
# What each area's register(sub) adds its subcommands to.
Subcommands = argparse._SubParsersAction
