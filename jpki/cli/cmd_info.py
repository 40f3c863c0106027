"""``jpki info``: My Number and the basic 4 info (asks for the card-info PIN)."""

from __future__ import annotations

import argparse

from jpki.texts import Msg

from .card import open_session
from .commands import add_command
from .context import CliContext
from .errors import ExitCode
from .pinentry import add_pin_options, read_pin

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``info`` command."""
    add_pin_options(add_command(subparsers, "info", handler=run))


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Verify the card-info PIN, read and print the card info."""
    from jpki.ids import PinKind

    pin = read_pin(ctx, PinKind.CARD_INFO)
    with open_session(ctx) as session:
        session.verify_pin(PinKind.CARD_INFO, pin, force=bool(args.force))
        del pin
        info = session.read_card_info()
    if ctx.json:
        ctx.print_json(info.to_json())
        return int(ExitCode.OK)
    basic = info.basic
    for field, value in (
        ("my_number", info.my_number),
        ("name", basic.name),
        ("address", basic.address),
        ("birth_date", basic.birth_date.isoformat()),
        ("sex", basic.sex.label),
    ):
        ctx.print(Msg("cli.field", label=Msg(f"cli.label.{field}"), value=value))
    return int(ExitCode.OK)
