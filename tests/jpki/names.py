"""Distinguished names the JPKI tests give hand-made certificates: J-LIS's, or look-alikes."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from sim.factory import pki

SIGN_OU = "JPKI for digital signature"
AUTH_OU = "JPKI for user authentication"


def jpki_name(organization: str, purpose: str) -> list[tuple[x509.ObjectIdentifier, str]]:
    """``C=JP, O=<organization>, OU=<purpose>, OU=<the agency>``, the shape of J-LIS's names."""
    return [
        (NameOID.COUNTRY_NAME, "JP"),
        (NameOID.ORGANIZATION_NAME, organization),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, purpose),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, pki.AGENCY),
    ]
