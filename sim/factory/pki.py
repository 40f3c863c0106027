"""A simulated J-LIS-like PKI: the two CAs and the certificates they put on a card.

The certificates follow the profile of real JPKI certificates (extensions, their order and
criticality, name layout and string types) but are issued by CAs named ``O=JPKI-SIM`` (or
``O=JPKI-TEST``, as on J-LIS test cards) with the published keys of :mod:`sim.factory.testkeys`, and
point at ``.invalid`` hosts. Nothing here is random: the same inputs give byte-identical DER.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from jpki import certificate as jpki_certificate
from jpki.certificate import Era, HolderAttribute, Sex
from sim.factory import testkeys

__all__ = [
    "AGENCY",
    "AUTH_POLICY_OID",
    "CA_NOT_AFTER",
    "CA_NOT_BEFORE",
    "DEFAULT_CRL_MUNICIPALITY",
    "DEFAULT_CRL_PREFECTURE",
    "SIGN_POLICY_OID",
    "SIM_ORGANIZATION",
    "TEST_ORGANIZATION",
    "TEST_SIGN_POLICY_OID",
    "CaKind",
    "Era",
    "Holder",
    "HolderAttribute",
    "IssuedCertificate",
    "Sex",
    "SimulatedCa",
    "build_ca",
    "ca_name",
    "certificate_sex_code",
    "era_birth_date",
    "era_of",
    "expiry_instant",
    "issue_auth_certificate",
    "issue_sign_certificate",
]

SIM_ORGANIZATION = "JPKI-SIM"
"""Organization of the simulator's own CAs."""

TEST_ORGANIZATION = "JPKI-TEST"
"""Organization of the CAs behind J-LIS test cards."""

_PRODUCTION_ORGANIZATION = "JPKI"

AGENCY = "Japan Agency for Local Authority Information Systems"
"""The last OU of every JPKI CA name."""

CA_NOT_BEFORE = datetime(2015, 1, 1, 0, 0, 0, tzinfo=UTC)
"""notBefore of every simulated CA (early enough for the oldest card generation)."""

CA_NOT_AFTER = datetime(2045, 1, 1, 14, 59, 59, tzinfo=UTC)
"""notAfter of every simulated CA (23:59:59 JST, like the real roots)."""

AUTH_POLICY_OID = x509.ObjectIdentifier(jpki_certificate.AUTH_POLICY_OID)
"""Certificate policy of the user-authentication certificate."""

SIGN_POLICY_OID = x509.ObjectIdentifier(jpki_certificate.SIGN_POLICY_OID)
"""Certificate policy of the signature certificate."""

TEST_SIGN_POLICY_OID = x509.ObjectIdentifier(jpki_certificate.TEST_SIGN_POLICY_OID)
"""Certificate policy seen on signature certificates of J-LIS test cards."""

DEFAULT_CRL_PREFECTURE = "Tokyo-to"
"""Prefecture of the CRL distribution point of an auth certificate, unless given."""

DEFAULT_CRL_MUNICIPALITY = "Chiyoda-ku"
"""Municipality of the CRL distribution point of an auth certificate, unless given."""

_SERVICE_JA = "公的個人認証サービス"
_AGENCY_JA = "地方公共団体情報システム機構"
_CRL_DP_OU = "CRL Distribution Points"
_EXPIRY_TIME = time(14, 59, 59)  # 23:59:59 JST
_MAX_ADDRESS_CHARS = 200
_MAX_LOCALITY_CHARS = 128
_MAX_SUBJECT_ID_CHARS = 64


class CaKind(StrEnum):
    """The two JPKI hierarchies; the value names the CA's key in :mod:`sim.factory.testkeys`."""

    AUTH = "auth"
    SIGN = "sign"

    @property
    def purpose(self) -> str:
        """The purpose OU of the CA name."""
        return (
            "JPKI for user authentication" if self is CaKind.AUTH else "JPKI for digital signature"
        )

    @property
    def purpose_ja(self) -> str:
        """The Japanese purpose OU of the CA's alternative name."""
        suffix = "利用者証明用" if self is CaKind.AUTH else "署名用"
        return _SERVICE_JA + suffix

    def policy_oid(self, organization: str) -> x509.ObjectIdentifier:
        """The certificate policy of end-entity certificates this CA issues."""
        if self is CaKind.AUTH:
            return AUTH_POLICY_OID
        return TEST_SIGN_POLICY_OID if organization == TEST_ORGANIZATION else SIGN_POLICY_OID


