"""``jpki sign KEY FILE`` (on the card) and ``jpki verify FILE SIGNATURE`` (offline)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from jpki.texts import Msg, render

from .card import open_session
from .commands import summary
from .context import CliContext
from .errors import CliError, ExitCode
from .output import check_output, write_output
from .pinentry import add_pin_source_options, read_pin

if TYPE_CHECKING:
    from jpki.chain import TrustAnchor

__all__ = ["register"]

_HASHES = ("sha1", "sha256", "sha384", "sha512")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sign`` and ``verify`` commands."""
    sign = subparsers.add_parser(
        "sign",
        help=summary("sign"),
        description="Hash FILE on this computer, verify the key's PIN (guarded), let the "
        "card sign the DigestInfo, check the signature against the card's certificate, and "
        "write a raw PKCS#1 v1.5 signature or a detached CMS (verifiable with "
        "'openssl cms -verify').",
    )
    sign.add_argument("key", choices=("auth", "sign"), help="which card key")
    sign.add_argument("file", help="the file to sign")
    sign.add_argument("--hash", choices=_HASHES, default="sha256")
    sign.add_argument("--format", choices=("raw", "cms"), default="raw")
    sign.add_argument("--pem", action="store_true", help="with --format cms: write PEM")
    sign.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    sign.add_argument("--force", action="store_true", help="send the PIN even when one try is left")
    add_pin_source_options(sign)
    sign.set_defaults(handler=run_sign)

    verify = subparsers.add_parser(
        "verify",
        help=summary("verify"),
        description="Check SIGNATURE over FILE. A raw signature needs --cert; a CMS carries "
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


SIGNATURE_FILE_LIMIT = 1 << 20
"""The largest signature file ``verify`` reads (1 MiB: a CMS with its certificate is ~5 kB)."""


def _read_signature(path: str) -> bytes:
    from apdu.errors import InputError
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
    from jpki.cms import cms_to_pem, sign_cms_detached
    from jpki.digest import HashAlgorithm, MessageFile, digest_info
    from jpki.ids import KeyKind

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
                key, digest_info(algorithm, digest=message.digest(algorithm))
            )
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
                f"not a valid CMS signature: {exc}", ExitCode.VERIFICATION_FAILED
            ) from exc
        result.update(verification.to_json())
        signer = verification.signer
        chain = verification.chain
    else:
        if not args.cert:
            raise CliError("a raw signature needs --cert PATH", ExitCode.USAGE)
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
        ctx.print(
            ctx.text(
                f"署名は正しく検証されました(署名者: {signer.subject})。",
                f"signature OK (signer: {signer.subject})",
            )
        )
    else:
        assert chain is not None  # noqa: S101 - narrowed by chain_ok
        ctx.print(
            ctx.text(
                f"署名は一致しますが、証明書が有効ではありません({chain.validity.value})。",
                f"signature matches, but the certificate is not valid ({chain.validity.value})",
            )
        )
    return int(ExitCode.OK if chain_ok else ExitCode.VERIFICATION_FAILED)
