"""Make a detached CMS signature (PKCS#7, ``.p7s``) with a card key that ``openssl`` accepts.

:func:`jpki.cms.sign_cms_detached` builds the signed attributes (contentType, signingTime,
messageDigest), lets the card sign their DigestInfo, checks the card's signature and returns
the DER ``ContentInfo``. The example also saves the issuing CA certificate read from the same
card, verifies the CMS offline with :func:`jpki.cms.verify_cms_detached`, and prints the exact
``openssl cms -verify`` command that checks it. ``-purpose any`` is needed because JPKI
certificates are not e-mail (S/MIME) certificates: the auth certificate's extended key usage is
clientAuth.

The key's PIN comes from ``JPKI_AUTH_PIN`` (``--key auth``, the default) or ``JPKI_SIGN_PIN``
(``--key sign``), never from the command line; without it the simulated card uses its
documented default (``1234`` / ``ABCD1234``) and a real card (``--reader``) asks for it.

The CA certificate on the card is fine for a demonstration; a relying party should trust the
J-LIS root certificates it got from J-LIS itself, not from the card it is checking.

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/cms_signature.py examples/residents.csv -o /tmp/residents.p7s
    .venv/bin/python examples/cms_signature.py contract.pdf --key sign --reader "NAME"
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from _card import add_card_options, add_file_to_sign, open_card, output_path, read_pin
from cryptography.hazmat.primitives.serialization import Encoding

from apdu import ToolkitError
from jpki.cms import sign_cms_detached, verify_cms_detached
from jpki.ids import CertKind, KeyKind
from jpki.session import JpkiSession

_CA_OF = {KeyKind.AUTH: CertKind.AUTH_CA, KeyKind.SIGN: CertKind.SIGN_CA}


def openssl_command(cms: Path, content: Path, ca_file: Path) -> str:
    """The ``openssl cms -verify`` command line that checks *cms* over *content*."""
    words = ["openssl", "cms", "-verify", "-binary", "-inform", "DER"]
    words += ["-in", str(cms), "-content", str(content)]
    words += ["-purpose", "any", "-CAfile", str(ca_file), "-out", "/dev/null"]
    return shlex.join(words)


def main(argv: list[str] | None = None) -> int:
    """Sign FILE as detached CMS and verify it; 1 on a card, PIN or PC/SC problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_file_to_sign(parser, output="the CMS file to write, DER", suffix=".p7s")
    parser.add_argument(
        "--key",
        choices=[key.value for key in KeyKind],
        default="auth",
        help="which card key: auth (4-digit PIN) or sign (signature password)",
    )
    parser.add_argument(
        "--ca-out", type=Path, help="where to save the CA certificate (default: next to the CMS)"
    )
    add_card_options(parser)
    args = parser.parse_args(argv)
    key = KeyKind(args.key)
    message = args.file.read_bytes()
    cms_path = output_path(args, ".p7s")
    ca_path = args.ca_out or cms_path.with_name(f"{_CA_OF[key].value}-cert.pem")
    pin = read_pin(key.pin, args)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)
            session.verify_pin(key.pin, pin)  # guarded: refuses a PIN on its last try
            del pin
            # The signature certificate can only be read with the password verified: read
            # it now, in the same card session.
            signer = session.read_certificate(key.certificate).info
            ca = session.read_certificate(_CA_OF[key]).info
            cms = sign_cms_detached(
                signer, message, lambda digest_info: session.sign_digest_info(key, digest_info)
            )
        # Offline from here: the card is powered down, the PIN no longer verified.
        checked = verify_cms_detached(
            cms, message, [ca], require_production=ca.issuer_class.is_production
        )
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    cms_path.write_bytes(cms)
    ca_path.write_bytes(ca.certificate.public_bytes(Encoding.PEM))
    chain = checked.chain
    print(f"signed {args.file} with the {key.value} key: wrote {cms_path} ({len(cms)} bytes)")
    when = checked.signing_time.isoformat() if checked.signing_time else "none"
    print(f"signer: {checked.signer.subject}; signing time {when}")
    if chain is not None:
        print(f"chain: {chain.validity.value}, issued by {chain.anchor.info.subject}")
        print(f"       ({chain.issuer_class.value} hierarchy; CA certificate in {ca_path})")
    print("verify it with openssl:")
    print(f"  {openssl_command(cms_path, args.file, ca_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
