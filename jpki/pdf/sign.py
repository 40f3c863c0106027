"""Sign a PDF as PAdES: B-B by default, B-T with a time-stamp server, B-LT with revocation data.

Every signature is an incremental update: the bytes of the input are kept as they are, so
earlier signatures stay valid. The signature is PAdES (SubFilter ``ETSI.CAdES.detached``,
SHA-256, the signing-certificate-v2 attribute, no signingTime attribute: PAdES takes the time
from the time-stamp, or from the ``/M`` entry the signature dictionary carries).
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass, field
from enum import StrEnum, unique

from asn1crypto import crl, ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError as PyHankoPdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from jpki.ids import KeyKind
from jpki.session import JpkiSession
from jpki.texts import Msg

from .appearance import FontChoice, VisibleSignature, plan_appearance
from .errors import PdfInputError, PdfSigningError
from .signer import CardSigner, CardTiming

__all__ = [
    "PadesLevel",
    "Revocation",
    "SignOptions",
    "SignResult",
    "check_inputs",
    "sign_pdf",
    "sign_pdf_with_card",
]

_DIGEST = "sha256"
_FIELD_PREFIX = "Signature"


@unique
class PadesLevel(StrEnum):
    """The PAdES baseline level a signature was made at."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"


@dataclass(frozen=True, slots=True)
class Revocation:
    """Revocation data for B-LT: files the user supplies, and whether to fetch more.

    :param crls: DER (or PEM) CRLs.
    :param ocsp_responses: DER OCSP responses.
    :param fetch: let pyHanko download CRLs and OCSP responses named in the certificates.
    """

    crls: tuple[bytes, ...] = ()
    ocsp_responses: tuple[bytes, ...] = ()
    fetch: bool = False

    @property
    def given(self) -> bool:
        """Whether there is any revocation data (or permission to fetch it)."""
        return bool(self.crls or self.ocsp_responses or self.fetch)


@dataclass(frozen=True, slots=True)
class SignOptions:
    """How to sign.

    :param key: the card key; the signature key (署名用) unless the authentication key is
        asked for knowingly (it is not meant for document signatures).
    :param tsa_url: an RFC 3161 time-stamp server: B-T.
    :param revocation: revocation data: B-LT (needs ``tsa_url``).
    :param extra_trust: certificates (DER) the B-LT validation may chain to besides the card's
        CA (e.g. the time-stamp authority's root).
    :param visible: a visible signature box, or ``None`` for an invisible signature.
    :param field_name: the signature field; the next free ``SignatureN`` when ``None``.
    :param reason: the ``/Reason`` entry, if any.
    :param location: the ``/Location`` entry, if any.
    """

    key: KeyKind = KeyKind.SIGN
    tsa_url: str | None = None
    revocation: Revocation = field(default_factory=Revocation)
    extra_trust: tuple[bytes, ...] = ()
    visible: VisibleSignature | None = None
    field_name: str | None = None
    reason: str | None = None
    location: str | None = None

    @property
    def level(self) -> PadesLevel:
        """The PAdES level these options produce."""
        if self.revocation.given:
            return PadesLevel.B_LT
        return PadesLevel.B_T if self.tsa_url else PadesLevel.B_B


@dataclass(frozen=True, slots=True)
class SignResult:
    """A signed PDF and how it was made.

    :param pdf: the signed PDF (the input plus one or two incremental updates).
    :param level: the PAdES level.
    :param key: the card key that signed.
    :param field_name: the signature field.
    :param signer: the signer certificate's subject (RFC 4514).
    :param font: how a visible signature's text was drawn; ``None`` when invisible.
    :param card: the signatures the card made and the time it took.
    :param seconds: the whole signing, card included.
    :param notes: things the person should know (the key used, the font fallback).
    """

    pdf: bytes = field(repr=False)
    level: PadesLevel
    key: KeyKind
    field_name: str
    signer: str
    font: FontChoice | None
    card: CardTiming
    seconds: float
    notes: tuple[Msg, ...]

    def to_json(self) -> dict[str, object]:
        """Keys: ``level``, ``key``, ``field``, ``signer``, ``font``, ``bytes``,
        ``card_signatures``, ``card_seconds``, ``seconds``."""
        return {
            "level": self.level.value,
            "key": self.key.value,
            "field": self.field_name,
            "signer": self.signer,
            "font": None if self.font is None else self.font.value,
            "bytes": len(self.pdf),
            "card_signatures": self.card.signatures,
            "card_seconds": round(self.card.seconds, 6),
            "seconds": round(self.seconds, 6),
        }


