"""Read the user-authentication certificate (利用者証明用電子証明書) and save it as PEM.

No PIN is needed: on a physical card the certificate file is free to read (a smartphone
certificate, profile ``android``, is the exception and raises ``PinRequiredError``). The session
reads it with the fewest APDUs: by short EF identifier, the first 256-byte chunk doubling as
the length probe, so a 1.5 KB certificate costs 6-7 READ BINARY commands.

The subject of this certificate is an opaque serial: it holds no name or address. Its issuer
class says which hierarchy issued it; only ``production`` (O=JPKI) is the real J-LIS one.

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/read_auth_certificate.py                    # simulated card
    .venv/bin/python examples/read_auth_certificate.py -o auth.pem --reader "NAME"
    openssl x509 -in auth-cert.pem -noout -subject -issuer -dates
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _card import add_card_options, open_card
from cryptography.hazmat.primitives.serialization import Encoding

from apdu import ToolkitError
from jpki.ids import CertKind
from jpki.session import JpkiSession


def main(argv: list[str] | None = None) -> int:
    """Read the certificate, save it, print what it says; 1 on a card or PC/SC problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-o", "--output", default="auth-cert.pem", help="PEM file to write (default: %(default)s)"
    )
    add_card_options(parser)
    args = parser.parse_args(argv)
    try:
        with open_card(args) as connection:
            session = JpkiSession(connection)  # SELECT of the JPKI application
            certificate = session.read_certificate(CertKind.AUTH)
            apdus = connection.apdu_count
            source = connection.name
    except ToolkitError as exc:  # the root of every error the toolkit raises on purpose
        print(f"error: {exc}", file=sys.stderr)
        return 1
    Path(args.output).write_bytes(certificate.certificate.public_bytes(Encoding.PEM))
    info = certificate.info
    print(f"read {len(info.der)} bytes from {source} in {apdus} APDUs; wrote {args.output}")
    print(f"subject:      {info.subject}")
    print(f"issuer:       {info.issuer}")
    print(f"issuer class: {info.issuer_class.value}")
    print(f"serial:       {info.serial}")
    print(f"valid:        {info.not_before.isoformat()} .. {info.not_after.isoformat()}")
    print(f"expiry date:  {info.expiry_date} (JST calendar date of notAfter)")
    if not info.issuer_class.is_production:
        print("note: not issued by J-LIS (O=JPKI); never trust it for anything real")
    return 0


if __name__ == "__main__":
    sys.exit(main())
