"""Detached CMS SignedData (RFC 5652): build one around a card's RSA signature, and check one.

The card only applies its RSA key to a DigestInfo, so signing is split: this module builds the
signed attributes (contentType, signingTime, messageDigest), hashes their DER ``SET OF``, hands
the DigestInfo to a callable (the card, or a software key in tests), checks the signature it
gets back against the certificate, and only then returns the DER. Verification is offline.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, pem

# asn1crypto.tsp adds attribute names (signing_certificate_v2, ...) to cms' OID map; the map's
# reverse is built once, on first use, so it must be complete before then: otherwise a PDF
# signed later in the same process cannot name its signing-certificate attribute.
from asn1crypto import tsp  # noqa: F401  # isort: skip
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from .certificate import JST, CertificateInfo
from .chain import ChainResult, TrustAnchor, as_certificate_info, verify_chain
from .digest import HashAlgorithm, MessageFile, digest_info, verify_pkcs1_signature
from .errors import CmsError, SignatureInvalidError

__all__ = [
    "PEM_LABEL",
    "CmsVerification",
    "SignDigestInfo",
    "cms_from_pem",
    "cms_to_pem",
    "sign_cms_detached",
    "verify_cms_detached",
]

SignDigestInfo = Callable[[bytes], bytes]
"""Signs a DER DigestInfo with PKCS#1 v1.5 and returns the raw RSA signature."""

PEM_LABEL = "CMS"
"""The PEM label of :func:`cms_to_pem` (``openssl cms -inform PEM`` reads it)."""

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
_SET_OF_TAG = 0x31
# UTCTime covers 1950-2049; RFC 5652 §11.3 wants GeneralizedTime outside that range.
_UTC_TIME_YEARS = range(1950, 2050)
# Signature algorithm identifiers a JPKI signer uses: rsaEncryption, or sha*WithRSAEncryption
# naming the same hash as the digest algorithm.
_RSA_SIGNATURE_ALGORITHMS = {
    "1.2.840.113549.1.1.1": None,
    "1.2.840.113549.1.1.5": HashAlgorithm.SHA1,
    "1.2.840.113549.1.1.11": HashAlgorithm.SHA256,
    "1.2.840.113549.1.1.12": HashAlgorithm.SHA384,
    "1.2.840.113549.1.1.13": HashAlgorithm.SHA512,
}


@dataclass(frozen=True, slots=True)
class CmsVerification:
    """A detached CMS signature that verified against its message.

    :param signer: the signer's certificate (taken from the CMS).
    :param algorithm: the digest algorithm.
    :param message_digest: the digest of the message the signature covers.
    :param signing_time: the signingTime attribute in JST (the signer's claim), if present.
    :param chain: the chain check when trust anchors were given, else ``None``.
    """

    signer: CertificateInfo
    algorithm: HashAlgorithm
    message_digest: bytes
    signing_time: datetime | None
    chain: ChainResult | None

    def to_json(self) -> dict[str, object]:
        """Keys: ``signer`` (certificate JSON), ``algorithm``, ``message_digest`` (hex),
        ``signing_time`` (ISO 8601 or null), ``chain`` (chain JSON or null)."""
        return {
            "signer": self.signer.to_json(),
            "algorithm": self.algorithm.value,
            "message_digest": self.message_digest.hex(),
            "signing_time": None if self.signing_time is None else self.signing_time.isoformat(),
            "chain": None if self.chain is None else self.chain.to_json(),
        }


def sign_cms_detached(
    certificate: CertificateInfo | x509.Certificate | bytes,
    message: bytes | MessageFile,
    sign_digest_info: SignDigestInfo,
    *,
    algorithm: HashAlgorithm = HashAlgorithm.SHA256,
    signing_time: datetime | None = None,
) -> bytes:
    """Build a detached CMS SignedData over ``message``, signed through ``sign_digest_info``.

    :param certificate: the signer's certificate; it is included in the CMS.
    :param sign_digest_info: gets the DER DigestInfo of the signed attributes and returns the
        PKCS#1 v1.5 signature (e.g. the card's COMPUTE DIGITAL SIGNATURE).
    :param signing_time: the signingTime attribute (timezone-aware); the current UTC time when
        omitted.
    :returns: the DER ContentInfo.
    :raises SignatureInvalidError: the returned signature does not verify with the certificate
        (wrong key, wrong PIN slot, corrupted answer); nothing is returned then.
    :raises ValueError: a naive ``signing_time``.
    """
    info = as_certificate_info(certificate)
    algorithm = HashAlgorithm(algorithm)
    when = datetime.now(UTC) if signing_time is None else signing_time
    if when.utcoffset() is None:
        raise ValueError("signing_time must be timezone-aware")
    signer_cert = asn1_x509.Certificate.load(info.der)
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [_cms_time(when)]}),
            cms.CMSAttribute(
                {"type": "message_digest", "values": [algorithm.hash(_message(message))]}
            ),
        ]
    )
    to_sign = signed_attrs.dump(force=True)
    signature = bytes(sign_digest_info(digest_info(algorithm, message=to_sign)))
    verify_pkcs1_signature(info, to_sign, signature, algorithm)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber(
                    {"issuer": signer_cert.issuer, "serial_number": signer_cert.serial_number}
                ),
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": algorithm.value}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": algorithm.value})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [cms.CertificateChoices(name="certificate", value=signer_cert)],
            "signer_infos": [signer_info],
        }
    )
    der = bytes(
        cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump(force=True)
    )
    # Check what will leave, as encoded, not the pieces it was built from.
    verify_cms_detached(der, message)
    return der


