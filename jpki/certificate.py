"""What a JPKI certificate says: kind, issuing hierarchy, validity in JST, and the holder.

:class:`CertificateInfo` is built from DER (or PEM through :func:`load_certificate_file`) and
never lets a foreign exception out: anything that is not a readable certificate becomes a
:class:`~jpki.errors.CertificateError`. Nothing here looks at the clock; ask
:meth:`CertificateInfo.days_left` with the day you mean.

``cryptography`` is imported by the functions that parse, not by this module: importing it
costs more than a whole PIN query through PC/SC, and commands that never parse a certificate
(``jpki pin status``) import this module through :mod:`jpki.session`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import IntEnum, StrEnum, unique
from typing import TYPE_CHECKING

from apdu.ber import BerError, parse_header

from .errors import CertificateError
from .files import read_limited
from .ids import CertKind, Sex
from .jst import JST

if TYPE_CHECKING:
    from cryptography import x509

__all__ = [
    "split_name",
    "HasName",
    "AUTH_POLICY_OID",
    "JST",
    "NO_EXPIRY",
    "SIGN_POLICY_OID",
    "TEST_SIGN_POLICY_OID",
    "CertificateInfo",
    "Era",
    "Holder",
    "HolderAttribute",
    "IssuerClass",
    "Sex",
    "certificate_der_from_ef",
    "load_certificate_file",
    "load_certificates",
]

"""Japan Standard Time (UTC+9, no daylight saving): the zone of every JPKI calendar date."""

NO_EXPIRY = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
"""notAfter ``99991231235959Z``: RFC 5280 4.1.2.5's "no well-defined expiration date"."""

AUTH_POLICY_OID = "1.2.392.200149.8.5.1.3.30"
"""Certificate policy of the production user-authentication certificate."""

SIGN_POLICY_OID = "1.2.392.200149.8.5.1.1.20"
"""Certificate policy of the production signature certificate."""

TEST_SIGN_POLICY_OID = "1.2.392.200149.8.5.1.0.20"
"""Certificate policy seen on signature certificates of J-LIS test cards."""

_PRODUCTION_ORGANIZATION = "JPKI"
_TEST_ORGANIZATION = "JPKI-TEST"
_SIM_ORGANIZATION = "JPKI-SIM"
_AUTH_PURPOSE = "JPKI for user authentication"
_SIGN_PURPOSE = "JPKI for digital signature"
_MAX_FILE_BYTES = 1 << 20
_DER_SEQUENCE = b"\x30"
_FILLER = frozenset((0x00, 0xFF))


@unique
class IssuerClass(StrEnum):
    """Which hierarchy issued a certificate: only ``production`` may ever be trusted as JPKI."""

    PRODUCTION = "production"
    TEST = "test"
    SIMULATED = "simulated"
    UNKNOWN = "unknown"

    @property
    def is_production(self) -> bool:
        """Whether this is the real J-LIS hierarchy (``O=JPKI``)."""
        return self is IssuerClass.PRODUCTION


@unique
class Era(IntEnum):
    """A Japanese era, valued by its digit in the certificate's ``EYYYYMMDD`` birth date."""

    UNKNOWN = 0
    MEIJI = 1
    TAISHO = 2
    SHOWA = 3
    HEISEI = 4
    REIWA = 5

    @property
    def json_name(self) -> str:
        """The era's name in lower case, as JSON output uses it."""
        return self.name.lower()


@unique
class HolderAttribute(StrEnum):
    """The otherName type-ids of the signature certificate's subjectAltName."""

    NAME = "1.2.392.200149.8.5.5.1"
    NAME_SUBSTITUTIONS = "1.2.392.200149.8.5.5.2"
    SEX = "1.2.392.200149.8.5.5.3"
    BIRTH_DATE = "1.2.392.200149.8.5.5.4"
    ADDRESS = "1.2.392.200149.8.5.5.5"
    ADDRESS_SUBSTITUTIONS = "1.2.392.200149.8.5.5.6"


_REQUIRED_HOLDER_ATTRIBUTES = (
    HolderAttribute.NAME,
    HolderAttribute.SEX,
    HolderAttribute.BIRTH_DATE,
    HolderAttribute.ADDRESS,
)


def split_name(name: str) -> tuple[str, str]:
    """Family and given name of a JPKI name (split at the first U+3000, the ideographic space;
    the given name is empty without one)."""
    family, _, given = name.partition("\u3000")
    return family, given


