"""Collect the card facts a diagnosis needs, without any PIN and with the fewest APDUs.

For a plain My Number Card, with short APDUs and a certificate of N bytes::

    SELECT JPKI                       1
    READ BINARY availability (SFI)    1
    READ BINARY auth certificate      ceil(N / 256)   (the first read is the length probe)
    VERIFY query auth, sign (SFI)     2
    SELECT card-info AP + query       2
    SELECT Juki AP + query            2
    SELECT common AP + READ RECORD    2

that is 10 + ceil(N / 256): 16 for the simulator's 1494-byte certificate, 17 for a real
1573-byte one. The token EF costs one more APDU and says nothing a card that answers like this
does not already show, so it is read only when something is unusual (no readable auth
certificate, one issued before the first My Number Card, no card record) or with
``check_chain``. The chain check also reads both CA certificates (13 more APDUs with the
token, on the simulated card) and verifies the auth certificate's signature with the auth CA
certificate from the card.

Transport failures (card removed, reader gone) are not facts: they propagate.
"""

from __future__ import annotations

from dataclasses import replace

from apdu import SW, ApduError, Connection, ProtocolError
from apdu.lazylog import LazyLogger
from jpki.certificate import CertificateInfo, IssuerClass
from jpki.errors import CertificateError, ChainError, NotAMyNumberCardError, PinRequiredError
from jpki.ids import CertKind, PinKind
from jpki.models import Availability, CardRecord
from jpki.session import JpkiSession

from .facts import CardFacts, ChainFacts, ChipKind, PinFact, Problem

__all__ = ["read_facts", "read_session_facts"]

logger = LazyLogger(__name__)


def _before_first_card(auth: CertificateInfo) -> bool:
    """Whether *auth* was issued before the first My Number Card: it cannot be on one (an old
    Juki card). The rules are imported only here, when the answer matters."""
    from jpki.rules import RuleSet

    return auth.not_before.date() < min(rule_set.in_force_from for rule_set in RuleSet)


_ABSENT_SW = frozenset({SW.FILE_NOT_FOUND, SW.RECORD_NOT_FOUND, SW.REFERENCE_NOT_FOUND})


def read_facts(
    connection: Connection, *, check_chain: bool = False, extended: bool = False
) -> CardFacts:
    """Read the facts from the card on *connection* (which stays open).

    A card without the JPKI application gives facts of kind
    :attr:`ChipKind.NOT_A_MY_NUMBER_CARD` instead of an error.

    :param check_chain: also read the CA certificates and verify the auth certificate.
    :param extended: use extended APDUs (fewer READ BINARY), falling back to short ones.
    :raises TransportError: the card or reader went away.
    """
    start = connection.apdu_count
    try:
        session = JpkiSession(connection, extended=extended)
    except NotAMyNumberCardError:
        logger.debug("the JPKI application cannot be selected: not a My Number Card")
        return CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD, apdu_count=connection.apdu_count - start)
    facts = read_session_facts(session, check_chain=check_chain)
    return _with_count(facts, connection.apdu_count - start)


def read_session_facts(
    session: JpkiSession,
    *,
    check_chain: bool = False,
    with_token: bool = False,
    with_card_record: bool = True,
) -> CardFacts:
    """Read the facts through an open session (see :func:`read_facts`).

    :param with_token: always read the token EF (``jpki status`` shows it).
    :param with_card_record: read the common application's record (the card's expiry).
    :attr:`CardFacts.apdu_count` counts the APDUs sent by this call.
    """
    connection = session.connection
    start = connection.apdu_count
    availability = session.availability()
    auth, auth_problem = _auth_certificate(session, availability)
    # Read the token while the JPKI application is still selected, when it is wanted anyway or
    # the card looks unusual (asked last: it needs the rules).
    wanted = check_chain or with_token or auth_problem is not None
    if wanted or (auth is not None and _before_first_card(auth)):
        token = session.token()
    else:
        token = None
    chain = _chain(session, auth) if check_chain else None
    # JPKI PINs first (PinKind order): the JPKI application is still selected.
    pins = tuple(_pin(session, kind) for kind in PinKind)
    record: CardRecord | None = None
    record_problem: Problem | None = None
    if with_card_record:
        record, record_problem = _card_record(session)
    if token is None and record_problem is not None:
        token = session.token()
    chip = ChipKind.MY_NUMBER_CARD if token is None else ChipKind.from_token(token.kind)
    return CardFacts(
        chip=chip,
        token=token,
        availability=availability,
        auth_certificate=auth,
        auth_certificate_problem=auth_problem,
        pins=pins,
        card_record=record,
        card_record_problem=record_problem,
        chain=chain,
        apdu_count=connection.apdu_count - start,
    )


