"""``jpki pin status|verify KIND|change KIND``: PIN counters and guarded PIN commands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.ids import PinKind
from jpki.texts import Msg

from .card import open_session
from .commands import add_command_group
from .context import CliContext
from .errors import CliError, ExitCode
from .pinentry import add_pin_options, read_pin

if TYPE_CHECKING:
    from jpki.models import PinStatus

__all__ = ["format_pin_status", "register"]

_KINDS = tuple(kind.value for kind in PinKind)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``pin`` command group."""
    pin_sub = add_command_group(subparsers, "pin")
    status = pin_sub.add_parser("status", help="tries left on all four PINs (no try is spent)")
    status.set_defaults(handler=run_status)
    for name, handler, text in (
        ("verify", run_verify, "verify a PIN (refused when one try is left, unless --force)"),
        (
            "change",
            run_change,
            "change a PIN (with --pin-stdin: current PIN, then new PIN, one per line)",
        ),
    ):
        command = pin_sub.add_parser(name, help=text)
        command.add_argument("kind", choices=_KINDS, help="which PIN")
        add_pin_options(command, force_help="send even when a wrong PIN would block it")
        command.set_defaults(handler=handler)


def format_pin_status(ctx: CliContext, status: PinStatus) -> str:
    """One line for a PIN's counter, in the context's language."""
    if status.blocked:
        state = Msg("cli.pin.blocked", max=status.max)
    elif status.verified:
        state = Msg("cli.pin.verified_in_session")
    elif status.last_try:
        state = Msg("cli.pin.last_try", count=status.remaining, max=status.max)
    else:
        state = Msg("cli.pin.tries_left", count=status.remaining, max=status.max)
    return ctx.render(Msg("cli.pin.status_line", pin=status.kind.label, state=state))


def run_status(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print the four counters."""
    with open_session(ctx) as session:
        statuses = session.all_pin_status()
    ordered = [statuses[kind] for kind in PinKind]
    if ctx.json:
        ctx.print_json({status.kind.json_key: status.to_json() for status in ordered})
    else:
        for status in ordered:
            ctx.print(format_pin_status(ctx, status))
    return int(ExitCode.OK)


def _kind(args: argparse.Namespace) -> PinKind:
    return PinKind(args.kind)


def run_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    """Verify one PIN through the guard."""
    kind = _kind(args)
    pin = read_pin(ctx, kind)
    with open_session(ctx) as session:
        status = session.verify_pin(kind, pin, force=bool(args.force))
    if ctx.json:
        ctx.print_json({"kind": kind.value, **status.to_json()})
    else:
        ctx.print(Msg("cli.pin.verify_ok", pin=kind.label))
    return int(ExitCode.OK)


def run_change(args: argparse.Namespace, ctx: CliContext) -> int:
    """Change one PIN through the guard."""
    kind = _kind(args)
    current = read_pin(ctx, kind, purpose="current")
    new = read_pin(ctx, kind, purpose="new", new=True)
    if not getattr(args, "pin_stdin", False):
        again = read_pin(ctx, kind, purpose="new_again", new=True)
        if again != new:
            raise CliError(Msg("cli.pin.new_differ"), ExitCode.USAGE)
    with open_session(ctx) as session:
        session.change_pin(kind, current, new, force=bool(args.force))
    if ctx.json:
        ctx.print_json({"kind": kind.value, "changed": True})
    else:
        ctx.print(Msg("cli.pin.change_ok", pin=kind.label))
    return int(ExitCode.OK)