class HasName:
    """A record that names a person, family name first, with the basic attributes (基本4情報)
    both the card-info application and the signature certificate give (mixed into
    :class:`Holder` and :class:`jpki.cardinfo.BasicInfo`)."""

    __slots__ = ()
    name: str
    address: str
    birth_date: date | None
    sex: Sex
    sex_code: str

    @property
    def name_parts(self) -> tuple[str, str]:
        """Family and given name (see :func:`split_name`)."""
        return split_name(self.name)

    def basic_json(self) -> dict[str, object]:
        """``name``, ``address``, ``birth_date`` (YYYY-MM-DD or None), ``sex``, ``sex_code``."""
        return {
            "name": self.name,
            "address": self.address,
            "birth_date": None if self.birth_date is None else self.birth_date.isoformat(),
            "sex": self.sex.value,
            "sex_code": self.sex_code,
        }


@dataclass(frozen=True, slots=True)
class Holder(HasName):
    """The holder's four attributes, as the signature certificate carries them.

    :param name: family and given name separated by U+3000.
    :param name_substitutions: per-character map (``0``/``1``) of characters of the name that
        were substituted; empty when the certificate has none.
    :param sex: the decoded sex; :attr:`sex_code` keeps the certificate's digit.
    :param birth_date: the Gregorian birth date, or ``None`` when the certificate records a date
        that is not a calendar date (unknown month or day); :attr:`birth_date_code` keeps
        the raw ``EYYYYMMDD``.
    :param birth_era: the era digit of the birth date.
    :param address: the full address.
    :param address_substitutions: the address's substitution map, like ``name_substitutions``.
    """

    name: str
    name_substitutions: str
    sex: Sex
    sex_code: str
    birth_date: date | None
    birth_era: Era
    birth_date_code: str
    address: str
    address_substitutions: str

    def to_json(self) -> dict[str, object]:
        """The holder as JSON-ready values: :meth:`basic_json`'s, ``birth_era``, and the two
        substitution maps."""
        return {
            **self.basic_json(),
            "birth_era": self.birth_era.json_name,
            "name_substitutions": self.name_substitutions,
            "address_substitutions": self.address_substitutions,
        }


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """A parsed certificate and what it means for JPKI.

    :param der: the certificate's DER bytes.
    :param certificate: the ``cryptography`` certificate.
    :param kind: auth, sign, auth-ca or sign-ca; ``None`` when the certificate does not say.
    :param issuer_class: the hierarchy that issued it (production, test, simulated, unknown).
    :param subject: the subject as an RFC 4514 string.
    :param issuer: the issuer as an RFC 4514 string.
    :param serial: the serial number in upper-case hex (even number of digits).
    :param not_before: start of validity, in JST.
    :param not_after: end of validity, in JST (23:59:59 on the expiry day for JPKI); for a
        certificate with no expiry (:data:`NO_EXPIRY`, RFC 5280's ``99991231235959Z``) it
        stays in UTC, since that instant has no JST date in range (see :attr:`no_expiry`).
    :param key_usage: the KeyUsage bits set, by their RFC 5280 names.
    :param policies: the certificate policy OIDs, dotted.
    :param is_ca: whether basicConstraints says CA.
    :param holder: the holder of a signature certificate; ``None`` for the others.
    """

    der: bytes = field(repr=False)
    certificate: x509.Certificate = field(repr=False, compare=False)
    kind: CertKind | None
    issuer_class: IssuerClass
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    key_usage: tuple[str, ...]
    policies: tuple[str, ...]
    is_ca: bool
    # Personal data: kept out of repr so that logging a certificate does not log a person.
    holder: Holder | None = field(default=None, repr=False)

    @classmethod
    def from_der(cls, der: bytes | bytearray | memoryview) -> CertificateInfo:
        """Parse one DER certificate (exactly: no bytes may follow it).

        :raises CertificateError: empty, truncated, trailing data or not a certificate.
        """
        if not isinstance(der, bytes | bytearray | memoryview):
            raise CertificateError(f"a certificate must be bytes, not {type(der).__name__}")
        data = bytes(der)
        if not data:
            raise CertificateError("no certificate: the data is empty")
        from cryptography import x509

        try:
            certificate = x509.load_der_x509_certificate(data)
        except (ValueError, x509.InvalidVersion) as exc:
            raise CertificateError(
                f"{len(data)} bytes are not a DER X.509 certificate: {exc}"
            ) from exc
        # The parser takes DER only and nothing after it: *data* is the certificate's DER.
        return _describe_checked(certificate, data)

    @classmethod
    def from_certificate(cls, certificate: x509.Certificate) -> CertificateInfo:
        """Describe an already parsed ``cryptography`` certificate.

        :raises CertificateError: extensions that cannot be decoded, or a broken holder.
        """
        from cryptography.hazmat.primitives.serialization import Encoding

        return _describe_checked(certificate, certificate.public_bytes(Encoding.DER))

    @property
    def no_expiry(self) -> bool:
        """Whether notAfter is RFC 5280's "no well-defined expiration date" (year 9999)."""
        return self.not_after >= NO_EXPIRY

    @property
    def expiry_date(self) -> date:
        """The last day of validity: the JST calendar date of notAfter; ``date.max``
        (9999-12-31) for a certificate with :attr:`no_expiry`, shown as "no expiry"."""
        if self.no_expiry:
            return date.max
        return self.not_after.astimezone(JST).date()

    @property
    def sha256_fingerprint(self) -> str:
        """SHA-256 of the DER, lower-case hex."""
        import hashlib

        return hashlib.sha256(self.der).hexdigest()

    def days_left(self, today: date) -> int:
        """Days from ``today`` (a JST date) to the expiry date: 0 on the last day, < 0 after.

        A ``datetime`` (timezone-aware) is first turned into its JST calendar date. A
        certificate with :attr:`no_expiry` counts to 9999-12-31 (millions of days).
        """
        if isinstance(today, datetime):
            today = today.astimezone(JST).date()
        return (self.expiry_date - today).days

    def to_json(self, today: date | None = None) -> dict[str, object]:
        """The certificate as JSON-ready values.

        Keys: ``kind``, ``issuer_class``, ``subject``, ``issuer``, ``serial``, ``not_before``,
        ``not_after``, ``expiry_date``, ``policies``, ``key_usage``, ``is_ca``,
        ``sha256_fingerprint``; ``no_expiry`` (true) for a certificate without expiry;
        ``holder`` for a certificate that carries one; ``days_left`` only when ``today`` is
        given (``null`` for no expiry).
        """
        result: dict[str, object] = {
            "kind": "unknown" if self.kind is None else self.kind.value,
            "issuer_class": self.issuer_class.value,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "expiry_date": self.expiry_date.isoformat(),
            "policies": list(self.policies),
            "key_usage": list(self.key_usage),
            "is_ca": self.is_ca,
            "sha256_fingerprint": self.sha256_fingerprint,
        }
        if self.no_expiry:
            result["no_expiry"] = True
        if self.holder is not None:
            result["holder"] = self.holder.to_json()
        if today is not None:
            result["days_left"] = None if self.no_expiry else self.days_left(today)
        return result


