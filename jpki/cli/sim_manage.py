"""``jpki sim new|show|profiles``: make a simulated card file, describe one, list the profiles.

:func:`register_management` adds the three subcommands to the ``jpki sim`` group. A card file
holds a whole card (certificates, PIN values, try counters); ``show`` and ``new`` describe it
with one :class:`CardSummary` for both the text and the ``--json`` output, and never show a PIN
value. PIN values to set come from the terminal or standard input, never from the command line.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jpki.errors import InputError
from jpki.ids import CertKind, PinKind, Sex, TokenKind
from jpki.texts import Msg, languages, render
from sim.carddata import PIN_FIELDS

from .context import CliContext
from .dates import iso_date
from .errors import CliError, ExitCode
from .rule_options import CARD_DATE_OPTIONS

if TYPE_CHECKING:
    from jpki.models import PinStatus
    from sim.carddata import CardData
    from sim.factory.profiles import CardSpec

__all__ = [
    "CardSummary",
    "CertificateSummary",
    "register_management",
    "run_new",
    "run_profiles",
    "run_show",
    "summarize_card",
]

# What --sex takes: the word or the card-info application's digit.
_SEX_CHOICES = {
    **{sex.value: sex for sex in Sex},
    **{sex.card_info_code: sex for sex in Sex},
}
# The CardSpec / CardData field that holds each PIN (both tables list the PINs in one order).
_PIN_FIELDS = dict(zip(PinKind, PIN_FIELDS, strict=True))
_HOLDER_TEXT_OPTIONS = (
    ("--name", "name", "family and given name, separated by a space or U+3000"),
    ("--address", "address", "the address as the card shows it"),
    (
        "--prefecture",
        "prefecture",
        "the prefecture, romanised, e.g. Tokyo-to",
    ),
    ("--municipality", "municipality", "the municipality, romanised, e.g. Chiyoda-ku"),
    ("--municipality-code", "municipality_code", "the 5-digit municipality code, e.g. 13101"),
    ("--my-number", "my_number", "the 12-digit My Number (default: derived, valid check digit)"),
)
# The holder's birth and the dates the expiry rules take, under the names jpki expiry uses.
_DATE_OPTIONS = (
    ("--birth", "birth_date", "date of birth"),
    *((option, option[2:].replace("-", "_"), text) for option, text in CARD_DATE_OPTIONS),
)
_TRIES_OPTIONS = tuple(
    (f"--{field.replace('_', '-')}-tries", f"{field}_tries", f"0-{kind.max_tries}")
    for kind, field in _PIN_FIELDS.items()
)


def register_management(
    sim_subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``new``, ``show`` and ``profiles`` to the ``jpki sim`` group's sub-parsers."""
    _register_new(sim_subparsers)
    _register_show(sim_subparsers)
    _register_profiles(sim_subparsers)


