"""``jpki pdf sign|verify|preflight``: PAdES signatures with the card, and offline checks.

pyHanko (the ``pdf`` extra) is imported inside the handlers only, so that no other command
loads it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .card import open_session
from .commands import add_command_group
from .context import CliContext
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_options, read_pin

if TYPE_CHECKING:
    from jpki.pdf.check import PdfCheck
    from jpki.pdf.sign import SignOptions

__all__ = ["register"]

_MAX_PDF_BYTES = 256 * 1024 * 1024
_MAX_REVOCATION_BYTES = 16 * 1024 * 1024
_BOX = re.compile(r"^(\d+)/(\d+),(\d+),(\d+),(\d+)$")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pdf`` and its subcommands."""
    commands = add_command_group(subparsers, "pdf", metavar="SUBCOMMAND")
    _register_sign(commands)
    for name, handler, text in (
        ("verify", run_verify, "check every signature of FILE offline; exit 6 unless all hold"),
        (
            "preflight",
            run_preflight,
            "say why a strict validator would refuse FILE; exit 6 when it would",
        ),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("file", help="the signed PDF")
        command.add_argument(
            "--trust", metavar="DIR", help="trust anchors (PEM/DER files): CA and TSA roots"
        )
        command.add_argument(
            "--allow-non-production",
            action="store_true",
            help="accept test and simulated CAs in the chain check",
        )
        command.set_defaults(handler=handler)


def _register_sign(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = commands.add_parser(
        "sign",
        help="sign a PDF with the card (PAdES; asks for the key's PIN)",
        description="Sign IN as PAdES with the card's signature key (署名用電子証明書) and "
        "write OUT as an incremental update, so earlier signatures stay valid. The PIN is "
        "checked for tries left before it is sent, as in 'jpki sign'.",
    )
    sign.add_argument("input", metavar="IN", help="the PDF to sign")
    sign.add_argument("-o", "--output", metavar="OUT", required=True, help="the signed PDF")
    sign.add_argument(
        "--key",
        choices=("sign", "auth"),
        default="sign",
        help="card key (default sign; auth is not meant for documents and is refused by "
        "strict validators)",
    )
    sign.add_argument("--tsa", metavar="URL", help="RFC 3161 time-stamp server: PAdES B-T")
    sign.add_argument(
        "--crl", metavar="FILE", action="append", default=[], help="a CRL to embed: B-LT"
    )
    sign.add_argument(
        "--ocsp", metavar="FILE", action="append", default=[], help="an OCSP response: B-LT"
    )
    sign.add_argument(
        "--fetch-revocation",
        action="store_true",
        help="download the revocation data the certificates name: B-LT",
    )
    sign.add_argument(
        "--extra-trust",
        metavar="FILE",
        action="append",
        default=[],
        help="with B-LT: another root to validate against (e.g. the TSA's)",
    )
    sign.add_argument(
        "--visible",
        metavar="PAGE/X1,Y1,X2,Y2",
        help="a visible signature box (page from 0, PDF points), e.g. 0/72,650,320,720",
    )
    sign.add_argument("--text", default="", help="short text in the visible box")
    sign.add_argument("--font", metavar="PATH", help="font for the box text (default: Noto CJK)")
    sign.add_argument("--field", metavar="NAME", help="signature field name")
    sign.add_argument("--reason", help="the signature's /Reason")
    sign.add_argument("--location", help="the signature's /Location")
    add_pin_options(sign)
    sign.set_defaults(handler=run_sign)


def _require_pyhanko() -> None:
    try:
        import pyhanko  # noqa: F401
    except ImportError as exc:
        from jpki.texts import Msg

        install = "pip install 'jpki-toolkit[pdf]'"
        raise CliError(Msg("pdf.cli.needs_pyhanko", command=install), ExitCode.USAGE) from exc


def _read(path: str, limit: int) -> bytes:
    from jpki.files import read_limited
    from jpki.pdf.errors import PdfInputError

    return read_limited(Path(path), limit, PdfInputError)


def _sign_options(args: argparse.Namespace) -> SignOptions:
    from jpki.ids import KeyKind
    from jpki.pdf.appearance import VisibleSignature
    from jpki.pdf.sign import Revocation, SignOptions

    visible = None
    if args.visible:
        match = _BOX.match(args.visible)
        if match is None:
            raise CliError(
                f"--visible {args.visible}: expected PAGE/X1,Y1,X2,Y2 in whole points",
                ExitCode.USAGE,
            )
        page, x1, y1, x2, y2 = (int(value) for value in match.groups())
        visible = VisibleSignature(
            page=page,
            box=(x1, y1, x2, y2),
            text=args.text,
            font=Path(args.font) if args.font else None,
        )
    elif args.text or args.font:
        from jpki.texts import Msg

        needs = Msg("pdf.cli.needs_visible", options="--text, --font", visible="--visible")
        raise CliError(needs, ExitCode.USAGE)
    return SignOptions(
        key=KeyKind(args.key),
        tsa_url=args.tsa,
        revocation=Revocation(
            crls=tuple(_read(path, _MAX_REVOCATION_BYTES) for path in args.crl),
            ocsp_responses=tuple(_read(path, _MAX_REVOCATION_BYTES) for path in args.ocsp),
            fetch=bool(args.fetch_revocation),
        ),
        extra_trust=tuple(_read(path, _MAX_REVOCATION_BYTES) for path in args.extra_trust),
        visible=visible,
        field_name=args.field,
        reason=args.reason,
        location=args.location,
    )


def run_sign(args: argparse.Namespace, ctx: CliContext) -> int:
    """Sign a PDF on the card."""
    _require_pyhanko()
    from jpki.ids import KeyKind
    from jpki.pdf.sign import check_inputs, sign_pdf_with_card
    from jpki.texts import Msg, render

    pdf = _read(args.input, _MAX_PDF_BYTES)
    check_output(ctx, args.output)
    options = _sign_options(args)
    # Everything that can be refused is refused before the PIN is asked for.
    check_inputs(pdf, options)
    if options.key is KeyKind.AUTH:
        ctx.message(render(Msg("pdf.sign.auth_key_note"), ctx.lang))
    pin = read_pin(ctx, options.key.pin)
    with open_session(ctx) as session:
        result = sign_pdf_with_card(session, pdf, pin, options, force=bool(args.force))
        del pin
    write_output(ctx, result.pdf, args.output, binary=True)
    for note in result.notes:
        if note.key != "pdf.sign.auth_key_note":
            ctx.message(render(note, ctx.lang))
    if ctx.json:
        ctx.print_json(result.to_json())
    else:
        key = Msg(f"pdf.sign.key_{result.key.value}")
        ctx.message(
            render(
                Msg(
                    "pdf.sign.written",
                    field=result.field_name,
                    level=result.level.value,
                    key=key,
                ),
                ctx.lang,
            )
        )
    return int(ExitCode.OK)


def _check(args: argparse.Namespace) -> PdfCheck:
    from jpki.chain import load_trust_anchors
    from jpki.pdf.check import check_pdf

    pdf = _read(args.file, _MAX_PDF_BYTES)
    anchors = load_trust_anchors(args.trust) if args.trust else None
    return check_pdf(pdf, anchors, require_production=not args.allow_non_production)


def run_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    """Check a signed PDF offline; exit 6 unless every signature holds."""
    _require_pyhanko()
    from jpki.pdf.report import check_lines, render_lines

    check = _check(args)
    if ctx.json:
        ctx.print_json(check.to_json())
    else:
        ctx.print(render_lines(check_lines(check, args.file), ctx.lang))
    return int(ExitCode.OK if check.ok else ExitCode.VERIFICATION_FAILED)


def run_preflight(args: argparse.Namespace, ctx: CliContext) -> int:
    """Explain why a strict validator would refuse the PDF; exit 6 when it would."""
    _require_pyhanko()
    from jpki.pdf.preflight import preflight
    from jpki.pdf.report import preflight_lines, render_lines

    result = preflight(_check(args))
    if ctx.json:
        ctx.print_json(result.to_json(ctx.lang))
    else:
        ctx.print(render_lines(preflight_lines(result), ctx.lang))
    return int(ExitCode.OK if result.ok else ExitCode.VERIFICATION_FAILED)
