"""``jpki sign KEY FILE`` (on the card) and ``jpki verify FILE SIGNATURE`` (offline)."""

from __future__ import annotations

import argparse
from pathlib import Path

from jpki.ids import KeyKind
from jpki.texts import Msg

from .card import open_session
from .commands import add_command
from .context import CliContext
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_options, read_pin

__all__ = ["register"]

_HASHES = ("sha1", "sha256", "sha384", "sha512")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sign`` and ``verify`` commands."""
    sign = add_command(
        subparsers,
        "sign",
        "Hash FILE on this computer, verify the key's PIN (guarded), let the "
        "card sign the DigestInfo, check the signature against the card's certificate, and "
        "write a raw PKCS#1 v1.5 signature or a detached CMS (verifiable with "
        "'openssl cms -verify').",
    )
    sign.add_argument("key", choices=tuple(key.value for key in KeyKind), help="which card key")
    sign.add_argument("file", help="the file to sign")
    sign.add_argument("--hash", choices=_HASHES, default="sha256")
    sign.add_argument("--format", choices=("raw", "cms"), default="raw")
    sign.add_argument("--pem", action="store_true", help="with --format cms: write PEM")
    sign.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    add_pin_options(sign)
    sign.set_defaults(handler=run_sign)

    verify = add_command(
        subparsers,
        "verify",
        "Check SIGNATURE over FILE. A raw signature needs --cert; a CMS carries "
        "its signer certificate. With --trust DIR the signer must chain to a certificate in "
        "DIR; test and simulated CAs are refused unless --allow-non-production is given.",
    )
    verify.add_argument("file")
    verify.add_argument("signature")
    verify.add_argument(
        "--format",
        choices=("raw", "cms"),
        default=None,
        help="default: cms when the signature parses as CMS, else raw",
    )
    verify.add_argument("--cert", metavar="PATH", help="signer certificate for a raw signature")
    verify.add_argument("--hash", choices=_HASHES, default="sha256")
    verify.add_argument("--trust", metavar="DIR", help="trust anchors (PEM/DER files)")
    verify.add_argument(
        "--allow-non-production",
        action="store_true",
        help="accept test and simulated CAs in the --trust check",
    )
    verify.set_defaults(handler=run_verify)


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(
            Msg("cli.sign.cannot_read", path=path, reason=exc.strerror), ExitCode.USAGE
        ) from exc


def run_sign(args: argparse.Namespace, ctx: CliContext) -> int:
    """Sign a file on the card."""
    from jpki.cms import cms_to_pem, sign_cms_detached
    from jpki.digest import HashAlgorithm

    message = _read_file(args.file)
    check_output(ctx, args.output)
    key = KeyKind(args.key)
    algorithm = HashAlgorithm(args.hash)
    pin = read_pin(ctx, key.pin)
    with open_session(ctx) as session:
        session.verify_pin(key.pin, pin, force=bool(args.force))
        del pin
        if args.format == "raw":
            output = session.sign(key, message, algorithm)
        else:
            certificate = session.read_certificate(key.certificate).info
            output = sign_cms_detached(
                certificate,
                message,
                lambda digest_info: session.sign_digest_info(key, digest_info),
                algorithm=algorithm,
            )
            if args.pem:
                output = cms_to_pem(output).encode("ascii")
    write_output(ctx, output, args.output, binary=not args.pem)
    return int(ExitCode.OK)


def run_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    """Verify a signature offline; exit 6 when it does not verify."""
    from datetime import UTC, datetime

    from jpki.certificate import load_certificate_file
    from jpki.chain import load_trust_anchors, verify_chain
    from jpki.cms import verify_cms_detached
    from jpki.digest import HashAlgorithm, verify_pkcs1_signature
    from jpki.errors import CmsError

    message = _read_file(args.file)
    signature = _read_file(args.signature)
    anchors = load_trust_anchors(args.trust) if args.trust else None
    require_production = not args.allow_non_production
    fmt = args.format
    if fmt is None:
        fmt = "raw" if len(signature) == 256 and args.cert else "cms"
    result: dict[str, object] = {"format": fmt, "valid": True}
    if fmt == "cms":
        try:
            verification = verify_cms_detached(
                signature, message, anchors, require_production=require_production
            )
        except CmsError as exc:
            raise CliError(
                Msg("cli.sign.not_cms", detail=str(exc)), ExitCode.VERIFICATION_FAILED
            ) from exc
        result.update(verification.to_json())
        signer = verification.signer
        chain = verification.chain
    else:
        if not args.cert:
            raise CliError(Msg("cli.sign.raw_needs_cert"), ExitCode.USAGE)
        signer = load_certificate_file(args.cert)
        verify_pkcs1_signature(signer, message, signature, HashAlgorithm(args.hash))
        result["signer"] = signer.to_json()
        chain = None
        if anchors is not None:
            chain = verify_chain(
                signer, anchors, at=datetime.now(UTC), require_production=require_production
            )
            result["chain"] = chain.to_json()
    chain_ok = chain is None or chain.valid
    result["valid"] = chain_ok
    if ctx.json:
        ctx.print_json(result)
    elif chain_ok:
        ctx.print(Msg("cli.sign.verified", signer=signer.subject))
    else:
        assert chain is not None  # noqa: S101 - narrowed by chain_ok
        ctx.print(
            Msg(
                "cli.sign.certificate_not_valid",
                validity=Msg(f"cli.validity.{chain.validity.value}"),
            )
        )
    return int(ExitCode.OK if chain_ok else ExitCode.VERIFICATION_FAILED)