def certificate_der_from_ef(data: bytes) -> bytes:
    """Cut the DER certificate out of a certificate EF's content (the EF is larger than it).

    Bytes after the DER object must be filler (``00``/``FF``).

    :raises CertificateError: no DER SEQUENCE at the start, truncated, or trailing data.
    """
    data = bytes(data)
    try:
        header = parse_header(data)
    except BerError as exc:
        raise CertificateError(f"no certificate: {exc}") from exc
    if header.tag != _DER_SEQUENCE:
        raise CertificateError(
            f"no certificate: the data starts with tag {header.tag.hex().upper()}, not 30"
        )
    end = header.total_length
    if end > len(data):
        raise CertificateError(
            f"certificate is truncated: its header says {end} bytes, {len(data)} are present"
        )
    if any(b not in _FILLER for b in data[end:]):
        raise CertificateError(f"{len(data) - end} unexpected bytes follow the certificate")
    return data[:end]


def load_certificates(data: bytes, source: str = "data") -> tuple[CertificateInfo, ...]:
    """Parse PEM (one or more ``CERTIFICATE`` blocks) or DER (one, trailing filler allowed).

    :param source: names the input in error messages (e.g. the file path).
    :raises CertificateError: nothing readable; the message names ``source``.
    """
    data = bytes(data)
    if b"-----BEGIN" in data:
        from cryptography import x509

        try:
            parsed = x509.load_pem_x509_certificates(data)
        except (ValueError, x509.InvalidVersion) as exc:
            raise CertificateError(f"{source}: not a readable PEM certificate: {exc}") from exc
        try:
            return tuple(CertificateInfo.from_certificate(cert) for cert in parsed)
        except CertificateError as exc:
            raise CertificateError(f"{source}: {exc}") from exc
    try:
        return (CertificateInfo.from_der(certificate_der_from_ef(data)),)
    except CertificateError as exc:
        raise CertificateError(f"{source}: {exc}") from exc


