"""``jpki status``: token, certificate availability, the four PIN counters, auth validity."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .card import open_session
from .cmd_pin import format_pin_status
from .commands import summary
from .context import CliContext
from .dates import iso_date, today_jst
from .errors import ExitCode

if TYPE_CHECKING:
    from datetime import date

    from jpki.status import CardStatus

__all__ = ["register", "render_status"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``status`` command."""
    parser = subparsers.add_parser(
        "status",
        help=summary("status"),
    )
    parser.add_argument(
        "--today", type=iso_date, help="count days left from this date (default: today in JST)"
    )
    parser.set_defaults(handler=run)


def render_status(ctx: CliContext, status: CardStatus, today: date) -> list[str]:
    """The status as lines of text in the context's language."""
    lines = [
        ctx.text("トークン", "Token")
        + f": {status.token.name or '-'}"
        + (
            ctx.text(" (スマートフォン用電子証明書)", " (smartphone)")
            if status.token.kind.is_smartphone
            else ""
        ),
    ]
    for present, ja, en in (
        (
            status.availability.auth_certificate,
            "利用者証明用電子証明書",
            "User-authentication certificate",
        ),
        (status.availability.sign_certificate, "署名用電子証明書", "Signature certificate"),
    ):
        lines.append(
            f"{ctx.text(ja, en)}: "
            + (ctx.text("あり", "present") if present else ctx.text("なし", "absent"))
        )
    cert = status.auth_certificate
    if cert is not None:
        days = cert.days_left(today)
        expiry = cert.expiry_date.isoformat()
        if cert.no_expiry:
            state = render(Msg("safety.no_expiry"), ctx.lang)
        elif days < 0:
            state = ctx.text(f"{expiry} に有効期限切れ", f"expired on {expiry}")
        else:
            state = ctx.text(
                f"有効期限 {expiry} (残り{days}日)", f"valid until {expiry} ({days} days left)"
            )
        lines.append(
            ctx.text("利用者証明用電子証明書の有効期限", "Auth certificate") + f": {state}"
        )
    elif status.auth_certificate_problem == "pin_required":
        lines.append(
            ctx.text(
                "利用者証明用電子証明書: 読み取りに暗証番号が必要です",
                "Auth certificate: needs the PIN to be read on this token",
            )
        )
    lines.extend(format_pin_status(ctx, pin) for pin in status.pins)
    return lines


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read and print the status."""
    from jpki.status import read_status

    today = args.today or today_jst()
    with open_session(ctx) as session:
        status = read_status(session)
    if ctx.json:
        ctx.print_json(status.to_json(today))
    else:
        for line in render_status(ctx, status, today):
            ctx.print(line)
    return int(ExitCode.OK)