# The first Gregorian day of each era (jpki knows the digits, the factory needs the dates to
# write one). An era begins on the day its first year was proclaimed, so the last day of one
# reign and the first of the next can share a Gregorian date (1912-07-30, 1926-12-25): such a
# day belongs to the new era. Meiji was proclaimed on 1868-10-23 (Gregorian).
ERA_STARTS: dict[Era, date] = {
    Era.MEIJI: date(1868, 10, 23),
    Era.TAISHO: date(1912, 7, 30),
    Era.SHOWA: date(1926, 12, 25),
    Era.HEISEI: date(1989, 1, 8),
    Era.REIWA: date(2019, 5, 1),
}
"""The first day of each era, by :class:`jpki.certificate.Era`."""

_ERAS_NEWEST_FIRST = sorted(ERA_STARTS.items(), key=lambda item: item[1], reverse=True)


def _require_day(value: object) -> date:
    # datetime is a subclass of date; a time of day here is a caller mistake, not a birth date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
    return value


def era_of(day: date) -> Era:
    """The era *day* falls in; :attr:`~jpki.certificate.Era.UNKNOWN` before Meiji."""
    day = _require_day(day)
    for era, start in _ERAS_NEWEST_FIRST:
        if day >= start:
            return era
    return Era.UNKNOWN


def era_birth_date(day: date) -> str:
    """*day* as the certificate's ``EYYYYMMDD`` (era digit, Gregorian date): ``419900102``."""
    day = _require_day(day)
    return f"{int(era_of(day))}{day.year:04d}{day.month:02d}{day.day:02d}"


def certificate_sex_code(sex: Sex) -> str:
    """The signature certificate's digit for *sex* (:attr:`jpki.ids.Sex.certificate_code`).

    :raises ValueError: "not applicable", which the certificate cannot say.
    """
    if sex is Sex.NOT_APPLICABLE:
        raise ValueError(f"the signature certificate has no code for {sex.value}")
    return sex.certificate_code


def _require_text(label: str, value: str, max_chars: int | None = None) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{label} must be a non-empty string")
    if max_chars is not None and len(value) > max_chars:
        raise ValueError(f"{label} is longer than {max_chars} characters")


@dataclass(frozen=True, slots=True)
class Holder:
    """The four attributes (plus romanised locality) a signature certificate carries.

    ``name`` separates family and given name with U+3000; ``address`` is the full address from
    the prefecture on; ``prefecture`` and ``municipality`` are romanised (``Tokyo-to``,
    ``Chiyoda-ku``) for the subject's L attributes and the CRL distribution point.
    """

    name: str
    sex: Sex
    birth_date: date
    address: str
    prefecture: str
    municipality: str

    def __post_init__(self) -> None:
        _require_text("name", self.name)
        _require_text("address", self.address, _MAX_ADDRESS_CHARS)
        _require_text("prefecture", self.prefecture, _MAX_LOCALITY_CHARS)
        _require_text("municipality", self.municipality, _MAX_LOCALITY_CHARS)
        if not isinstance(self.sex, Sex):
            raise TypeError(f"sex must be a Sex, got {type(self.sex).__name__}")
        if isinstance(self.birth_date, datetime) or not isinstance(self.birth_date, date):
            raise TypeError("birth_date must be a datetime.date")

    def certificate_fields(self) -> tuple[tuple[HolderAttribute, str], ...]:
        """The otherName values of the signature certificate, in certificate order."""
        return (
            (HolderAttribute.NAME, self.name),
            (HolderAttribute.NAME_SUBSTITUTIONS, "0" * len(self.name)),
            (HolderAttribute.SEX, certificate_sex_code(self.sex)),
            (HolderAttribute.BIRTH_DATE, era_birth_date(self.birth_date)),
            (HolderAttribute.ADDRESS, self.address),
            (HolderAttribute.ADDRESS_SUBSTITUTIONS, "0" * len(self.address)),
        )


@dataclass(frozen=True, slots=True)
class SimulatedCa:
    """A simulated self-signed JPKI root: its certificate and (public test) private key."""

    kind: CaKind
    organization: str
    der: bytes
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    """An end-entity certificate, as DER and parsed, with the private key of its subject."""

    der: bytes
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)


