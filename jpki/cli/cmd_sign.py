"""``jpki sign KEY FILE`` (on the card) and ``jpki verify FILE SIGNATURE`` (offline)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.ids import KeyKind
from jpki.texts import Msg, render

from .card import open_session
from .commands import add_command
from .context import CliContext
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_options, read_pin

if TYPE_CHECKING:
    from jpki.chain import TrustAnchor

__all__ = ["register"]

_HASHES = ("sha1", "sha256", "sha384", "sha512")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sign`` and ``verify`` commands."""
    sign = add_command(subparsers, "sign", handler=run_sign)
    sign.add_argument("key", choices=tuple(key.value for key in KeyKind), help="which card key")
    sign.add_argument("file", help="the file to sign")
    sign.add_argument("--hash", choices=_HASHES, default="sha256")
    sign.add_argument("--format", choices=("raw", "cms"), default="raw")
    sign.add_argument("--pem", action="store_true", help="with --format cms: write PEM")
    sign.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    sign.add_argument(
        "--check",
        action="store_true",
        help="raw format: also read the key's certificate from the card (7 READ BINARY more "
        "for a 1573-byte certificate) and check the signature with it before writing it",
    )
    add_pin_options(sign)

    verify = add_command(subparsers, "verify", handler=run_verify)
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


SIGNATURE_FILE_LIMIT = 1 << 20
"""The largest signature file ``verify`` reads (1 MiB: a CMS with its certificate is ~5 kB)."""


def _read_signature(path: str) -> bytes:
    from jpki.errors import InputError
    from jpki.files import read_limited

    return read_limited(path, SIGNATURE_FILE_LIMIT, InputError)


def _trust_anchors(ctx: CliContext, path: str) -> tuple[TrustAnchor, ...]:
    """The anchors of ``--trust``; an unusable path is a usage error (exit 2), not a failed
    verification."""
    from jpki.chain import load_trust_anchors
    from jpki.errors import CertificateError, ChainError

    try:
        return load_trust_anchors(path)
    except (ChainError, CertificateError) as exc:
        raise CliError(
            render(Msg("safety.trust_unusable", option="--trust", reason=str(exc)), ctx.lang),
            ExitCode.USAGE,
        ) from exc


def run_sign(args: argparse.Namespace, ctx: CliContext) -> int:
    """Sign a file on the card."""
    from jpki.digest import HashAlgorithm, MessageFile, digest_info

    message = MessageFile(args.file)  # hashed as a stream, never read whole
    check_output(ctx, args.output)
    key = KeyKind(args.key)
    algorithm = HashAlgorithm(args.hash)
    pin = read_pin(ctx, key.pin)
    with open_session(ctx) as session:
        session.verify_pin(key.pin, pin, force=bool(args.force))
        del pin
        if args.format == "raw":
            output = session.sign_digest_info(
                key,
                digest_info(algorithm, digest=message.digest(algorithm)),
                check=bool(args.check),
            )
        else:
            from jpki.cms import cms_to_pem, sign_cms_detached

            # The signer certificate is needed for the CMS: the signature is checked with it.
            certificate = session.read_certificate(key.certificate).info
            output = sign_cms_detached(
                certificate,
                message,
                lambda digest_info: session.sign_digest_info(key, digest_info, check=True),
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
    from jpki.chain import verify_chain
    from jpki.cms import verify_cms_detached
    from jpki.digest import HashAlgorithm, MessageFile, verify_pkcs1_signature
    from jpki.errors import CmsError

    message = MessageFile(args.file)  # hashed as a stream, never read whole
    signature = _read_signature(args.signature)
    anchors = _trust_anchors(ctx, args.trust) if args.trust else None
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
        algorithm = HashAlgorithm(args.hash)
        verify_pkcs1_signature(
            signer, message.digest(algorithm), signature, algorithm, prehashed=True
        )
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