def load_certificate_file(path: str | os.PathLike[str]) -> CertificateInfo:
    """Read the one certificate in a PEM or DER file.

    :raises CertificateError: unreadable file, not a certificate, or several certificates.
    """
    data = read_limited(path, _MAX_FILE_BYTES, CertificateError)
    infos = load_certificates(data, source=os.fspath(path))
    if len(infos) != 1:
        raise CertificateError(f"{os.fspath(path)} holds {len(infos)} certificates; expected one")
    return infos[0]


def _in_jst(moment: datetime) -> datetime:
    """*moment* in JST, or in UTC when its JST time is past year 9999 (no expiry)."""
    try:
        return moment.astimezone(JST)
    except OverflowError:
        return moment


def _describe_checked(cert: x509.Certificate, der: bytes) -> CertificateInfo:
    """:func:`_describe`, with what ``cryptography`` raises turned into CertificateError."""
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm

    try:
        return _describe(cert, der)
    except (
        ValueError,
        TypeError,
        KeyError,
        UnsupportedAlgorithm,
        x509.DuplicateExtension,
        x509.UnsupportedGeneralNameType,
    ) as exc:
        raise CertificateError(f"the certificate cannot be decoded: {exc}") from exc


def _describe(cert: x509.Certificate, der: bytes) -> CertificateInfo:
    # cryptography decodes lazily: touch the key now so a broken one fails here, not later.
    cert.public_key()
    extensions = cert.extensions
    policies = _policies(extensions)
    key_usage = _key_usage(extensions)
    is_ca = _is_ca(extensions)
    holder = _holder(extensions)
    return CertificateInfo(
        der=der,
        certificate=cert,
        kind=_kind(cert, policies, key_usage, is_ca=is_ca, has_holder=holder is not None),
        issuer_class=_issuer_class(cert, policies),
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=_serial_hex(cert.serial_number),
        not_before=_in_jst(cert.not_valid_before_utc),
        not_after=_in_jst(cert.not_valid_after_utc),
        key_usage=key_usage,
        policies=policies,
        is_ca=is_ca,
        holder=holder,
    )


def _serial_hex(serial: int) -> str:
    sign = "-" if serial < 0 else ""
    digits = f"{abs(serial):X}"
    if len(digits) % 2:
        digits = "0" + digits
    return sign + digits


def _policies(extensions: x509.Extensions) -> tuple[str, ...]:
    from cryptography import x509

    try:
        value = extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(info.policy_identifier.dotted_string for info in value)


_KEY_USAGE_BITS = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)


def _key_usage(extensions: x509.Extensions) -> tuple[str, ...]:
    from cryptography import x509

    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return ()
    names = [name for attr, name in _KEY_USAGE_BITS if getattr(usage, attr)]
    # encipherOnly/decipherOnly are defined (and readable) only together with keyAgreement.
    if usage.key_agreement:
        if usage.encipher_only:
            names.append("encipherOnly")
        if usage.decipher_only:
            names.append("decipherOnly")
    return tuple(names)


def _is_ca(extensions: x509.Extensions) -> bool:
    from cryptography import x509

    try:
        return extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _attribute_values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [a.value for a in name.get_attributes_for_oid(oid) if isinstance(a.value, str)]


def _purpose(name: x509.Name) -> CertKind | None:
    """AUTH or SIGN from the OU of a JPKI CA name, else ``None``."""
    from cryptography.x509.oid import NameOID

    units = _attribute_values(name, NameOID.ORGANIZATIONAL_UNIT_NAME)
    found = {
        kind
        for unit, kind in ((_AUTH_PURPOSE, CertKind.AUTH), (_SIGN_PURPOSE, CertKind.SIGN))
        if unit in units
    }
    return found.pop() if len(found) == 1 else None


_POLICY_PURPOSE = {
    AUTH_POLICY_OID: CertKind.AUTH,
    SIGN_POLICY_OID: CertKind.SIGN,
    TEST_SIGN_POLICY_OID: CertKind.SIGN,
}
_CA_KIND = {CertKind.AUTH: CertKind.AUTH_CA, CertKind.SIGN: CertKind.SIGN_CA}


