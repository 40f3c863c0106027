"""The rule-input options that ``jpki expiry`` and ``jpki diagnose`` share, and their dates."""

from __future__ import annotations

import argparse
from datetime import date

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["add_rule_options", "parse_date", "parse_rule_dates"]

_DATE_OPTIONS = (
    ("--card-issued", "the day J-LIS issued the card (not the hand-over day)"),
    ("--cert-issued", "issue date of both certificates (default: the card issue date)"),
    ("--auth-cert-issued", "issue date of the user-authentication certificate, when it differs"),
    ("--sign-cert-issued", "issue date of the signature certificate, when it differs"),
    ("--application-received", "the day J-LIS received the card application (18/20 threshold)"),
    ("--residence-until", "end of the period of stay (foreign residents who have one)"),
    ("--today", "the day to judge (default: today in Japan)"),
)
_FLAGS = (
    ("--special-extension", "the card was extended while a residence application was pending"),
    ("--renewed-in-window", "card and certificates were renewed with less than 3 months left"),
    ("--cert-renewed-in-window", "only the certificates were renewed with < 3 months left"),
    ("--face-auth", "face-auth card (顔認証マイナンバーカード): no signature certificate"),
)


def add_rule_options(parser: argparse.ArgumentParser, *, birth_help: str) -> None:
    """Add ``--birth``, the issue and residence dates, the renewal flags and the readings.

    Dates stay text until :func:`parse_date`, so a bad one gets a message in the user's
    language rather than argparse's.
    """
    parser.add_argument("--birth", metavar="DATE", help=birth_help)
    for option, text in _DATE_OPTIONS:
        parser.add_argument(option, metavar="DATE", help=text)
    for option, text in _FLAGS:
        parser.add_argument(option, action="store_true", help=text)
    parser.add_argument(
        "--feb29",
        choices=("feb28", "mar1"),
        default="feb28",
        help="birthday in common years of someone born on 29 February (default: feb28)",
    )
    parser.add_argument(
        "--age-counting",
        choices=("day-before-birthday", "on-birthday"),
        default="day-before-birthday",
        help="day an age is reached (default: the day before the birthday)",
    )


def parse_date(value: str | None, option: str, ctx: CliContext) -> date | None:
    """``YYYY-MM-DD`` to a date, None for None; a one-line usage error otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(
            ctx.text(
                f"{option}: 「{value}」は正しい日付ではありません"
                "（YYYY-MM-DD の形式で指定してください）。",
                f"{option}: '{value}' is not a valid date (expected YYYY-MM-DD)",
            ),
            ExitCode.USAGE,
        ) from None


def parse_rule_dates(args: argparse.Namespace, ctx: CliContext) -> dict[str, date | None]:
    """Every date option added by :func:`add_rule_options`, parsed, by attribute name
    (``birth``, ``card_issued``, ``cert_issued``, ..., ``today``)."""
    options = ("--birth", *(option for option, _ in _DATE_OPTIONS))
    return {
        option[2:].replace("-", "_"): parse_date(
            getattr(args, option[2:].replace("-", "_")), option, ctx
        )
        for option in options
    }
