"""``jpki status``: token, certificate availability, the four PIN counters, auth validity.

A smartphone token (``JPKIAPGPSETOKEN``, ``JPKIAPIOSTOKEN``) shows no PIN counters: the phone
keeps its own, and what the token answers says nothing about them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .card import open_session
from .cmd_pin import format_pin_status
from .commands import add_command
from .context import CliContext
from .dates import iso_date, today_jst
from .errors import ExitCode

if TYPE_CHECKING:
    from datetime import date

    from jpki.status import CardStatus

__all__ = ["register", "render_status", "status_json"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``status`` command."""
    parser = add_command(subparsers, "status", handler=run)
    parser.add_argument(
        "--today", type=iso_date, help="count days left from this date (default: today in JST)"
    )


def render_status(ctx: CliContext, status: CardStatus, today: date) -> list[str]:
    """The status as lines of text in the context's language."""
    from jpki.diagnosis.facts import Problem
    from jpki.texts import Msg, render

    lang = ctx.lang
    token = status.token

    def say(key: str, **values: object) -> str:
        return render(Msg(f"diagnosis.status.{key}", **values), lang)

    lines = [
        say(
            "token_smartphone" if token.kind.is_smartphone else "token",
            name=token.name or "-",
        )
    ]
    for key, present in (
        ("auth_certificate", status.availability.auth_certificate),
        ("sign_certificate", status.availability.sign_certificate),
    ):
        state = Msg("diagnosis.status.present" if present else "diagnosis.status.absent")
        lines.append(say(key, state=state))
    cert = status.auth_certificate
    if cert is not None:
        days = cert.days_left(today)
        expiry = cert.expiry_date.isoformat()
        if cert.no_expiry:
            lines.append(say("auth_no_expiry"))
        elif days < 0:
            lines.append(say("auth_expired", expiry=expiry))
        else:
            lines.append(say("auth_valid", expiry=expiry, days=days))
    elif status.auth_certificate_problem == Problem.PIN_REQUIRED:
        lines.append(say("auth_pin_required"))
    if token.kind.is_smartphone:
        # A phone keeps its own counters; the token's answers say nothing useful.
        lines.append(say("pins_on_phone"))
        return lines
    for fact in status.pins:
        if fact.status is not None:
            lines.append(format_pin_status(ctx, fact.status))
        else:
            lines.append(say("pin_unknown", pin=fact.kind.label))
    return lines


def status_json(status: CardStatus, today: date) -> dict[str, object]:
    """The status as JSON; a smartphone token's ``pins`` are empty (a phone keeps its own)."""
    data = status.to_json(today)
    if status.token.kind.is_smartphone:
        data["pins"] = {}
    return data


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read and print the status."""
    from jpki.status import read_status

    today = args.today or today_jst()
    with open_session(ctx) as session:
        status = read_status(session)
    if ctx.json:
        ctx.print_json(status_json(status, today))
    else:
        for line in render_status(ctx, status, today):
            ctx.print(line)
    return int(ExitCode.OK)