def _kind(
    cert: x509.Certificate,
    policies: tuple[str, ...],
    key_usage: tuple[str, ...],
    *,
    is_ca: bool,
    has_holder: bool,
) -> CertKind | None:
    if is_ca or "keyCertSign" in key_usage:
        purpose = _purpose(cert.subject)
        return None if purpose is None else _CA_KIND[purpose]
    hints = {_POLICY_PURPOSE[oid] for oid in policies if oid in _POLICY_PURPOSE}
    issuer_purpose = _purpose(cert.issuer)
    if issuer_purpose is not None:
        hints.add(issuer_purpose)
    if has_holder:
        hints.add(CertKind.SIGN)
    # No hint, or hints that contradict each other: do not guess.
    return hints.pop() if len(hints) == 1 else None


def _issuer_class(cert: x509.Certificate, policies: tuple[str, ...]) -> IssuerClass:
    from cryptography.x509.oid import NameOID

    organizations = set(_attribute_values(cert.issuer, NameOID.ORGANIZATION_NAME))
    if _SIM_ORGANIZATION in organizations:
        return IssuerClass.SIMULATED
    if _TEST_ORGANIZATION in organizations or TEST_SIGN_POLICY_OID in policies:
        return IssuerClass.TEST
    countries = _attribute_values(cert.issuer, NameOID.COUNTRY_NAME)
    if organizations == {_PRODUCTION_ORGANIZATION} and countries == ["JP"]:
        return IssuerClass.PRODUCTION
    return IssuerClass.UNKNOWN


def _decode_text(attribute: HolderAttribute, value: bytes) -> str:
    # Only a signature certificate carries holder attributes: the second ASN.1 library is
    # loaded for it alone.
    from asn1crypto import core

    try:
        parsed = core.load(bytes(value), strict=True)
    except (ValueError, TypeError) as exc:
        raise CertificateError(
            f"holder attribute {attribute.name} ({attribute.value}) is not valid DER: {exc}"
        ) from exc
    if not isinstance(parsed, core.AbstractString):
        raise CertificateError(
            f"holder attribute {attribute.name} ({attribute.value}) is a "
            f"{type(parsed).__name__}, not a string"
        )
    try:
        text = parsed.native
    except (ValueError, UnicodeDecodeError) as exc:
        raise CertificateError(
            f"holder attribute {attribute.name} ({attribute.value}) is not valid text"
        ) from exc
    return str(text)


def _holder(extensions: x509.Extensions) -> Holder | None:
    from cryptography import x509

    try:
        san = extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    values: dict[HolderAttribute, str] = {}
    for other in san.get_values_for_type(x509.OtherName):
        try:
            attribute = HolderAttribute(other.type_id.dotted_string)
        except ValueError:
            continue
        if attribute in values:
            raise CertificateError(f"holder attribute {attribute.name} appears twice")
        values[attribute] = _decode_text(attribute, other.value)
    if not values:
        return None
    missing = [a.name for a in _REQUIRED_HOLDER_ATTRIBUTES if a not in values]
    if missing:
        raise CertificateError(f"the holder in subjectAltName lacks {', '.join(missing)}")
    sex_code = values[HolderAttribute.SEX]
    birth_code = values[HolderAttribute.BIRTH_DATE]
    era, birth_date = _parse_birth_code(birth_code)
    return Holder(
        name=values[HolderAttribute.NAME],
        name_substitutions=values.get(HolderAttribute.NAME_SUBSTITUTIONS, ""),
        sex=Sex.from_certificate_code(sex_code),
        sex_code=sex_code,
        birth_date=birth_date,
        birth_era=era,
        birth_date_code=birth_code,
        address=values[HolderAttribute.ADDRESS],
        address_substitutions=values.get(HolderAttribute.ADDRESS_SUBSTITUTIONS, ""),
    )


def _parse_birth_code(code: str) -> tuple[Era, date | None]:
    if len(code) != 9 or not code.isascii() or not code.isdigit():
        raise CertificateError(
            f"holder birth date is not nine digits EYYYYMMDD ({len(code)} characters)"
        )
    try:
        era = Era(int(code[0]))
    except ValueError:
        raise CertificateError(f"holder birth date has an unknown era digit {code[0]}") from None
    try:
        day: date | None = date(int(code[1:5]), int(code[5:7]), int(code[7:9]))
    except ValueError:
        day = None
    return era, day
