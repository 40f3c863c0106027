"""``jpki diagnose``: what is wrong with a card, what the resident can do, where and from when.

Reads the card without any PIN (token when needed, certificate availability, the
user-authentication certificate, the four PIN counters and the card's expiry record), applies
the expiry rules (with ``--birth`` and ``--card-issued`` also to what the chip cannot show),
and prints one finding per line, worst first, in Japanese or English; ``--json`` renders the
same result (schema in :mod:`jpki.diagnosis.result`, codes in :mod:`jpki.diagnosis.findings`).

Exit status: 0 when every finding is ok, 10 when some need attention and none needs action,
11 when action is needed (a blocked PIN, an expired certificate or card, not a My Number
Card); 2 for dates or a municipality file that cannot be used (nothing is read then); 3 when
there is no card or reader, or the card is removed.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .card import open_card
from .commands import add_command
from .context import CliContext
from .dates import today_jst
from .errors import CliError, ExitCode
from .municipality import add_municipality_option
from .rule_options import add_rule_options, input_error, known_dates, parse_date, parse_rule_dates

if TYPE_CHECKING:
    from jpki.diagnosis import Municipality
    from jpki.rules import KnownDates

__all__ = ["register", "run"]


_NEED_RULE_DATES = ("cert_issued", "auth_cert_issued", "sign_cert_issued", "application_received")

_EPILOG = """\
The card is read without any PIN, in 10 + ceil(certificate size / 256) short APDUs (16 on the
simulated card, 17 on a real one). --check-chain also reads the token and the two CA
certificates (about 13 more APDUs) and verifies the auth certificate's signature with the CA
certificate on the card: the auth certificate's issuer already names the hierarchy, so ask
for it only when the signature itself matters.

Finding codes (JSON "code"): not_a_my_number_card, smartphone_token, juki_card, card_ok,
card_renewable, card_expired, card_expiry_unknown, card_expiry_mismatch,
residence_period_limit, auth_cert_ok, auth_cert_renewable, auth_cert_expired,
auth_cert_absent, auth_cert_unreadable, auth_cert_store_pending, sign_cert_present,
sign_cert_ok, sign_cert_renewable, sign_cert_expired, sign_cert_absent, sign_cert_pending,
cert_expiry_mismatch,
chain_ok, chain_not_production, chain_invalid, {auth,sign,card_info,juki}_pin_blocked,
{auth,sign,card_info,juki}_pin_last_try, pins_ok, unconfirmed_rule.

Exit status: 0 all ok; 10 attention (nothing blocked or expired, but something to know or
do soon); 11 action needed; 2 unusable dates or municipality file; 3 no card or card removed.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``diagnose`` command."""
    parser = add_command(
        subparsers,
        "diagnose",
        handler=run,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_rule_options(
        parser, birth_help="date of birth (with --card-issued: compare the chip with the rules)"
    )
    add_municipality_option(parser)
    parser.add_argument(
        "--check-chain",
        action="store_true",
        help=(
            "also read the CA certificates (about 13 more APDUs) and verify the auth "
            "certificate's signature with the auth CA certificate on the card"
        ),
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read the card, diagnose it and print the report; the exit status is its severity."""
    from jpki.diagnosis import check_circumstances, diagnose, read_facts, render_text
    from jpki.rules import RulesInputError

    today = parse_date(args.today, "--today", ctx) or today_jst()
    municipality = _municipality(args.municipality, ctx)
    known = _known(args, ctx)
    try:
        # Refuse impossible dates before the card is touched.
        check_circumstances(known, today)
    except RulesInputError as exc:
        raise input_error(exc, exc.problem.msg, ctx) from exc
    with open_card(ctx) as connection:
        facts = read_facts(
            connection, check_chain=args.check_chain, extended=bool(ctx.args.extended)
        )
    try:
        diagnosis = diagnose(facts, today, circumstances=known, municipality=municipality)
    except RulesInputError as exc:
        raise input_error(exc, exc.problem.msg, ctx) from exc
    if ctx.json:
        ctx.print_json(diagnosis.to_json(ctx.lang))
    else:
        for line in render_text(diagnosis, ctx.lang):
            ctx.print(line)
    return int(ExitCode(diagnosis.exit_status))


def _municipality(path: str | None, ctx: CliContext) -> Municipality | None:
    if path is None:
        return None
    from jpki.diagnosis import MunicipalityError, load_municipality

    try:
        return load_municipality(path)
    except MunicipalityError as exc:
        which = "error.municipality" if exc.key else "error.municipality_file"
        said = _say(ctx, which, source=path, key=exc.key, problem=str(exc))
        raise CliError(said, ExitCode.USAGE) from exc


def _say(ctx: CliContext, name: str, **values: object) -> str:
    from jpki.texts import Msg, render

    return render(Msg(f"diagnosis.{name}", **values), ctx.lang)


def _known(args: argparse.Namespace, ctx: CliContext) -> KnownDates:
    """What staff know, as the rules' :class:`~jpki.rules.KnownDates`: the birth date and the
    card issue date go together, and the dates and flags that refine the rules need them
    (a one-line usage error otherwise)."""
    dates = parse_rule_dates(args, ctx)
    if (dates["birth"] is None) != (dates["card_issued"] is None):
        raise CliError(_say(ctx, "error.birth_and_issue"), ExitCode.USAGE)
    lonely = [
        f"--{name.replace('_', '-')}"
        for name in _NEED_RULE_DATES
        if dates[name] is not None and dates["birth"] is None
    ]
    lonely += [
        option
        for option in ("--special-extension", "--renewed-in-window", "--cert-renewed-in-window")
        if getattr(args, option.lstrip("-").replace("-", "_")) and dates["birth"] is None
    ]
    if lonely:
        raise CliError(_say(ctx, "error.needs_birth", options=lonely), ExitCode.USAGE)
    return known_dates(args, dates)
