"""``jpki cert read KIND`` and ``jpki cert show KIND | --file PATH``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.ids import CertKind
from jpki.texts import Msg

from .card import open_session
from .commands import add_command_group
from .context import CliContext
from .dates import iso_date, today_jst
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_options, read_pin

if TYPE_CHECKING:
    from datetime import date

    from jpki.certificate import CertificateInfo
    from jpki.session import JpkiSession

__all__ = ["register", "render_certificate"]

_KINDS = tuple(kind.value for kind in CertKind)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cert`` command group."""
    cert_sub = add_command_group(subparsers, "cert")
    read = cert_sub.add_parser("read", help="read a certificate from the card and save it")
    read.add_argument("kind", choices=_KINDS)
    read.add_argument("--format", choices=("pem", "der"), default="pem")
    read.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    _add_verify_pin(read)
    read.set_defaults(handler=run_read)
    show = cert_sub.add_parser("show", help="decode a certificate from the card or a file")
    show.add_argument("kind", nargs="?", choices=_KINDS)
    show.add_argument("--file", metavar="PATH", help="a PEM or DER certificate file")
    show.add_argument("--today", type=iso_date, help="count days left from this date")
    _add_verify_pin(show)
    show.set_defaults(handler=run_show)


def _add_verify_pin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verify-pin",
        action="store_true",
        help="verify the signature password first (the signature certificate needs it)",
    )
    add_pin_options(parser)


def _read(ctx: CliContext, session: JpkiSession, args: argparse.Namespace) -> CertificateInfo:
    return session.read_certificate(_ready(ctx, session, args)).info


def _ready(ctx: CliContext, session: JpkiSession, args: argparse.Namespace) -> CertKind:
    """The certificate asked for, its PIN verified first when asked to."""
    kind = CertKind(args.kind)
    if args.verify_pin and kind.pin_on_card is not None:
        session.verify_pin(kind.pin_on_card, read_pin(ctx, kind.pin_on_card), force=args.force)
    return kind


def render_certificate(ctx: CliContext, info: CertificateInfo, today: date) -> list[str]:
    """A certificate as lines of text, in the context's language."""
    days = info.days_left(today)
    if info.no_expiry:
        left = Msg("cli.cert.in_parentheses", text=Msg("safety.no_expiry"))
    elif days >= 0:
        left = Msg("cli.cert.days_left", count=days)
    else:
        left = Msg("cli.cert.expired")
    fields: list[tuple[str, object]] = [
        (
            "kind",
            Msg(
                "cli.cert.kind",
                kind=info.kind.label if info.kind else Msg("cli.cert.unknown_kind"),
                issuer_class=Msg(f"cli.issuer_class.{info.issuer_class.value}"),
            ),
        ),
        ("subject", info.subject),
        ("issuer", info.issuer),
        ("serial", info.serial),
        ("not_before", info.not_before.isoformat()),
        ("not_after", Msg("cli.cert.not_after", date=info.not_after.isoformat(), left=left)),
        ("key_usage", ", ".join(info.key_usage) or "-"),
        ("policies", ", ".join(info.policies) or "-"),
    ]
    holder = info.holder
    if holder is not None:
        birth = holder.birth_date.isoformat() if holder.birth_date else holder.birth_date_code
        fields += [
            ("name", holder.name),
            ("sex", holder.sex.label),
            ("birth_date", birth),
            ("address", holder.address),
        ]
    return [
        ctx.render(Msg("cli.field", label=Msg(f"cli.label.{name}"), value=value))
        for name, value in fields
    ]


def run_read(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read one certificate and write it as PEM or DER."""
    check_output(ctx, args.output)
    with open_session(ctx) as session:
        # Exported as stored: no X.509 decoding (and no X.509 library) is needed for that.
        der = session.read_certificate_der(_ready(ctx, session, args))
    if args.format == "der":
        write_output(ctx, der, args.output, binary=True)
    else:
        from jpki.pem import certificate_pem

        write_output(ctx, certificate_pem(der), args.output, binary=False)
    return int(ExitCode.OK)


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    """Decode a certificate from the card or from a file."""
    today = args.today or today_jst()
    if args.file:
        if args.kind:
            raise CliError(Msg("cli.cert.kind_or_file"), ExitCode.USAGE)
        from jpki.certificate import load_certificate_file

        info = load_certificate_file(args.file)
    elif args.kind:
        with open_session(ctx) as session:
            info = _read(ctx, session, args)
    else:
        raise CliError(Msg("cli.cert.which"), ExitCode.USAGE)
    if ctx.json:
        ctx.print_json(info.to_json(today))
    else:
        for line in render_certificate(ctx, info, today):
            ctx.print(line)
    return int(ExitCode.OK)
