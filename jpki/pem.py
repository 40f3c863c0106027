"""PEM armour for a DER certificate (RFC 7468), without an X.509 library.

Exporting a certificate read from the card (``jpki cert read``) needs nothing more, so this
module stays apart from :mod:`jpki.certificate`, which decodes certificates.
"""

from __future__ import annotations

import base64

__all__ = ["certificate_pem"]

_LINE = 64


def certificate_pem(der: bytes) -> bytes:
    """*der* as one PEM ``CERTIFICATE`` block (RFC 7468: 64 base64 characters a line)."""
    text = base64.b64encode(der)
    lines = [text[i : i + _LINE] for i in range(0, len(text), _LINE)]
    return b"\n".join([b"-----BEGIN CERTIFICATE-----", *lines, b"-----END CERTIFICATE-----", b""])