def cms_to_pem(der: bytes) -> str:
    """Armor a DER CMS as PEM with the label :data:`PEM_LABEL`."""
    return bytes(pem.armor(PEM_LABEL, bytes(der))).decode("ascii")


def cms_from_pem(text: str | bytes) -> bytes:
    """The DER inside the first PEM ``CMS`` or ``PKCS7`` block (base64 checked strictly).

    :raises CmsError: no PEM block, another label, bad base64 or an empty body.
    """
    data = text.encode("ascii", "replace") if isinstance(text, str) else bytes(text)
    match = _PEM_BLOCK.search(data)
    if match is None:
        raise CmsError("no PEM block (-----BEGIN CMS----- ... -----END CMS-----) found")
    label = match.group(1).decode("ascii")
    if label not in (PEM_LABEL, "PKCS7"):
        raise CmsError(f"PEM block is {label!r}, not CMS or PKCS7")
    body = re.sub(rb"\s+", b"", match.group(2))
    try:
        der = base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise CmsError(f"the PEM {label} block is not valid base64: {exc}") from exc
    if not der:
        raise CmsError(f"the PEM {label} block is empty")
    return der


@dataclass(frozen=True, slots=True)
class _SignerView:
    """What verification needs from the CMS, pulled out of asn1crypto in one guarded place."""

    certificate_der: bytes
    algorithm: HashAlgorithm
    signed_content: bytes
    has_signed_attrs: bool
    message_digest: bytes | None
    content_type_ok: bool
    signing_time: datetime | None
    signature: bytes


def verify_cms_detached(
    cms_data: bytes,
    message: bytes | MessageFile,
    trust: Iterable[TrustAnchor | CertificateInfo] | None = None,
    *,
    at: datetime | None = None,
    require_production: bool = True,
) -> CmsVerification:
    """Check a detached CMS SignedData (DER or PEM) over ``message``, offline.

    Checks the messageDigest attribute against ``message``, the RSA signature over the signed
    attributes, and, when ``trust`` is given, the signer's chain (see
    :func:`jpki.chain.verify_chain`) at ``at`` or, without it, at the signingTime the signer
    claims.

    :raises SignatureInvalidError: the message or the signature does not match.
    :raises CmsError: not a detached SignedData with one signer whose certificate it includes,
        or an unsupported algorithm; with ``trust`` but no ``at`` and no signingTime.
    :raises ChainError: with ``trust``: see :func:`jpki.chain.verify_chain`.
    """
    data = bytes(cms_data)
    if data.lstrip().startswith(b"-----BEGIN"):
        data = cms_from_pem(data)
    view = _read_signer(data)
    signer = as_certificate_info(view.certificate_der)
    digest = view.algorithm.hash(_message(message))
    if view.has_signed_attrs:
        if not view.content_type_ok:
            raise CmsError("the contentType attribute does not match the encapsulated type data")
        if view.message_digest != digest:
            raise SignatureInvalidError(
                "the message does not match the signature's messageDigest: "
                "it was changed, or it is not the message that was signed"
            )
        verify_pkcs1_signature(signer, view.signed_content, view.signature, view.algorithm)
    else:
        verify_pkcs1_signature(signer, digest, view.signature, view.algorithm, prehashed=True)
    chain = None
    if trust is not None:
        instant = at if at is not None else view.signing_time
        if instant is None:
            raise CmsError("no instant to check the chain at: pass at= (no signingTime either)")
        chain = verify_chain(signer, trust, at=instant, require_production=require_production)
    return CmsVerification(
        signer=signer,
        algorithm=view.algorithm,
        message_digest=digest,
        signing_time=view.signing_time,
        chain=chain,
    )


def _message(message: bytes | MessageFile) -> bytes | MessageFile:
    """*message* as :meth:`HashAlgorithm.hash` takes it (a bytearray copied to bytes)."""
    return message if isinstance(message, MessageFile) else bytes(message)


