"""``jpki readers``: the PC/SC readers, whether a card is in each, and its ATR."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .commands import summary

if TYPE_CHECKING:
    from apdu.pcsc import ReaderInfo

    from .context import CliContext

__all__ = ["register", "run"]

#: Place in ``jpki --help``.


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``readers`` command."""
    parser = subparsers.add_parser(
        "readers",
        help=summary("readers"),
        description=(
            "List the PC/SC readers, whether a card is in each, and the card's ATR. "
            "Whether a card is a My Number Card is not decided from its ATR: use 'jpki info'."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help='print a JSON list of {"name", "card_present", "atr"}',
    )
    parser.set_defaults(handler=run)


def _line(reader: ReaderInfo, ctx: CliContext) -> str:
    if not reader.card_present:
        return f"{reader.name}: " + ctx.text("カードなし", "no card")
    atr = reader.atr.hex(" ").upper() if reader.atr else "?"
    return f"{reader.name}: " + ctx.text(f"カードあり ATR {atr}", f"card present, ATR {atr}")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """List the readers; exit 0 also when there are none (PC/SC down raises instead)."""
    from apdu.pcsc import list_readers

    readers = list_readers()
    if ctx.json:
        ctx.print_json([reader.to_dict() for reader in readers])
    else:
        for reader in readers:
            ctx.print(_line(reader, ctx))
    if not readers:
        ctx.message(ctx.text("カードリーダーが見つかりません。", "no PC/SC reader found"))
    return 0
