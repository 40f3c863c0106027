"""The rule-input options that ``jpki expiry`` and ``jpki diagnose`` share, and their dates."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .context import CliContext
from .errors import CliError, ExitCode

if TYPE_CHECKING:
    from jpki.rules import KnownDates

__all__ = [
    "CARD_DATE_OPTIONS",
    "add_rule_options",
    "input_error",
    "known_dates",
    "parse_date",
    "parse_rule_dates",
]

CARD_DATE_OPTIONS = (
    ("--card-issued", "the day J-LIS issued the card (not the hand-over day)"),
    ("--cert-issued", "issue date of both certificates (default: the card issue date)"),
    ("--auth-cert-issued", "issue date of the user-authentication certificate, when it differs"),
    ("--sign-cert-issued", "issue date of the signature certificate, when it differs"),
    ("--application-received", "the day J-LIS received the card application (18/20 threshold)"),
    ("--residence-until", "end of the period of stay (foreign residents who have one)"),
)
"""The dates of a card's story the rules take, as (option, help); ``jpki sim new`` takes them
too, to make a card with them."""
_DATE_OPTIONS = (*CARD_DATE_OPTIONS, ("--today", "the day to judge (default: today in Japan)"))
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
    ("--moving-abroad", "the holder (a Japanese national) plans to move abroad"),
)
# The readings of the rules a municipality may choose; the first choice is the default.
_READINGS = (
    (
        "--feb29",
        ("feb28", "mar1"),
        "birthday in common years of someone born on 29 February (default: feb28)",
    ),
    (
        "--age-counting",
        ("day-before-birthday", "on-birthday"),
        "day an age is reached (default: the day before the birthday)",
    ),
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
    for option, choices, text in _READINGS:
        parser.add_argument(option, choices=choices, default=choices[0], help=text)


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


def known_dates(args: argparse.Namespace, dates: dict[str, date | None]) -> KnownDates:
    """The options of :func:`add_rule_options` as the rules' :class:`~jpki.rules.KnownDates`;
    *dates* from :func:`parse_rule_dates` (``--cert-issued`` and ``--cert-expiry`` stand for
    both certificates; a face-auth card has no signature certificate to date)."""
    from jpki.rules import AgeCounting, Feb29Policy, KnownDates

    both = dates["cert_issued"]
    both_expiry = dates.get("cert_expiry")
    face_auth = bool(args.face_auth)
    return KnownDates(
        birth=dates["birth"],
        card_issued=dates["card_issued"],
        card_expiry=dates.get("card_expiry"),
        auth_cert_issued=dates["auth_cert_issued"] or both,
        sign_cert_issued=dates["sign_cert_issued"] or (None if face_auth else both),
        auth_cert_expiry=dates.get("auth_cert_expiry") or both_expiry,
        sign_cert_expiry=dates.get("sign_cert_expiry") or (None if face_auth else both_expiry),
        residence_until=dates["residence_until"],
        application_received=dates["application_received"],
        special_extension=args.special_extension,
        renewed_in_window=args.renewed_in_window,
        certs_renewed_in_window=args.cert_renewed_in_window,
        face_auth=face_auth,
        feb29=Feb29Policy(args.feb29),
        age_counting=AgeCounting(args.age_counting),
        moving_abroad=args.moving_abroad,
    )


def input_error(exc: Exception, problem: Msg, ctx: CliContext) -> CliError:
    """A usage error for dates that contradict each other: the problem in the user's language
    (the English one keeps the dates of *exc*)."""
    return CliError(
        render(Msg("rules.cli.input_error", problem=problem, detail=str(exc)), ctx.lang),
        ExitCode.USAGE,
    )
