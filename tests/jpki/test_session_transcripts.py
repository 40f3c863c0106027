"""The session's exact APDUs, pinned by transcripts that fail on any unexpected command."""

from __future__ import annotations

import pytest

from apdu import ApduError, CardRemovedError
from apdu.testing import ScriptedConnection
from jpki.errors import (
    LastTryRefusedError,
    NotAMyNumberCardError,
    PinBlockedError,
    PinFormatError,
    PinIncorrectError,
    PinOutcomeUnknownError,
    PinRequiredError,
    SharedAccessError,
)
from jpki.ids import CertKind, KeyKind, PinKind, TokenKind
from jpki.session import JpkiSession

SELECT_JPKI = "00A4040C0AD392F000260100000001"
SELECT_CARD_INFO = "00A4040C0AD3921000310001010408"
SELECT_JUKI = "00A4040C0AD3921000310001010401"
SELECT_COMMON = "00A4040C0AD3921000310001010100"
QUERY_AUTH = "00200098"
QUERY_SIGN = "0020009B"
VERIFY_AUTH_1234 = "0020009804" + b"1234".hex()


def session_with(
    *script: tuple[str, str | BaseException],
) -> tuple[JpkiSession, ScriptedConnection]:
    conn = ScriptedConnection([(SELECT_JPKI, "9000"), *script])
    return JpkiSession(conn), conn


def test_a_card_without_the_jpki_application_is_not_a_my_number_card() -> None:
    conn = ScriptedConnection([(SELECT_JPKI, "6A82")])
    with pytest.raises(NotAMyNumberCardError, match="6A82"):
        JpkiSession(conn)


def test_first_apdu_after_unpowered_reconnect_may_answer_6f00() -> None:
    conn = ScriptedConnection([(SELECT_JPKI, "6F00"), (SELECT_JPKI, "9000")])
    JpkiSession(conn)
    conn.assert_done()


def test_token_and_availability_by_sfi() -> None:
    token = b"JPKIAPICCTOKEN2".ljust(160, b" ")
    session, conn = session_with(("00B08600A0", token.hex() + "9000"), ("00B0880003", "8F8F009000"))
    info = session.token()
    assert (info.name, info.kind) == ("JPKIAPICCTOKEN2", TokenKind.MY_NUMBER_CARD)
    availability = session.availability()
    assert availability.auth_certificate and availability.sign_certificate
    assert session.token() is info  # cached: no more APDUs
    conn.assert_done()


def test_pin_status_reads_counters_without_spending_tries() -> None:
    session, conn = session_with(
        (QUERY_AUTH, "63C3"),
        (QUERY_SIGN, "63C1"),
        (SELECT_CARD_INFO, "9000"),
        ("00200091", "63C0"),
        (SELECT_JUKI, "9000"),
        ("0020009C", "9000"),
    )
    statuses = session.all_pin_status()
    assert statuses[PinKind.AUTH].remaining == 3
    assert statuses[PinKind.SIGN].last_try
    assert statuses[PinKind.CARD_INFO].blocked
    assert statuses[PinKind.JUKI].verified
    assert conn.apdu_count == 7
    conn.assert_done()


@pytest.mark.parametrize(
    ("kind", "pin"),
    [
        (PinKind.AUTH, "123"),
        (PinKind.AUTH, "12345"),
        (PinKind.AUTH, "12a4"),
        (PinKind.AUTH, "１２３４"),
        (PinKind.SIGN, "abcd1234"),
        (PinKind.SIGN, "ABC12"),
        (PinKind.SIGN, "ABCD-1234"),
        (PinKind.SIGN, "A" * 17),
    ],
)
def test_malformed_pin_is_refused_before_anything_is_sent(kind: PinKind, pin: str) -> None:
    session, conn = session_with()
    with pytest.raises(PinFormatError) as caught:
        session.verify_pin(kind, pin)
    assert pin not in str(caught.value)
    assert conn.apdu_count == 1  # only the SELECT of the session
    conn.assert_done()


def test_lower_case_password_is_refused_not_upper_cased() -> None:
    session, _ = session_with()
    with pytest.raises(PinFormatError, match="upper-case"):
        session.verify_pin(PinKind.SIGN, "abcd1234")


def test_verify_reads_the_counter_first_then_verifies() -> None:
    session, conn = session_with((QUERY_AUTH, "63C3"), (VERIFY_AUTH_1234, "9000"))
    status = session.verify_pin(PinKind.AUTH, "1234")
    assert (status.remaining, status.max, status.verified) == (3, 3, True)
    conn.assert_done()  # the state after success is known: no second query


def test_last_try_is_refused_without_force() -> None:
    session, conn = session_with((QUERY_AUTH, "63C1"))
    with pytest.raises(LastTryRefusedError) as caught:
        session.verify_pin(PinKind.AUTH, "1234")
    assert caught.value.remaining == 1
    conn.assert_done()  # the VERIFY with data was never sent


def test_last_try_is_sent_with_force() -> None:
    session, conn = session_with((QUERY_AUTH, "63C1"), (VERIFY_AUTH_1234, "63C0"))
    with pytest.raises(PinBlockedError):
        session.verify_pin(PinKind.AUTH, "1234", force=True)
    conn.assert_done()