def sign_pdf_with_card(
    session: JpkiSession,
    pdf: bytes,
    pin: str,
    options: SignOptions | None = None,
    *,
    force: bool = False,
) -> SignResult:
    """Verify the key's PIN (guarded), read the certificates and sign *pdf* on the card.

    The PDF and the options are checked before the PIN is sent: bad input spends no try.

    :raises PdfInputError: not a PDF that can be signed, or unusable options (no PIN sent).
    :raises PinError: see :meth:`jpki.session.JpkiSession.verify_pin`.
    :raises PdfSigningError: pyHanko could not complete the signature (e.g. the time-stamp
        server failed); the input is untouched.
    """
    chosen = options or SignOptions()
    check_inputs(pdf, chosen)
    session.verify_pin(chosen.key.pin, pin, force=force)
    signer = CardSigner.from_session(session, chosen.key)
    return sign_pdf(signer, pdf, chosen)


def sign_pdf(signer: Signer, pdf: bytes, options: SignOptions | None = None) -> SignResult:
    """Sign *pdf* with any pyHanko signer (a :class:`CardSigner`, or a software key in tests).

    :raises PdfInputError: not a PDF that can be signed, or unusable options.
    :raises PdfSigningError: pyHanko could not complete the signature.
    """
    chosen = options or SignOptions()
    check_inputs(pdf, chosen)
    started = time.perf_counter()
    writer = _open(pdf)
    name = chosen.field_name or _free_field_name(writer)
    fetchers = AIOHttpFetcherBackend() if chosen.revocation.fetch else None
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm=_DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=chosen.reason,
        location=chosen.location,
        embed_validation_info=chosen.level is PadesLevel.B_LT,
        validation_context=_validation_context(signer, chosen, fetchers),
        use_pades_lta=False,
    )
    appearance = None if chosen.visible is None else plan_appearance(chosen.visible)
    field_spec = None
    if chosen.visible is not None:
        field_spec = fields.SigFieldSpec(
            sig_field_name=name, on_page=chosen.visible.page, box=chosen.visible.box
        )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=HTTPTimeStamper(chosen.tsa_url) if chosen.tsa_url else None,
        stamp_style=None if appearance is None else appearance.style,
        new_field_spec=field_spec,
    )
    try:
        output = asyncio.run(_sign_then_close(pdf_signer, writer, fetchers))
    except (SigningError, PyHankoPdfError, OSError) as exc:
        hint = ""
        if chosen.level is PadesLevel.B_LT:
            hint = (
                " (PAdES B-LT: the certificates must validate with the revocation data given"
                " or fetched, and the time-stamp authority with a known root)"
            )
        raise PdfSigningError(f"the PDF could not be signed: {exc}{hint}") from exc
    except Exception as exc:
        # pyHanko lets aiohttp's and the validator's own errors through (a time-stamp server
        # that is down, revocation data that does not fit): one message, nothing written.
        if _is_ours(exc):
            raise
        raise PdfSigningError(f"the PDF could not be signed: {type(exc).__name__}: {exc}") from exc
    signed = bytes(output.getbuffer())
    cert = signer.signing_cert
    key = signer.key if isinstance(signer, CardSigner) else chosen.key
    timing = signer.timing if isinstance(signer, CardSigner) else CardTiming(0, 0.0)
    return SignResult(
        pdf=signed,
        level=chosen.level,
        key=key,
        field_name=name,
        signer="" if cert is None else _rfc4514(cert.dump()),
        font=None if appearance is None else appearance.font,
        card=timing,
        seconds=time.perf_counter() - started,
        notes=_notes(key, appearance.font if appearance else None),
    )


