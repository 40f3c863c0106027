"""``jpki cert read KIND`` and ``jpki cert show KIND | --file PATH``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .card import open_session
from .commands import summary
from .context import CliContext
from .dates import iso_date, today_jst
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_source_options, read_pin

if TYPE_CHECKING:
    from datetime import date

    from jpki.certificate import CertificateInfo
    from jpki.session import JpkiSession

__all__ = ["register", "render_certificate"]

_KINDS = ("auth", "auth-ca", "sign", "sign-ca")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cert`` command group."""
    parser = subparsers.add_parser(
        "cert",
        help=summary("cert"),
    )
    cert_sub = parser.add_subparsers(dest="cert_command", metavar="ACTION")
    cert_sub.required = True
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
    parser.add_argument(
        "--force", action="store_true", help="send the PIN even when one try is left"
    )
    add_pin_source_options(parser)


def _read(ctx: CliContext, session: JpkiSession, args: argparse.Namespace) -> CertificateInfo:
    from jpki.ids import CertKind

    kind = CertKind(args.kind)
    if args.verify_pin and kind.pin_on_card is not None:
        session.verify_pin(kind.pin_on_card, read_pin(ctx, kind.pin_on_card), force=args.force)
    return session.read_certificate(kind).info


def render_certificate(ctx: CliContext, info: CertificateInfo, today: date) -> list[str]:
    """A certificate as lines of text."""
    kind = (
        info.kind.label_ja
        if info.kind and ctx.lang == "ja"
        else (info.kind.label_en if info.kind else ctx.text("不明", "unknown"))
    )
    days = info.days_left(today)
    lines = [
        f"{ctx.text('種類', 'Kind')}: {kind} ({info.issuer_class.value})",
        f"{ctx.text('主体者', 'Subject')}: {info.subject}",
        f"{ctx.text('発行者', 'Issuer')}: {info.issuer}",
        f"{ctx.text('シリアル番号', 'Serial')}: {info.serial}",
        f"{ctx.text('発行日時', 'Not before')}: {info.not_before.isoformat()}",
        f"{ctx.text('有効期限', 'Not after')}: {info.not_after.isoformat()} "
        + (
            f"({render(Msg('safety.no_expiry'), ctx.lang)})"
            if info.no_expiry
            else ctx.text(f"(残り{days}日)", f"({days} days left)")
            if days >= 0
            else ctx.text("(期限切れ)", "(expired)")
        ),
        f"{ctx.text('鍵用途', 'Key usage')}: {', '.join(info.key_usage) or '-'}",
        f"{ctx.text('ポリシー', 'Policies')}: {', '.join(info.policies) or '-'}",
    ]
    holder = info.holder
    if holder is not None:
        birth = holder.birth_date.isoformat() if holder.birth_date else holder.birth_date_code
        lines += [
            f"{ctx.text('氏名', 'Name')}: {holder.name}",
            f"{ctx.text('性別', 'Sex')}: {holder.sex.value}",
            f"{ctx.text('生年月日', 'Birth date')}: {birth}",
            f"{ctx.text('住所', 'Address')}: {holder.address}",
        ]
    return lines


def run_read(args: argparse.Namespace, ctx: CliContext) -> int:
    """Read one certificate and write it as PEM or DER."""
    check_output(ctx, args.output)
    with open_session(ctx) as session:
        info = _read(ctx, session, args)
    if args.format == "der":
        write_output(ctx, info.der, args.output, binary=True)
    else:
        from cryptography.hazmat.primitives.serialization import Encoding

        write_output(ctx, info.certificate.public_bytes(Encoding.PEM), args.output, binary=False)
    return int(ExitCode.OK)


def run_show(args: argparse.Namespace, ctx: CliContext) -> int:
    """Decode a certificate from the card or from a file."""
    today = args.today or today_jst()
    if args.file:
        if args.kind:
            raise CliError("give either KIND or --file, not both", ExitCode.USAGE)
        from jpki.certificate import load_certificate_file

        info = load_certificate_file(args.file)
    elif args.kind:
        with open_session(ctx) as session:
            info = _read(ctx, session, args)
    else:
        raise CliError("say which certificate: KIND or --file PATH", ExitCode.USAGE)
    if ctx.json:
        ctx.print_json(info.to_json(today))
    else:
        for line in render_certificate(ctx, info, today):
            ctx.print(line)
    return int(ExitCode.OK)