def _cms_time(when: datetime) -> cms.Time:
    instant = when.astimezone(UTC).replace(microsecond=0)
    choice = "utc_time" if instant.year in _UTC_TIME_YEARS else "generalized_time"
    return cms.Time(name=choice, value=instant)


def _read_signer(data: bytes) -> _SignerView:
    try:
        return _signer_view(data)
    except CmsError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise CmsError(f"not a readable CMS SignedData: {exc}") from exc


def _signer_view(data: bytes) -> _SignerView:
    content_info = cms.ContentInfo.load(data, strict=True)
    if content_info["content_type"].native != "signed_data":
        raise CmsError(f"CMS content is {content_info['content_type'].native}, not signed data")
    signed_data = content_info["content"]
    encap = signed_data["encap_content_info"]
    if encap["content"].native is not None:
        raise CmsError("the CMS carries its content: only detached signatures are checked here")
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        raise CmsError(f"the CMS has {len(signer_infos)} signers; expected one")
    signer_info = signer_infos[0]
    algorithm = _digest_algorithm(signer_info)
    certificate_der = _signer_certificate(signed_data, signer_info["sid"])
    signed_attrs = signer_info["signed_attrs"]
    signature = bytes(signer_info["signature"].native)
    if isinstance(signed_attrs, core.Void):
        return _SignerView(
            certificate_der=certificate_der,
            algorithm=algorithm,
            signed_content=b"",
            has_signed_attrs=False,
            message_digest=None,
            content_type_ok=True,
            signing_time=None,
            signature=signature,
        )
    encoded = bytes(signed_attrs.dump())
    # The signature covers the attributes as a DER SET OF, not with their [0] IMPLICIT tag.
    signed_content = bytes([_SET_OF_TAG]) + encoded[1:]
    values = _attribute_values(signed_attrs)
    message_digest = values.get("message_digest")
    content_type = values.get("content_type")
    if message_digest is None or content_type is None:
        raise CmsError("signed attributes lack messageDigest or contentType")
    signing_time = values.get("signing_time")
    return _SignerView(
        certificate_der=certificate_der,
        algorithm=algorithm,
        signed_content=signed_content,
        has_signed_attrs=True,
        message_digest=bytes(message_digest.native),
        content_type_ok=content_type.native == encap["content_type"].native,
        signing_time=None if signing_time is None else signing_time.native.astimezone(JST),
        signature=signature,
    )


def _digest_algorithm(signer_info: cms.SignerInfo) -> HashAlgorithm:
    oid = signer_info["digest_algorithm"]["algorithm"].dotted
    try:
        algorithm = HashAlgorithm.from_oid(oid)
    except ValueError as exc:
        raise CmsError(f"unsupported digest algorithm {oid}") from exc
    signature_oid = signer_info["signature_algorithm"]["algorithm"].dotted
    if signature_oid not in _RSA_SIGNATURE_ALGORITHMS:
        raise CmsError(f"unsupported signature algorithm {signature_oid} (RSA PKCS#1 v1.5 only)")
    implied = _RSA_SIGNATURE_ALGORITHMS[signature_oid]
    if implied is not None and implied is not algorithm:
        raise CmsError(f"signature algorithm {signature_oid} does not match digest algorithm {oid}")
    return algorithm


def _signer_certificate(signed_data: cms.SignedData, sid: cms.SignerIdentifier) -> bytes:
    certificates = [
        choice.chosen
        for choice in signed_data["certificates"] or []
        if choice.name == "certificate"
    ]
    for candidate in certificates:
        if _identifies(sid, candidate):
            return bytes(candidate.dump())
    raise CmsError(
        f"the signer's certificate is not in the CMS ({len(certificates)} certificates included)"
    )


def _identifies(sid: cms.SignerIdentifier, candidate: asn1_x509.Certificate) -> bool:
    if sid.name == "issuer_and_serial_number":
        wanted = sid.chosen
        return bool(
            candidate.issuer == wanted["issuer"]
            and candidate.serial_number == wanted["serial_number"].native
        )
    key_id = candidate.key_identifier
    return key_id is not None and bytes(key_id) == bytes(sid.chosen.native)


def _attribute_values(signed_attrs: cms.CMSAttributes) -> dict[str, core.Asn1Value]:
    values: dict[str, core.Asn1Value] = {}
    for attribute in signed_attrs:
        name = attribute["type"].native
        if name in values:
            raise CmsError(f"signed attribute {name} appears twice")
        if len(attribute["values"]) != 1:
            raise CmsError(f"signed attribute {name} must have exactly one value")
        values[name] = attribute["values"][0]
    return values
