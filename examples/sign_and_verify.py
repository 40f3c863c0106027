"""Sign a file with the card's user-authentication key, then verify the signature.

The file is hashed here (SHA-256); the card gets only the DigestInfo and returns a raw
RSA-2048 PKCS#1 v1.5 signature, which the session checks against the card's certificate
before handing it over. The example checks it once more, offline, the way a relying party
would, and prints the ``openssl`` commands that do the same.

The user-authentication PIN (4 digits) comes from ``JPKI_AUTH_PIN``, never from the command
line. Without it, on the simulated card (no ``--reader``), the simulator's documented PIN
``1234`` is used, and the example says so; with ``--reader`` you are asked for it (no echo).
The session's guard reads the counter first and refuses to send a PIN that has one try left,
so this example cannot lock a card.

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/sign_and_verify.py examples/residents.csv -o /tmp/residents.sig
    .venv/bin/python examples/sign_and_verify.py report.pdf --reader "NAME"
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from _card import add_card_options, add_file_to_sign, open_card, output_path, read_pin
from cryptography.hazmat.primitives.serialization import Encoding

from apdu import ToolkitError
from jpki.digest import HashAlgorithm, verify_pkcs1_signature
from jpki.errors import (
    LastTryRefusedError,
    PinBlockedError,
    PinFormatError,
    PinIncorrectError,
)
from jpki.ids import KeyKind
from jpki.session import JpkiSession
from jpki.texts import render


def main(argv: list[str] | None = None) -> int:
    """Sign FILE on the card and verify it; 1 on a card, PIN or PC/SC problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_file_to_sign(parser, output="signature file to write", suffix=".sig")
    parser.add_argument(
        "--cert",
        type=Path,
        help="where to save the signer's certificate, PEM (default: next to the signature)",
    )
    add_card_options(parser)
    args = parser.parse_args(argv)
    message = args.file.read_bytes()
    signature_path = output_path(args, ".sig")
    cert_path = args.cert or signature_path.with_name("signer-cert.pem")
    key = KeyKind.AUTH
    pin = read_pin(key.pin, args)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)
            before = session.pin_status(key.pin)
            print(f"{render(key.pin.label, 'en')}: {before.remaining} of {before.max} tries left")
            session.verify_pin(key.pin, pin)  # guarded: see the module documentation
            del pin
            signature = session.sign(key, message, HashAlgorithm.SHA256)
            signer = session.read_certificate(key.certificate).info
        # Closing the connection powered the card down: the verified PIN is gone.
        # Offline, as anyone holding the file, the signature and the certificate can do it:
        verify_pkcs1_signature(signer, message, signature, HashAlgorithm.SHA256)
    except PinIncorrectError as exc:
        print(f"wrong PIN: {exc.remaining} tries left; nothing was signed", file=sys.stderr)
        return 1
    except (PinBlockedError, LastTryRefusedError, PinFormatError) as exc:
        print(f"not sent: {exc}", file=sys.stderr)
        return 1
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    signature_path.write_bytes(signature)
    cert_path.write_bytes(signer.certificate.public_bytes(Encoding.PEM))
    print(f"signed {args.file} ({len(message)} bytes): {len(signature)}-byte signature")
    print(f"signer: {signer.subject} ({signer.issuer_class.value}), until {signer.expiry_date}")
    print(f"verified; wrote {signature_path} and {cert_path}")
    cert, signature_file = shlex.quote(str(cert_path)), shlex.quote(str(signature_path))
    public_key = shlex.quote(str(signature_path.with_name("signer-key.pem")))
    print("check it with openssl:")
    print(f"  openssl x509 -in {cert} -pubkey -noout > {public_key}")
    print(
        f"  openssl dgst -sha256 -verify {public_key} -signature {signature_file} "
        f"{shlex.quote(str(args.file))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
