"""A pyHanko signer whose private key is on the card.

pyHanko builds the CMS (signed attributes, signing-certificate attribute, time-stamp); when it
needs the RSA signature it calls :meth:`CardSigner.async_sign_raw`, which hashes the signed
attributes on this computer and lets the card sign their DigestInfo (PKCS#1 v1.5). The
signer's certificate and its CA certificate are read from the card.

The PIN is not this module's business: verify it first with
:meth:`jpki.session.JpkiSession.verify_pin` (the guard against spending the last try lives
there), in the same card session.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from jpki.digest import HashAlgorithm, digest_info
from jpki.ids import CertKind, KeyKind
from jpki.session import JpkiSession

__all__ = ["CardSigner", "CardTiming"]

logger = logging.getLogger(__name__)

_RSA_2048_BYTES = 256
"""The size of a card signature (both JPKI keys are RSA-2048)."""


@dataclass(frozen=True, slots=True)
class CardTiming:
    """How long the card took: the signatures it made and the seconds spent waiting for them."""

    signatures: int
    seconds: float


class CardSigner(Signer):
    """pyHanko's :class:`~pyhanko.sign.signers.pdf_cms.Signer` with the card as its key.

    :param session: a card session in which the key's PIN has been verified.
    :param key: which card key signs; :attr:`KeyKind.SIGN` (署名用) is the one meant for
        documents.
    :param signing_cert: the key's certificate, as read from the card.
    :param ca_cert: the CA certificate read from the card, embedded with the signature.
    """

    def __init__(
        self,
        session: JpkiSession,
        key: KeyKind,
        signing_cert: asn1_x509.Certificate,
        ca_cert: asn1_x509.Certificate,
    ) -> None:
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs([ca_cert]),  # type: ignore[no-untyped-call]
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
            embed_roots=True,
        )
        self._session = session
        self._key = key
        self._signatures = 0
        self._seconds = 0.0

    @classmethod
    def from_session(cls, session: JpkiSession, key: KeyKind = KeyKind.SIGN) -> CardSigner:
        """Read the key's certificate and its CA certificate from the card.

        :raises PinRequiredError: the signature certificate needs the signature password first.
        :raises CertificateError: a certificate is missing or cannot be parsed.
        """
        certificate = session.read_certificate(key.certificate).info
        ca = session.read_certificate(_CA_OF[key]).info
        return cls(
            session,
            key,
            asn1_x509.Certificate.load(certificate.der),
            asn1_x509.Certificate.load(ca.der),
        )

    @property
    def key(self) -> KeyKind:
        """The card key that signs."""
        return self._key

    @property
    def timing(self) -> CardTiming:
        """The signatures the card made through this signer and the time they took."""
        return CardTiming(self._signatures, self._seconds)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Sign *data* (pyHanko's signed attributes) with the card key.

        A dry run (pyHanko sizing the signature) returns zeros of the right length and sends
        nothing to the card.
        """
        if dry_run:
            return bytes(_RSA_2048_BYTES)
        algorithm = HashAlgorithm(digest_algorithm.lower())
        started = time.perf_counter()
        signature = self._session.sign_digest_info(
            self._key, digest_info(algorithm, message=bytes(data))
        )
        self._seconds += time.perf_counter() - started
        self._signatures += 1
        logger.debug("the card signed with the %s key", self._key.value)
        return signature


_CA_OF = {KeyKind.SIGN: CertKind.SIGN_CA, KeyKind.AUTH: CertKind.AUTH_CA}
