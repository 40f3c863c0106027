"""The rule-input options that ``jpki expiry`` and ``jpki diagnose`` share, and their dates."""

from __future__ import annotations

import argparse
from datetime import date

from jpki.texts import Msg, render

from .context import CliContext
from .errors import CliError, ExitCode

__all__ = ["add_rule_options", "input_error", "parse_date", "parse_rule_dates"]

_DATE_OPTIONS = (
    ("--card-issued", "the day J-LIS issued the card (not the hand-over day)"),
    ("--cert-issued", "issue date of both certificates (default: the card issue date)"),
    ("--auth-cert-issued", "issue date of the user-authentication certificate, when it differs"),
    ("--sign-cert-issued", "issue date of the signature certificate, when it differs"),
    ("--application-received", "the day J-LIS received the card application (18/20 threshold)"),
    ("--residence-until", "end of the period of stay (foreign residents who have one)"),
    ("--today", "the day to judge (default: today in Japan)"),
)
_KNOWN_DATE_OPTIONS = (
    ("--card-expiry", "the expiry printed on the card face"),
    ("--cert-expiry", "the expiry of both certificates written on the card"),
    ("--auth-cert-expiry", "the user-authentication certificate's expiry (card or chip)"),
    ("--sign-cert-expiry", "the signature certificate's expiry (card or chip)"),
)
_FLAGS = (
    ("--special-extension", "the card was extended while a residence application was pending"),
    ("--renewed-in-window", "card and certificates were renewed with less than 3 months left"),
    ("--cert-renewed-in-window", "only the certificates were renewed with < 3 months left"),
    ("--face-auth", "face-auth card (顔認証マイナンバーカード): no signature certificate"),
)


def add_rule_options(
    parser: argparse.ArgumentParser, *, birth_help: str, known_dates: bool = False
) -> None:
    """Add ``--birth``, the issue and residence dates, the renewal flags and the readings.

    With *known_dates*, also the expiries a person can read on the card (``--card-expiry``,
    ``--cert-expiry``, ...). Dates stay text until :func:`parse_date`, so a bad one gets a
    message in the user's language rather than argparse's.
    """
    parser.add_argument("--birth", metavar="DATE", help=birth_help)
    options = _DATE_OPTIONS + (_KNOWN_DATE_OPTIONS if known_dates else ())
    for option, text in options:
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
            render(Msg("rules.cli.bad_date", option=option, value=value), ctx.lang),
            ExitCode.USAGE,
        ) from None


def parse_rule_dates(args: argparse.Namespace, ctx: CliContext) -> dict[str, date | None]:
    """Every date option added by :func:`add_rule_options`, parsed, by attribute name
    (``birth``, ``card_issued``, ``cert_issued``, ..., ``today``; ``card_expiry``, ... when
    they were added)."""
    options = ("--birth", *(option for option, _ in _DATE_OPTIONS + _KNOWN_DATE_OPTIONS))
    parsed: dict[str, date | None] = {}
    for option in options:
        name = option[2:].replace("-", "_")
        if hasattr(args, name):
            parsed[name] = parse_date(getattr(args, name), option, ctx)
    return parsed


def input_error(exc: Exception, problem: Msg, ctx: CliContext) -> CliError:
    """A usage error for dates that contradict each other: the problem in the user's language
    (the English one keeps the dates of *exc*)."""
    return CliError(
        render(Msg("rules.cli.input_error", problem=problem, detail=str(exc)), ctx.lang),
        ExitCode.USAGE,
    )