def _check_organization(organization: str) -> None:
    _require_text("organization", organization)
    if organization == _PRODUCTION_ORGANIZATION:
        raise ValueError("a simulated CA must not carry the production organization name JPKI")


def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.RelativeDistinguishedName:
    return x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)])


def ca_name(kind: CaKind, organization: str = SIM_ORGANIZATION) -> x509.Name:
    """The subject (and issuer) name of the simulated CA of ``kind``: C, O, OU, OU."""
    _check_organization(organization)
    return x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "JP"),
            _attr(NameOID.ORGANIZATION_NAME, organization),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, kind.purpose),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, AGENCY),
        ]
    )


def _service_name_ja(organization: str) -> str:
    # Marked so that the Japanese alternative name cannot be mistaken for the real service.
    return f"{_SERVICE_JA}（{organization}）"


def _derive_serial(*parts: bytes) -> int:
    """A positive 4-byte serial from a hash of length-prefixed ``parts``."""
    digest = hashlib.sha256(b"".join(len(p).to_bytes(4, "big") + p for p in parts)).digest()
    return (int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) | 0x01000000


def _spki(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def build_ca(kind: CaKind, organization: str = SIM_ORGANIZATION) -> SimulatedCa:
    """Build the self-signed simulated CA of ``kind`` with the extensions of the real roots.

    The key comes from :func:`sim.factory.testkeys.ca_key`; validity is fixed to
    :data:`CA_NOT_BEFORE`..:data:`CA_NOT_AFTER` and the serial derives from the name, so the
    DER is reproducible. Raises ValueError for an empty organization or the production one.
    """
    kind = CaKind(kind)
    name = ca_name(kind, organization)
    key = testkeys.ca_key(kind.value)
    alt_name = x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "JP"),
            _attr(NameOID.ORGANIZATION_NAME, _service_name_ja(organization)),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, kind.purpose_ja),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, _AGENCY_JA),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .serial_number(_derive_serial(b"ca", name.public_bytes()))
        .issuer_name(name)
        .subject_name(name)
        .not_valid_before(CA_NOT_BEFORE)
        .not_valid_after(CA_NOT_AFTER)
        .public_key(key.public_key())
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DirectoryName(alt_name)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_crl_distribution_point(name), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    certificate = builder.sign(key, hashes.SHA256())
    return SimulatedCa(
        kind=kind,
        organization=organization,
        der=certificate.public_bytes(serialization.Encoding.DER),
        certificate=certificate,
        private_key=key,
    )


def _key_usage(*, signer: bool, non_repudiation: bool = False) -> x509.KeyUsage:
    """KeyUsage of a CA (``signer``: keyCertSign, cRLSign) or an end entity (digitalSignature)."""
    return x509.KeyUsage(
        digital_signature=not signer,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signer,
        crl_sign=signer,
        encipher_only=False,
        decipher_only=False,
    )


def _crl_distribution_point(name: x509.Name) -> x509.CRLDistributionPoints:
    point = x509.DistributionPoint(
        full_name=[x509.DirectoryName(name)], relative_name=None, reasons=None, crl_issuer=None
    )
    return x509.CRLDistributionPoints([point])


def expiry_instant(expires_on: date) -> datetime:
    """The notAfter of a certificate expiring on ``expires_on``: 14:59:59Z (23:59:59 JST)."""
    if isinstance(expires_on, datetime) or not isinstance(expires_on, date):
        raise TypeError("expires_on must be a datetime.date")
    return datetime.combine(expires_on, _EXPIRY_TIME, tzinfo=UTC)


def _validity(ca: SimulatedCa, issued_at: datetime, expires_on: date) -> tuple[datetime, datetime]:
    if not isinstance(issued_at, datetime):
        raise TypeError("issued_at must be a datetime.datetime")
    if issued_at.utcoffset() is None:
        raise ValueError("issued_at must be timezone-aware")
    # X.509 times have whole seconds.
    not_before = issued_at.astimezone(UTC).replace(microsecond=0)
    not_after = expiry_instant(expires_on)
    if not_after < not_before:
        raise ValueError(
            f"notAfter {not_after.isoformat()} is before notBefore {not_before.isoformat()}"
        )
    ca_cert = ca.certificate
    if not_before < ca_cert.not_valid_before_utc or not_after > ca_cert.not_valid_after_utc:
        raise ValueError("the certificate's validity must lie within its CA's validity")
    return not_before, not_after