def test_blocked_pin_is_never_sent() -> None:
    session, conn = session_with((QUERY_AUTH, "63C0"))
    with pytest.raises(PinBlockedError):
        session.verify_pin(PinKind.AUTH, "1234", force=True)
    conn.assert_done()


def test_wrong_pin_reports_tries_left() -> None:
    session, _ = session_with((QUERY_AUTH, "63C3"), (VERIFY_AUTH_1234, "63C2"))
    with pytest.raises(PinIncorrectError) as caught:
        session.verify_pin(PinKind.AUTH, "1234")
    assert caught.value.remaining == 2


def test_6984_after_exhaustion_is_blocked() -> None:
    session, _ = session_with((QUERY_AUTH, "63C2"), (VERIFY_AUTH_1234, "6984"))
    with pytest.raises(PinBlockedError):
        session.verify_pin(PinKind.AUTH, "1234")


def test_transport_failure_during_verify_is_outcome_unknown_and_not_retried() -> None:
    session, conn = session_with(
        (QUERY_AUTH, "63C3"), (VERIFY_AUTH_1234, CardRemovedError("card removed"))
    )
    with pytest.raises(PinOutcomeUnknownError, match="unknown"):
        session.verify_pin(PinKind.AUTH, "1234")
    conn.assert_done()


def test_change_pin_checks_both_pins_before_sending() -> None:
    session, conn = session_with()
    with pytest.raises(PinFormatError):
        session.change_pin(PinKind.SIGN, "ABCD1234", "ABCDEFGH")  # new one has no digit
    conn.assert_done()


def test_change_pin_verifies_then_changes() -> None:
    session, conn = session_with(
        (QUERY_AUTH, "63C3"),
        (VERIFY_AUTH_1234, "9000"),
        ("0024019804" + b"4321".hex(), "9000"),
    )
    session.change_pin(PinKind.AUTH, "1234", "4321")
    conn.assert_done()


def test_sign_certificate_without_password_is_pin_required_not_parse_failure() -> None:
    session, _ = session_with(("00B0810000", "6982"))
    with pytest.raises(PinRequiredError) as caught:
        session.read_certificate(CertKind.SIGN)
    assert caught.value.pin is PinKind.SIGN


def test_signing_without_pin_is_pin_required() -> None:
    digest_info = bytes(51)
    session, _ = session_with(("802A009733" + digest_info.hex() + "00", "6982"))
    with pytest.raises(PinRequiredError):
        session.sign_digest_info(KeyKind.AUTH, digest_info)


def test_unexpected_status_is_an_apdu_error() -> None:
    session, _ = session_with((QUERY_AUTH, "6A88"))
    with pytest.raises(ApduError):
        session.pin_status(PinKind.AUTH)


def test_card_record_from_the_common_application() -> None:
    record = b"\x01\x1c" + b"123456789012345" + b"13105" + b"20351010"
    session, conn = session_with((SELECT_COMMON, "9000"), ("00B2010C00", record.hex() + "9000"))
    card = session.card_record()
    assert card.municipality_code == "13105"
    assert card.card_expiry is not None and card.card_expiry.isoformat() == "2035-10-10"
    conn.assert_done()


class _SharedConnection(ScriptedConnection):
    @property
    def exclusive(self) -> bool:
        return False


def test_no_pin_is_sent_over_a_shared_connection() -> None:
    conn = _SharedConnection([(SELECT_JPKI, "9000")])
    session = JpkiSession(conn)
    with pytest.raises(SharedAccessError):
        session.verify_pin(PinKind.AUTH, "1234")
    conn.assert_done()  # neither the counter query nor the VERIFY was sent


@pytest.mark.parametrize("answer", ["6C04", "6700"])
def test_a_pin_is_never_sent_twice_whatever_the_card_answers(answer: str) -> None:
    # 6Cxx / 6700 make the protocol re-send ordinary commands; never one carrying a PIN.
    session, conn = session_with((QUERY_AUTH, "63C3"), (VERIFY_AUTH_1234, answer))
    with pytest.raises(ApduError):
        session.verify_pin(PinKind.AUTH, "1234")
    conn.assert_done()


def test_garbage_answer_to_verify_is_outcome_unknown() -> None:
    session, conn = session_with((QUERY_AUTH, "63C3"), (VERIFY_AUTH_1234, "12"))
    with pytest.raises(PinOutcomeUnknownError, match="try of the user-authentication PIN"):
        session.verify_pin(PinKind.AUTH, "1234")
    conn.assert_done()


def test_link_failure_during_change_says_the_change_is_unknown() -> None:
    session, conn = session_with(
        (QUERY_AUTH, "63C3"),
        (VERIFY_AUTH_1234, "9000"),
        ("0024019804" + b"4321".hex(), CardRemovedError("card removed")),
    )
    with pytest.raises(PinOutcomeUnknownError, match="was changed is unknown"):
        session.change_pin(PinKind.AUTH, "1234", "4321")
    conn.assert_done()


def test_other_select_failures_are_not_called_not_a_my_number_card() -> None:
    conn = ScriptedConnection([(SELECT_JPKI, "6F00"), (SELECT_JPKI, "6F00")])
    with pytest.raises(ApduError) as caught:
        JpkiSession(conn)
    assert not isinstance(caught.value, NotAMyNumberCardError)
    assert caught.value.sw == 0x6F00
