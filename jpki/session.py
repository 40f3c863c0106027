"""A JPKI session: the card's applications, files, PINs and keys behind typed verbs.

The session is a view over a :class:`~apdu.Connection` it does not own: whoever opened the
connection closes it (a PC/SC connection powers the card down on close, which is what clears
a verified PIN). Constructing a session selects the JPKI application, which is how a My
Number Card is detected: never by ATR.

Only immutable data is cached (certificates, the token and availability EFs). PINs are
parameters, never stored.

Certificates and the card-info files are decoded by modules imported when first needed:
``jpki pin status`` loads no X.509 or ASN.1 library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from apdu import (
    SW,
    ApduError,
    ApduProtocol,
    CommandApdu,
    Connection,
    Ins,
    ProtocolError,
    TransportError,
    retries_from_sw,
    select_application_command,
)
from apdu.command import ReferenceDataIns
from apdu.lazylog import LazyLogger

from .digest import HashAlgorithm, digest_info
from .errors import (
    CertificateError,
    LastTryRefusedError,
    NotAMyNumberCardError,
    PinBlockedError,
    PinIncorrectError,
    PinOutcomeUnknownError,
    PinRequiredError,
    SharedAccessError,
    SignatureInvalidError,
)
from .ids import (
    Application,
    CardInfoFile,
    CertKind,
    CommonFile,
    JpkiFile,
    KeyKind,
    PinKind,
    TokenKind,
)
from .models import Availability, CardRecord, PinStatus, TokenInfo
from .pins import check_new_pin, encode_pin

if TYPE_CHECKING:
    from cryptography import x509

    from .cardinfo import CardInfo
    from .certificate import CertificateInfo

__all__ = ["CardCertificate", "JpkiSession"]

logger = LazyLogger(__name__)

_TOKEN_LENGTH = 160
_TOKEN_NAME_LENGTH = 32
_AVAILABILITY_LENGTH = 3
_SIGNATURE_LENGTH = 256
_MAX_DIGEST_INFO = _SIGNATURE_LENGTH - 11
_SELECT_RETRIES_AFTER_6F00 = 1
#: What a card without the JPKI application answers to its SELECT (other status words are
#: reported as they are: they say something else went wrong).
_NO_SUCH_APPLICATION = frozenset(
    {
        SW.FILE_NOT_FOUND,
        SW.INCORRECT_P1P2,
        SW.FUNCTION_NOT_SUPPORTED,
        SW.INS_NOT_SUPPORTED,
        SW.CLA_NOT_SUPPORTED,
        SW.WRONG_DATA,
    }
)


def _sfi(file: int) -> int:
    """P2 that addresses *file* by short EF identifier."""
    return 0x80 | file


class CardCertificate(NamedTuple):
    """A certificate read from the card: the file it came from and its decoded form (a named
    tuple, like :mod:`jpki.models`: cheaper to define than a dataclass)."""

    kind: CertKind
    info: CertificateInfo

    @property
    def der(self) -> bytes:
        """The raw DER, exactly as stored (filler removed)."""
        return self.info.der

    @property
    def certificate(self) -> x509.Certificate:
        """The parsed ``cryptography`` certificate."""
        return self.info.certificate


class JpkiSession:
    """Typed access to a My Number Card over *connection*.

    :param connection: the card; the session neither owns nor closes it.
    :param extended: use extended APDUs (whole certificates in one READ BINARY), falling back
        to short APDUs when the card or reader refuses them.
    :raises NotAMyNumberCardError: the JPKI application cannot be selected.
    """

    def __init__(self, connection: Connection, *, extended: bool = False) -> None:
        self._protocol = ApduProtocol(connection, extended=extended)
        self._selected: Application | None = None
        self._certificates: dict[CertKind, CardCertificate] = {}
        self._certificate_der: dict[CertKind, bytes] = {}
        self._token: TokenInfo | None = None
        self._availability: Availability | None = None
        try:
            self._select(Application.JPKI)
        except ApduError as exc:
            if exc.sw not in _NO_SUCH_APPLICATION:
                raise
            raise NotAMyNumberCardError(
                f"not a My Number Card: the JPKI application is missing (SELECT answered "
                f"{exc.sw:04X}, {exc.meaning})"
            ) from exc

    @property
    def connection(self) -> Connection:
        """The connection this session talks through."""
        return self._protocol.connection

    @property
    def protocol(self) -> ApduProtocol:
        """The ISO 7816-4 protocol object (for raw commands)."""
        return self._protocol

    # -- applications ---------------------------------------------------------------------

    def _select(self, application: Application) -> None:
        if self._selected is application:
            return
        self._selected = None
        for attempt in range(_SELECT_RETRIES_AFTER_6F00 + 1):
            response = self._protocol.send(select_application_command(application))
            # A card reconnected without power cycling may answer its first APDU with 6F00.
            if response.sw == SW.NO_PRECISE_DIAGNOSIS and attempt < _SELECT_RETRIES_AFTER_6F00:
                continue
            response.check()
            self._selected = application
            return

    # -- JPKI files -----------------------------------------------------------------------

    def token(self) -> TokenInfo:
        """The token EF: a physical card, an old Juki card or a smartphone certificate."""
        if self._token is None:
            self._select(Application.JPKI)
            raw = self._protocol.read_binary(0, _TOKEN_LENGTH, sfi=JpkiFile.TOKEN)
            name = raw[:_TOKEN_NAME_LENGTH].decode("ascii", "replace").rstrip(" \x00")
            try:
                kind = TokenKind(name)
            except ValueError:
                kind = TokenKind.UNKNOWN
            self._token = TokenInfo(name, kind)
        return self._token

    def availability(self) -> Availability:
        """Which certificates the card holds."""
        if self._availability is None:
            self._select(Application.JPKI)
            raw = self._protocol.read_binary(0, _AVAILABILITY_LENGTH, sfi=JpkiFile.AVAILABILITY)
            self._availability = Availability(raw)
        return self._availability

    def read_certificate_der(self, kind: CertKind) -> bytes:
        """Read a certificate's DER with the fewest APDUs, without decoding it.

        The bytes are one complete SEQUENCE (the card's BER header says how long; the filler
        after it is not read), but nothing checks that they are a certificate: use
        :meth:`read_certificate` when the contents matter. Exporting a certificate needs no
        X.509 library.

        :raises PinRequiredError: the card wants a PIN first.
        :raises CertificateError: the file is missing or its object is broken.
        """
        der = self._certificate_der.get(kind)
        if der is not None:
            return der
        self._select(Application.JPKI)
        try:
            der = self._protocol.read_object(sfi=kind.file)
        except ApduError as exc:
            if exc.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
                pin = kind.pin_on_card or PinKind.AUTH
                raise PinRequiredError(pin, f"reading the {kind.label.render('en')}") from exc
            if exc.sw == SW.FILE_NOT_FOUND:
                raise CertificateError(f"the card has no {kind.label.render('en')}", kind) from exc
            raise
        except ProtocolError as exc:
            raise CertificateError(
                f"{kind.label.render('en')} file is broken: {exc}", kind
            ) from exc
        if der[:1] != b"\x30":
            raise CertificateError(
                f"{kind.label.render('en')} file holds tag {der[:1].hex().upper()}, "
                "not a DER SEQUENCE",
                kind,
            )
        self._certificate_der[kind] = der
        return der

    def read_certificate(self, kind: CertKind) -> CardCertificate:
        """Read a certificate with the fewest APDUs (by SFI, first chunk as length probe).

        :raises PinRequiredError: the card wants a PIN first (the signature certificate
            before the signature password; the auth certificate on a smartphone token).
        :raises CertificateError: the file does not hold a parseable certificate.
        """
        cached = self._certificates.get(kind)
        if cached is not None:
            return cached
        from .certificate import CertificateInfo

        der = self.read_certificate_der(kind)
        try:
            info = CertificateInfo.from_der(der)
        except CertificateError as exc:
            raise CertificateError(f"{kind.label.render('en')} on the card: {exc}", kind) from exc
        result = CardCertificate(kind, info)
        self._certificates[kind] = result
        return result

    # -- PINs -------------------------------------------------------------------------------

    def _query(self, kind: PinKind) -> PinStatus:
        self._select(kind.application)
        # Case 1 (no Le): the card answers 63Cx without spending a try; with Le it says 6700.
        response = self._protocol.send(
            CommandApdu(0x00, ReferenceDataIns.VERIFY, 0x00, _sfi(kind.file))
        )
        if response.ok:
            return PinStatus(kind, kind.max_tries, verified=True)
        tries = retries_from_sw(response.sw)
        if tries is None:
            raise ApduError(response.sw, response.data)
        return PinStatus(kind, tries)

    def pin_status(self, kind: PinKind) -> PinStatus:
        """Tries left on one PIN, read without spending a try."""
        logger.debug("reading the retry counter of the %s", kind.label.render("en"))
        return self._query(kind)

    def all_pin_status(self) -> dict[PinKind, PinStatus]:
        """Tries left on all four PINs, in the order that needs the fewest SELECTs."""
        ordered = sorted(PinKind, key=lambda kind: kind.application is not self._selected)
        return {kind: self._query(kind) for kind in ordered}

    def _guard(self, kind: PinKind, force: bool) -> None:
        status = self._query(kind)
        if status.blocked:
            raise PinBlockedError(kind)
        if status.last_try and not force:
            raise LastTryRefusedError(kind, status.remaining)

    def _send_pin_command(self, kind: PinKind, command: CommandApdu, unknown: str) -> None:
        """Send a PIN-carrying command once (the protocol never re-sends one).

        :param unknown: what is unknown when the link fails during the command.
        """
        try:
            response = self._protocol.send(command)
        except (TransportError, ProtocolError) as exc:
            raise PinOutcomeUnknownError(
                kind, f"the link failed during the command: {unknown}"
            ) from exc
        except KeyboardInterrupt as exc:
            # The card may have spent the try already: "interrupted" would hide that.
            raise PinOutcomeUnknownError(
                kind, f"interrupted during the command: {unknown}"
            ) from exc
        if response.ok:
            return
        tries = retries_from_sw(response.sw)
        if tries == 0:
            raise PinBlockedError(kind)
        if tries is not None:
            raise PinIncorrectError(kind, tries)
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise PinRequiredError(kind, "changing the PIN")
        raise ApduError(response.sw, response.data)

    def verify_pin(self, kind: PinKind, pin: str, *, force: bool = False) -> PinStatus:
        """Verify a PIN, guarded so that no try is spent carelessly.

        The PIN's shape is checked before anything is sent; the counter is read first; a
        blocked PIN is reported without sending it; when one try is left the VERIFY is
        refused unless *force* is True. A transport failure during the VERIFY is never
        retried: it raises :class:`PinOutcomeUnknownError`.

        :raises PinFormatError: wrong shape (nothing sent).
        :raises SharedAccessError: another program shares the card (nothing sent).
        :raises PinBlockedError: the PIN is blocked (before or by this attempt).
        :raises LastTryRefusedError: one try left and *force* not given (nothing sent).
        :raises PinIncorrectError: the card refused the PIN.
        :returns: the PIN's state now: verified, its counter back to the maximum (the card
            resets it on success, so no query is spent to learn it).
        """
        data = encode_pin(kind, pin)
        if not self.connection.exclusive:
            raise SharedAccessError(kind)
        self._guard(kind, force)
        logger.debug("verifying the %s", kind.label.render("en"))
        self._send_pin_command(
            kind,
            CommandApdu(0x00, ReferenceDataIns.VERIFY, 0x00, _sfi(kind.file), data),
            f"whether a try of the {kind.label.render('en')} was spent is unknown",
        )
        return PinStatus(kind, kind.max_tries, verified=True)

    def change_pin(self, kind: PinKind, current: str, new: str, *, force: bool = False) -> None:
        """Change a PIN: verify *current* (with the same guard), then set *new*.

        Both PINs are checked before anything is sent.
        """
        encode_pin(kind, current)
        check_new_pin(kind, new)
        self.verify_pin(kind, current, force=force)
        logger.debug("changing the %s", kind.label.render("en"))
        command = CommandApdu(
            0x00, ReferenceDataIns.CHANGE_REFERENCE_DATA, 0x01, _sfi(kind.file), new.encode("ascii")
        )
        self._send_pin_command(
            kind, command, f"whether the {kind.label.render('en')} was changed is unknown"
        )

    # -- signing ------------------------------------------------------------------------------

    def sign_digest_info(
        self, key: KeyKind, digest_info: bytes, *, check: bool | None = None
    ) -> bytes:
        """Sign a DER DigestInfo with a card key (PKCS#1 v1.5 on the card): one APDU.

        The key's PIN must have been verified in this card session.

        :param check: whether to check the signature with the public key of the key's
            certificate before returning it. ``None`` (the default) checks when this session
            has already read that certificate (a CMS signer reads it anyway; the check then
            costs no APDU) and otherwise does not. ``True`` reads the certificate when needed
            (once per session: ceil(size / 256) READ BINARY, 7 for a 1573-byte certificate
            with short APDUs, 1 with extended ones) and checks. ``False`` never checks. The
            signature's length is always checked.
        :raises PinRequiredError: the key's PIN is not verified.
        :raises SignatureInvalidError: the card returned a signature of the wrong length, or
            (when checked) one that does not verify.
        """
        if not 0 < len(digest_info) <= _MAX_DIGEST_INFO:
            raise ValueError(f"a DigestInfo is 1-{_MAX_DIGEST_INFO} bytes, got {len(digest_info)}")
        self._select(Application.JPKI)
        response = self._protocol.send(
            CommandApdu(
                0x80, Ins.PERFORM_SECURITY_OPERATION, 0x00, _sfi(key.file), digest_info, le=256
            )
        )
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise PinRequiredError(key.pin, f"signing with the {key.value} key")
        signature = response.check()
        if len(signature) != _SIGNATURE_LENGTH:
            raise SignatureInvalidError(
                f"card returned a {len(signature)}-byte signature, expected {_SIGNATURE_LENGTH}"
            )
        if check or (check is None and key.certificate in self._certificates):
            self._check_signature(key, digest_info, signature)
        return signature

    def sign(
        self,
        key: KeyKind,
        message: bytes,
        algorithm: HashAlgorithm = HashAlgorithm.SHA256,
        *,
        check: bool | None = None,
    ) -> bytes:
        """Hash *message* on the host and sign its DigestInfo with a card key.

        The key's PIN must have been verified (:meth:`verify_pin`) in this card session.
        *check* is as for :meth:`sign_digest_info`.
        """
        return self.sign_digest_info(key, digest_info(algorithm, message=message), check=check)

    def _check_signature(self, key: KeyKind, digest_info: bytes, signature: bytes) -> None:
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        public_key = self.read_certificate(key.certificate).certificate.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise SignatureInvalidError("the certificate's key is not RSA")
        try:
            recovered = public_key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
        except Exception as exc:  # cryptography raises InvalidSignature here
            raise SignatureInvalidError(
                "the card's signature does not verify with the "
                + key.certificate.label.render("en")
            ) from exc
        if recovered != digest_info:
            raise SignatureInvalidError("the card signed something other than the DigestInfo")

    # -- other applications ------------------------------------------------------------------

    def read_card_info(self) -> CardInfo:
        """My Number and the basic 4 info, parsed (after the card-info PIN is verified).

        :raises PinRequiredError: the card-info PIN is not verified.
        :raises CardInfoError: the files do not hold what they should.
        """
        from .cardinfo import parse_card_info

        return parse_card_info(*self.read_card_info_files())

    def read_card_info_files(self) -> tuple[bytes, bytes]:
        """The raw My Number and basic 4 info files (after the card-info PIN is verified).

        :raises PinRequiredError: the card-info PIN is not verified.
        """
        self._select(Application.CARD_INFO)
        try:
            my_number = self._protocol.read_object(sfi=CardInfoFile.MY_NUMBER)
            basic_info = self._protocol.read_object(sfi=CardInfoFile.BASIC_INFO)
        except ApduError as exc:
            if exc.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
                raise PinRequiredError(PinKind.CARD_INFO, "reading the card info") from exc
            raise
        return my_number, basic_info

    def card_record(self) -> CardRecord:
        """The common card application's record: serial, municipality code, card expiry."""
        self._select(Application.COMMON)
        record = self._protocol.read_record(1, sfi=CommonFile.CARD_RECORD)
        if len(record) < 30 or record[:2] != b"\x01\x1c":
            raise ProtocolError(f"card record has an unexpected layout ({len(record)} bytes)")
        digits = record[2:30].decode("ascii", "replace")
        return CardRecord(digits[:15], digits[15:20], digits[20:28])