def _check_subject_id(subject_id: str) -> None:
    if (
        not isinstance(subject_id, str)
        or not 1 <= len(subject_id) <= _MAX_SUBJECT_ID_CHARS
        or not all("!" <= ch <= "~" for ch in subject_id)
    ):
        raise ValueError(
            f"subject_id must be 1..{_MAX_SUBJECT_ID_CHARS} printable ASCII characters"
            " without spaces"
        )


def _check_ca(ca: SimulatedCa, kind: CaKind) -> None:
    if ca.kind is not kind:
        raise ValueError(
            f"a {kind.value} certificate needs the {kind.value} CA, not {ca.kind.value}"
        )


def _check_serial(serial: int | None) -> None:
    if serial is not None and (isinstance(serial, bool) or not 0 < serial < 2**159):
        raise ValueError("serial must be a positive integer of at most 20 octets")


def _leaf_builder(
    ca: SimulatedCa,
    key: rsa.RSAPrivateKey,
    *,
    subject: x509.Name,
    not_before: datetime,
    not_after: datetime,
    serial: int,
) -> x509.CertificateBuilder:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"key must be an RSA private key, got {type(key).__name__}")
    return (
        x509.CertificateBuilder()
        .serial_number(serial)
        .issuer_name(ca.certificate.subject)
        .subject_name(subject)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .public_key(key.public_key())
    )