# --- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertificateSummary:
    """One certificate on a simulated card: who it names and how long it is valid."""

    kind: str
    subject: str
    issuer: str
    not_before: str
    not_after: str
    expiry_date: date

    def to_json(self) -> dict[str, Any]:
        """The fields by name; dates ISO 8601."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        return {**values, "expiry_date": self.expiry_date.isoformat()}


# The fields of CardSummary that its JSON holds as they are, in order.
_CARD_JSON_KEYS = (
    "token_name",
    "smartphone_token",
    "atr",
    "atr_hex",
    "card_serial",
    "municipality_code",
    "card_expiry",
    "availability",
)


@dataclass(frozen=True, slots=True)
class CardSummary:
    """What a simulated card holds, without any PIN value; the My Number is masked."""

    token_name: str
    smartphone_token: bool
    atr: str
    atr_hex: str
    card_serial: str
    municipality_code: str
    card_expiry: date
    availability: str
    holder_name: str
    holder_address: str
    holder_birth_date: date
    holder_sex: str
    my_number_masked: str
    certificates: tuple[CertificateSummary, ...]
    pins: tuple[PinStatus, ...]
    clear_verified_on_select: bool

    def certificate(self, kind: str) -> CertificateSummary | None:
        """The certificate of *kind* (``auth``, ``sign``, ...), or None when absent."""
        return next((cert for cert in self.certificates if cert.kind == kind), None)

    def to_json(self) -> dict[str, Any]:
        """Plain values; absent certificates are left out of ``certificates``."""
        from jpki.rules import json_value

        return {
            **{name: json_value(getattr(self, name)) for name in _CARD_JSON_KEYS},
            "holder": {
                "name": self.holder_name,
                "address": self.holder_address,
                "birth_date": self.holder_birth_date.isoformat(),
                "sex": _sex_word(self.holder_sex),
                "sex_code": self.holder_sex,
            },
            "my_number": self.my_number_masked,
            "certificates": [cert.to_json() for cert in self.certificates],
            # As ``jpki pin status --json``, less ``verified``: a card file has no session.
            "pins": {
                pin.kind.json_key: {k: v for k, v in pin.to_json().items() if k != "verified"}
                for pin in self.pins
            },
            "clear_verified_on_select": self.clear_verified_on_select,
        }


def _sex_word(code: str) -> str:
    """The card-info sex digit as the word ``jpki info --json`` uses."""
    try:
        return Sex.from_card_info_code(code).value
    except ValueError:
        return "unknown"


def summarize_card(data: CardData) -> CardSummary:
    """Describe *data* (certificates parsed, PIN values left out).

    :raises CertificateError: a certificate on the card cannot be parsed.
    """
    from jpki.certificate import CertificateInfo
    from jpki.models import PinStatus
    from jpki.mynumber import mask_my_number

    ders = {
        CertKind.AUTH: data.auth_certificate,
        CertKind.AUTH_CA: data.auth_ca_certificate,
        CertKind.SIGN: data.sign_certificate,
        CertKind.SIGN_CA: data.sign_ca_certificate,
    }
    certificates = []
    for cert_kind in CertKind:
        der = ders[cert_kind]
        if der is None:
            continue
        info = CertificateInfo.from_der(der)
        certificates.append(
            CertificateSummary(
                kind=cert_kind.value,
                subject=info.subject,
                issuer=info.issuer,
                not_before=info.not_before.isoformat(),
                not_after=info.not_after.isoformat(),
                expiry_date=info.expiry_date,
            )
        )
    pins = []
    for kind in PinKind:
        setting = getattr(data, _PIN_FIELDS[kind])
        tries = kind.max_tries if setting.tries_left is None else setting.tries_left
        pins.append(PinStatus(kind, tries))
    return CardSummary(
        token_name=data.token_name,
        smartphone_token=data.smartphone_token,
        atr=data.atr.value,
        atr_hex=data.atr.atr.hex(" ").upper(),
        card_serial=data.card_serial,
        municipality_code=data.municipality_code,
        card_expiry=data.card_expiry,
        availability=data.availability_bytes.hex(" ").upper(),
        holder_name=data.holder.name,
        holder_address=data.holder.address,
        holder_birth_date=data.holder.birth_date,
        holder_sex=data.holder.sex.value,
        my_number_masked=mask_my_number(data.my_number),
        certificates=tuple(certificates),
        pins=tuple(pins),
        clear_verified_on_select=data.clear_verified_on_select,
    )


def _print_summary(summary: CardSummary, ctx: CliContext) -> None:
    try:
        sex: object = Sex.from_card_info_code(summary.holder_sex).label
    except ValueError:
        sex = summary.holder_sex
    token = Msg(
        "cli.sim.smartphone_token" if summary.smartphone_token else "cli.sim.token",
        name=summary.token_name,
    )
    rows: list[tuple[object, object]] = [
        (Msg("cli.sim.label.token"), token),
        ("ATR", Msg(f"cli.sim.atr.{summary.atr}", atr=summary.atr_hex)),
        (Msg("cli.sim.label.card_serial"), summary.card_serial),
        (Msg("cli.sim.label.card_expiry"), summary.card_expiry.isoformat()),
        (Msg("cli.sim.label.name"), summary.holder_name),
        (Msg("cli.sim.label.address"), summary.holder_address),
        (Msg("cli.sim.label.birth_date"), summary.holder_birth_date.isoformat()),
        (Msg("cli.sim.label.sex"), sex),
        (Msg("cli.sim.label.my_number"), summary.my_number_masked),
        (Msg("cli.sim.label.availability"), summary.availability),
    ]
    for label, value in rows:
        ctx.print(Msg("cli.field", label=label, value=value))
    ctx.print(Msg("cli.sim.certificates"))
    for kind in CertKind:
        cert = summary.certificate(kind.value)
        if cert is None:
            ctx.print(Msg("cli.sim.no_certificate", kind=kind.label))
            continue
        until = Msg("cli.sim.until", date=cert.expiry_date.isoformat())
        ctx.print(Msg("cli.sim.certificate", kind=kind.label, until=until, subject=cert.subject))
    ctx.print(Msg("cli.sim.pin_tries"))
    for pin in summary.pins:
        key = "cli.sim.pin_blocked" if pin.blocked else "cli.sim.pin"
        ctx.print(Msg(key, pin=pin.kind.label, remaining=pin.remaining, max=pin.max))


def _emit(summary: CardSummary, ctx: CliContext) -> None:
    if ctx.json:
        ctx.print_json(summary.to_json())
    else:
        _print_summary(summary, ctx)


# --- jpki sim new -------------------------------------------------------------------------


def _register_new(sim_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sim_sub.add_parser(
        "new",
        help="make a simulated card file from a profile (PIN counters persist in it)",
        description=(
            "Write a complete simulated card (certificates, PINs, try counters) to FILE, from "
            "a profile with any holder data changed. Dates follow the expiry rules. Use the "
            "file with 'jpki --card FILE ...' or 'jpki sim serve --card FILE'. PIN values "
            "to set are read from the terminal or standard input (--pin-stdin), never from "
            "the command line."
        ),
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="the profile to start from (default: adult; see 'jpki sim profiles')",
    )
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="card file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument(
        "--today",
        type=iso_date,
        metavar="DATE",
        help="tell the profile's story on DATE: its dates move by the same number of days "
        "(default: the profiles' fixed reference day 2026-11-22)",
    )
    holder = parser.add_argument_group("holder")
    for option, dest, text in _HOLDER_TEXT_OPTIONS:
        holder.add_argument(option, dest=dest, metavar="TEXT", help=text)
    holder.add_argument("--sex", choices=tuple(_SEX_CHOICES), help="sex (or its code 1/2/9/0)")
    dates = parser.add_argument_group("dates (YYYY-MM-DD)")
    for option, dest, text in _DATE_OPTIONS:
        dates.add_argument(option, dest=dest, type=iso_date, metavar="DATE", help=text)
    card = parser.add_argument_group("card")
    card.add_argument(
        "--face-auth", action="store_true", help="face-auth card: no signature certificate"
    )
    card.add_argument("--atr", choices=("old", "new"), help="which ATR the card answers with")
    card.add_argument(
        "--token",
        choices=tuple(token.value for token in TokenKind if token is not TokenKind.UNKNOWN),
        help="token name in the JPKI token EF",
    )
    card.add_argument(
        "--smartphone",
        action="store_true",
        help="smartphone certificate: reading the auth certificate needs the auth PIN",
    )
    logout = card.add_mutually_exclusive_group()
    logout.add_argument(
        "--logout-on-select",
        action="store_true",
        help="re-selecting an application clears its verified PINs: NOT observed on real "
        "cards (which keep them until power-off or reset); for clients that expect it",
    )
    # The real cards' behaviour is the default now; the old option stays accepted.
    logout.add_argument("--keep-verified-on-select", action="store_true", help=argparse.SUPPRESS)
    card.add_argument(
        "--test-card-basic-info",
        action="store_true",
        help="write the basic-info EF with the minimal header FF 20 LL of J-LIS test cards "
        "(default: FF 20 82 HH LL, as on production cards)",
    )
    pins = parser.add_argument_group("PINs")
    for option, dest, text in _TRIES_OPTIONS:
        pins.add_argument(option, dest=dest, type=int, metavar="N", help=f"tries left ({text})")
    pins.add_argument(
        "--set-pin",
        action="append",
        choices=tuple(kind.value for kind in _PIN_FIELDS),
        default=[],
        metavar="KIND",
        help="set this PIN (auth, sign, card-info, juki; repeatable) to a value read from the "
        "terminal or stdin; default 1234 and ABCD1234 for the signature password",
    )
    pins.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the --set-pin values from standard input, one line each, in option order",
    )
    parser.set_defaults(handler=run_new)


def _holder_name(text: str, ctx: CliContext) -> str:
    name = text.strip()
    if "\u3000" not in name:
        name = name.replace(" ", "\u3000", 1)
    if "\u3000" not in name.strip("\u3000"):
        raise CliError(Msg("cli.sim.name_needs_space"), ExitCode.USAGE)
    return name


def _overrides(args: argparse.Namespace, base: CardSpec, ctx: CliContext) -> dict[str, Any]:
    """The spec fields the options change (only the options given)."""
    from sim.carddata import AtrKind, SexCode, TokenName

    values: dict[str, Any] = {}
    for _, dest, _ in (*_HOLDER_TEXT_OPTIONS, *_DATE_OPTIONS, *_TRIES_OPTIONS):
        value = getattr(args, dest)
        if value is not None:
            values[dest] = value
    if "name" in values:
        values["name"] = _holder_name(values["name"], ctx)
    if args.sex is not None:
        values["sex"] = SexCode(_SEX_CHOICES[args.sex].card_info_code)
    if args.face_auth:
        values["face_auth"] = True
    both = values.pop("cert_issued", None)
    if both is not None:
        values.setdefault("auth_cert_issued", both)
        if not (args.face_auth or base.face_auth):
            values.setdefault("sign_cert_issued", both)
    if args.atr is not None:
        values["atr"] = AtrKind(args.atr)
    if args.token is not None:
        values["token_name"] = TokenName(args.token)
    if args.smartphone:
        values["smartphone"] = True
    if args.logout_on_select:
        values["clear_verified_on_select"] = True
    if args.keep_verified_on_select:
        values["clear_verified_on_select"] = False
    if args.test_card_basic_info:
        values["basic_info_long_form"] = False
    values.update(_new_pins(args, ctx))
    return values


def _new_pins(args: argparse.Namespace, ctx: CliContext) -> dict[str, str]:
    from jpki.errors import PinFormatError
    from jpki.pins import check_new_pin

    from .pinentry import read_pin

    values: dict[str, str] = {}
    for name in dict.fromkeys(args.set_pin):
        kind = PinKind(name)
        pin = read_pin(ctx, kind, purpose="new", new=True)
        try:
            check_new_pin(kind, pin)
        except PinFormatError as exc:
            detail = exc.detail or str(exc)
            raise CliError(
                Msg("cli.sim.pin_format", pin=kind.label, detail=detail), ExitCode.USAGE
            ) from exc
        values[_PIN_FIELDS[kind]] = pin
    return values


def run_new(args: argparse.Namespace, ctx: CliContext) -> int:
    """Build the card, write it to ``--output``, print its summary."""
    from sim.factory.profiles import DEFAULT_PROFILE, ProfileError, card_data_from_spec, card_spec
    from sim.store import lock_card_file, save_card_data

    output = Path(args.output)
    if output.exists() and not args.force:
        raise CliError(Msg("cli.sim.exists", path=str(output)), ExitCode.USAGE)
    profile = getattr(args, "profile", None) or DEFAULT_PROFILE
    try:
        base = card_spec(profile, today=args.today)
        spec = base.with_overrides(**_overrides(args, base, ctx))
        data = card_data_from_spec(spec)
    except ProfileError as exc:
        if isinstance(exc, InputError) and exc.detail is not None:
            raise CliError(exc.detail, ExitCode.USAGE) from exc
        raise CliError(Msg("cli.sim.cannot_make", detail=str(exc)), ExitCode.USAGE) from exc
    with lock_card_file(output):  # never under a process that is using the card
        save_card_data(data, output)
    ctx.message(Msg("cli.sim.wrote", path=str(output), profile=profile))
    _emit(summarize_card(data), ctx)
    return int(ExitCode.OK)


# --- jpki sim show ------------------------------------------------------------------------


def _register_show(sim_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sim_sub.add_parser(
        "show",
        help="describe a simulated card file (holder, certificates, PIN tries; no PIN values)",
        description=(
            "Describe the simulated card kept in FILE: token, ATR, holder, the certificates' "
            "subjects and expiry dates, and the tries left on each PIN. PIN values are never "
            "shown and the My Number is masked."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE", nargs="?", help="the card file (default: the global --card)"
    )
    parser.set_defaults(handler=run_show)


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    """Load the card file and print its summary."""
    from jpki.errors import CertificateError
    from sim.store import CardFileError, load_card_data

    path = args.file or getattr(args, "card", None)
    if path is None:
        raise CliError(Msg("cli.sim.which_file"), ExitCode.USAGE)
    try:
        data = load_card_data(path)
        summary = summarize_card(data)
    except CardFileError as exc:
        raise CliError(exc.detail or str(exc), ExitCode.USAGE) from exc
    except CertificateError as exc:
        raise CliError(
            Msg("cli.sim.bad_certificate", path=path, detail=str(exc)), ExitCode.USAGE
        ) from exc
    _emit(summary, ctx)
    return int(ExitCode.OK)


# --- jpki sim profiles --------------------------------------------------------------------


def _register_profiles(sim_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sim_sub.add_parser(
        "profiles",
        help="list the simulated card profiles",
        description="List the profiles 'jpki --sim --profile NAME' and 'jpki sim new' accept.",
    )
    parser.set_defaults(handler=run_profiles)


def run_profiles(args: argparse.Namespace, ctx: CliContext) -> int:
    """Print each profile's name and description (``--json``: with its expiry dates)."""
    from sim.factory.profiles import DEFAULT_PROFILE, PROFILES, REFERENCE_DATE, CardExpiries

    if not ctx.json:
        width = max(len(name) for name in PROFILES)
        for name, profile in PROFILES.items():
            ctx.print(f"{name:<{width}}  {ctx.render(profile.description)}")
        return int(ExitCode.OK)
    rendered = []
    for name, profile in PROFILES.items():
        expiries = CardExpiries.of(profile.spec)
        sign = expiries.sign_cert
        rendered.append(
            {
                "name": name,
                "default": name == DEFAULT_PROFILE,
                **{
                    f"description_{lang}": render(profile.description, lang) for lang in languages()
                },
                "card_expiry": expiries.card.isoformat(),
                "auth_cert_expiry": expiries.auth_cert.isoformat(),
                "sign_cert_expiry": None if sign is None else sign.isoformat(),
            }
        )
    ctx.print_json({"reference_date": REFERENCE_DATE.isoformat(), "profiles": rendered})
    return int(ExitCode.OK)