async def _sign_then_close(
    pdf_signer: signers.PdfSigner,
    writer: IncrementalPdfFileWriter,
    fetchers: AIOHttpFetcherBackend | None,
) -> io.BytesIO:
    """Sign, then close the HTTP session used to fetch revocation data (if any)."""
    try:
        output: io.BytesIO = await pdf_signer.async_sign_pdf(writer)
        return output
    finally:
        if fetchers is not None:
            await fetchers.close()  # type: ignore[no-untyped-call]


def _rfc4514(der: bytes) -> str:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


def _is_ours(exc: Exception) -> bool:
    from apdu.errors import ToolkitError
    from jpki.errors import JpkiError

    return isinstance(exc, JpkiError | ToolkitError)


def check_inputs(pdf: bytes, options: SignOptions) -> None:
    """Refuse a PDF that cannot be signed or options that cannot be used, before any PIN.

    :raises PdfInputError: what is wrong, in one line.
    """
    _check_options(options)
    writer = _open(pdf)
    if options.visible is not None:
        pages = _page_count(writer)
        if options.visible.page >= pages:
            raise PdfInputError(
                f"the signature box is on page {options.visible.page} (from 0), but the PDF has "
                f"{pages} page(s)"
            )


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    try:
        return int(writer.root["/Pages"]["/Count"])
    except (PyHankoPdfError, KeyError, TypeError, ValueError) as exc:
        raise PdfInputError(f"the PDF's page tree cannot be read: {exc}") from exc


def _check_options(options: SignOptions) -> None:
    if options.revocation.given and not options.tsa_url:
        raise PdfInputError(
            "PAdES B-LT needs a time-stamp: give a time-stamp server URL with the revocation data"
        )
    if options.tsa_url and not options.tsa_url.startswith(("http://", "https://")):
        raise PdfInputError(f"the time-stamp server must be an http(s) URL, not {options.tsa_url}")


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise PdfInputError("not a PDF: the file does not start with %PDF-")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PyHankoPdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PdfInputError(f"not a readable PDF: {exc}") from exc
    if writer.prev.encrypted:
        raise PdfInputError("the PDF is encrypted; decrypt it first")
    return writer


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    try:
        taken = {name for name, _, _ in fields.enumerate_sig_fields(writer.prev)}
    except (PyHankoPdfError, KeyError, TypeError) as exc:
        raise PdfInputError(f"the PDF's form fields cannot be read: {exc}") from exc
    number = 1
    while f"{_FIELD_PREFIX}{number}" in taken:
        number += 1
    return f"{_FIELD_PREFIX}{number}"


def _validation_context(
    signer: Signer, options: SignOptions, fetchers: AIOHttpFetcherBackend | None
) -> ValidationContext | None:
    if options.level is not PadesLevel.B_LT:
        return None
    roots: list[asn1_x509.Certificate] = list(signer.cert_registry)
    roots.extend(asn1_x509.Certificate.load(_der(cert)) for cert in options.extra_trust)
    return ValidationContext(
        trust_roots=roots,
        crls=[crl.CertificateList.load(_der(data)) for data in options.revocation.crls],
        ocsps=[ocsp.OCSPResponse.load(data) for data in options.revocation.ocsp_responses],
        allow_fetching=options.revocation.fetch,
        fetcher_backend=fetchers,
        revocation_mode="hard-fail",
    )


def _der(data: bytes) -> bytes:
    from asn1crypto import pem

    if pem.detect(data):
        _, _, der = pem.unarmor(data)
        return bytes(der)
    return data


def _notes(key: KeyKind, font: FontChoice | None) -> tuple[Msg, ...]:
    notes: list[Msg] = []
    if key is KeyKind.AUTH:
        notes.append(Msg("pdf.sign.auth_key_note"))
    if font is FontChoice.NOTO_CJK:
        notes.append(Msg("pdf.sign.font_noto", font="Noto Sans CJK JP"))
    elif font is FontChoice.ASCII_FALLBACK:
        notes.append(Msg("pdf.sign.font_fallback", package="fonts-noto-cjk"))
    return tuple(notes)