def _add_issuer_extensions(
    builder: x509.CertificateBuilder,
    ca: SimulatedCa,
    key: rsa.RSAPrivateKey,
    *,
    prefecture: str,
    municipality: str,
) -> x509.CertificateBuilder:
    """Add IssuerAltName, CRL DP, AIA, AKI and SKI, in the order of the real certificates."""
    org = ca.organization
    issuer_alt = x509.Name(
        [_attr(NameOID.COUNTRY_NAME, "JP"), _attr(NameOID.ORGANIZATION_NAME, _service_name_ja(org))]
    )
    crl_dp = x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "JP"),
            _attr(NameOID.ORGANIZATION_NAME, org),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, ca.kind.purpose),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, _CRL_DP_OU),
            _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, prefecture),
            _attr(NameOID.COMMON_NAME, f"{municipality} CRLDP"),
        ]
    )
    ocsp = x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP,
        x509.UniformResourceIdentifier(f"http://ocsp{ca.kind.value}norm.{org.lower()}.invalid"),
    )
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    aki = x509.AuthorityKeyIdentifier(
        key_identifier=ca_ski.digest,
        authority_cert_issuer=[x509.DirectoryName(ca.certificate.subject)],
        authority_cert_serial_number=ca.certificate.serial_number,
    )
    return (
        builder.add_extension(x509.IssuerAlternativeName([x509.DirectoryName(issuer_alt)]), False)
        .add_extension(_crl_distribution_point(crl_dp), critical=False)
        .add_extension(x509.AuthorityInformationAccess([ocsp]), critical=False)
        .add_extension(aki, critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )


def _policies(ca: SimulatedCa) -> x509.CertificatePolicies:
    cps = f"http://www.{ca.organization.lower()}.invalid/cps.html"
    return x509.CertificatePolicies(
        [x509.PolicyInformation(ca.kind.policy_oid(ca.organization), [cps])]
    )


def _serial_inputs(
    ca: SimulatedCa, key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime
) -> tuple[bytes, ...]:
    return (
        ca.der,
        _spki(key),
        not_before.isoformat().encode(),
        not_after.isoformat().encode(),
    )


def _finish(
    builder: x509.CertificateBuilder, ca: SimulatedCa, key: rsa.RSAPrivateKey
) -> IssuedCertificate:
    certificate = builder.sign(ca.private_key, hashes.SHA256())
    der = certificate.public_bytes(serialization.Encoding.DER)
    return IssuedCertificate(der=der, certificate=certificate, private_key=key)


def issue_auth_certificate(
    ca: SimulatedCa,
    key: rsa.RSAPrivateKey,
    *,
    subject_id: str,
    issued_at: datetime,
    expires_on: date,
    crl_prefecture: str = DEFAULT_CRL_PREFECTURE,
    crl_municipality: str = DEFAULT_CRL_MUNICIPALITY,
    serial: int | None = None,
) -> IssuedCertificate:
    """Issue a user-authentication certificate for ``key`` from the auth ``ca``.

    Subject ``C=JP, CN=<subject_id>`` (an opaque id, no personal data); notBefore is
    ``issued_at`` (timezone-aware, whole seconds), notAfter :func:`expiry_instant` of
    ``expires_on``. Without ``serial`` the serial derives from the inputs. Raises ValueError for
    a sign CA, a naive ``issued_at``, notAfter before notBefore, validity outside the CA's, or a
    bad subject id, locality or serial; TypeError for a key that is not RSA.
    """
    _check_ca(ca, CaKind.AUTH)
    _check_subject_id(subject_id)
    _require_text("crl_prefecture", crl_prefecture, _MAX_LOCALITY_CHARS)
    _require_text("crl_municipality", crl_municipality, _MAX_LOCALITY_CHARS)
    _check_serial(serial)
    not_before, not_after = _validity(ca, issued_at, expires_on)
    subject = x509.Name([_attr(NameOID.COUNTRY_NAME, "JP"), _attr(NameOID.COMMON_NAME, subject_id)])
    if serial is None:
        parts = _serial_inputs(ca, key, not_before, not_after)
        serial = _derive_serial(b"auth", subject_id.encode(), *parts)
    builder = (
        _leaf_builder(
            ca, key, subject=subject, not_before=not_before, not_after=not_after, serial=serial
        )
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(_policies(ca), critical=True)
    )
    builder = _add_issuer_extensions(
        builder, ca, key, prefecture=crl_prefecture, municipality=crl_municipality
    )
    return _finish(builder, ca, key)


def _der_utf8string(text: str) -> bytes:
    body = text.encode("utf-8")
    size = len(body)
    if size < 0x80:
        length = bytes([size])
    else:
        width = (size.bit_length() + 7) // 8
        length = bytes([0x80 | width]) + size.to_bytes(width, "big")
    return b"\x0c" + length + body


def issue_sign_certificate(
    ca: SimulatedCa,
    key: rsa.RSAPrivateKey,
    *,
    holder: Holder,
    subject_id: str,
    issued_at: datetime,
    expires_on: date,
    serial: int | None = None,
) -> IssuedCertificate:
    """Issue a signature certificate for ``key`` and ``holder`` from the sign ``ca``.

    Subject ``C=JP, L=<prefecture>, L=<municipality>, CN=<subject_id>``; the holder's name, sex,
    birth date and address go into subjectAltName otherNames
    (see :class:`~jpki.certificate.HolderAttribute`).
    Validity, serial and errors as for :func:`issue_auth_certificate`.
    """
    _check_ca(ca, CaKind.SIGN)
    _check_subject_id(subject_id)
    if not isinstance(holder, Holder):
        raise TypeError("holder must be a Holder")
    _check_serial(serial)
    not_before, not_after = _validity(ca, issued_at, expires_on)
    subject = x509.Name(
        [
            _attr(NameOID.COUNTRY_NAME, "JP"),
            _attr(NameOID.LOCALITY_NAME, holder.prefecture),
            _attr(NameOID.LOCALITY_NAME, holder.municipality),
            _attr(NameOID.COMMON_NAME, subject_id),
        ]
    )
    fields = holder.certificate_fields()
    if serial is None:
        locality = [holder.prefecture, holder.municipality]
        holder_bytes = json.dumps([[f.value, v] for f, v in fields] + [locality]).encode()
        parts = _serial_inputs(ca, key, not_before, not_after)
        serial = _derive_serial(b"sign", subject_id.encode(), holder_bytes, *parts)
    alt_names = x509.SubjectAlternativeName(
        [
            x509.OtherName(x509.ObjectIdentifier(f.value), _der_utf8string(value))
            for f, value in fields
        ]
    )
    builder = (
        _leaf_builder(
            ca, key, subject=subject, not_before=not_before, not_after=not_after, serial=serial
        )
        .add_extension(_key_usage(signer=False, non_repudiation=True), critical=True)
        .add_extension(_policies(ca), critical=True)
        .add_extension(alt_names, critical=False)
    )
    builder = _add_issuer_extensions(
        builder, ca, key, prefecture=holder.prefecture, municipality=holder.municipality
    )
    return _finish(builder, ca, key)