def _with_count(facts: CardFacts, count: int) -> CardFacts:
    return replace(facts, apdu_count=count)


def _auth_certificate(
    session: JpkiSession, availability: Availability
) -> tuple[CertificateInfo | None, Problem | None]:
    if not availability.auth_certificate:
        return None, Problem.ABSENT
    try:
        return session.read_certificate(CertKind.AUTH).info, None
    except PinRequiredError:
        return None, Problem.PIN_REQUIRED
    except CertificateError as exc:
        cause = exc.__cause__
        if isinstance(cause, ApduError) and cause.sw in _ABSENT_SW:
            return None, Problem.ABSENT
        logger.debug("the auth certificate cannot be read: %s", exc)
        return None, Problem.UNREADABLE
    except ApduError as exc:
        logger.debug("the auth certificate cannot be read: %s", exc)
        return None, Problem.UNREADABLE


def _pin(session: JpkiSession, kind: PinKind) -> PinFact:
    try:
        return PinFact(kind, session.pin_status(kind))
    except ApduError as exc:
        problem = Problem.ABSENT if exc.sw in _ABSENT_SW else Problem.UNREADABLE
        logger.debug("the %s PIN cannot be queried: %s", kind.value, exc)
        return PinFact(kind, None, problem)


def _card_record(session: JpkiSession) -> tuple[CardRecord | None, Problem | None]:
    try:
        record = session.card_record()
    except ApduError as exc:
        # Smartphone tokens and old cards have no common application (6A82).
        problem = Problem.ABSENT if exc.sw in _ABSENT_SW else Problem.UNREADABLE
        logger.debug("the card record cannot be read: %s", exc)
        return None, problem
    except ProtocolError as exc:
        logger.debug("the card record is malformed: %s", exc)
        return None, Problem.UNREADABLE
    if record.card_expiry is None:
        return record, Problem.UNREADABLE
    return record, None


def _ca_certificate(session: JpkiSession, kind: CertKind) -> CertificateInfo | None:
    try:
        return session.read_certificate(kind).info
    except (CertificateError, PinRequiredError, ApduError) as exc:
        logger.debug("the %s certificate cannot be read: %s", kind.value, exc)
        return None


def _chain(session: JpkiSession, auth: CertificateInfo | None) -> ChainFacts:
    auth_ca = _ca_certificate(session, CertKind.AUTH_CA)
    sign_ca = _ca_certificate(session, CertKind.SIGN_CA)
    if auth is None:
        issuer = auth_ca.issuer_class if auth_ca is not None else IssuerClass.UNKNOWN
        return ChainFacts(auth_ca, sign_ca, False, issuer, "no user-authentication certificate")
    if auth_ca is None:
        return ChainFacts(
            None, sign_ca, False, auth.issuer_class, "no readable user-authentication CA"
        )
    from jpki.chain import verify_chain  # only when the chain is checked: status does not

    try:
        # Only the signature and the hierarchy matter here; expiry is judged by calendar date.
        result = verify_chain(auth, [auth_ca], at=auth.not_before, require_production=False)
    except ChainError as exc:
        return ChainFacts(auth_ca, sign_ca, False, auth.issuer_class, str(exc))
    return ChainFacts(auth_ca, sign_ca, True, result.issuer_class)
