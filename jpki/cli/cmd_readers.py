"""``jpki readers``: the PC/SC readers, whether a card is in each, and its ATR."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg

from .commands import add_command

if TYPE_CHECKING:
    from apdu.pcsc import ReaderInfo

    from .context import CliContext

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``readers`` command."""
    parser = add_command(subparsers, "readers", handler=run)
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help='print a JSON list of {"name", "card_present", "atr"}',
    )


def _line(reader: ReaderInfo) -> Msg:
    if not reader.card_present:
        return Msg("cli.readers.no_card", reader=reader.name)
    atr = reader.atr.hex(" ").upper() if reader.atr else "?"
    return Msg("cli.readers.card", reader=reader.name, atr=atr)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """List the readers; exit 0 also when there are none (PC/SC down raises instead)."""
    from apdu.pcsc import list_readers

    readers = list_readers()
    if ctx.json:
        ctx.print_json([reader.to_dict() for reader in readers])
    else:
        for reader in readers:
            ctx.print(_line(reader))
    if not readers:
        ctx.message(Msg("cli.readers.none"))
    return 0
