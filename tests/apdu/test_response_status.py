"""Response parsing, status word meanings and the error they raise."""

from __future__ import annotations

import pytest

from apdu import (
    SW,
    ApduError,
    BadResponseError,
    ResponseApdu,
    describe_sw,
    is_retry_counter,
    retries_from_sw,
)

# Every status word of CARD.md section 5.
CARD_STATUS_WORDS = {
    0x9000: "success",
    0x63C3: "3 tries left",
    0x63C0: "no tries left",
    0x6984: "locked",
    0x6983: "blocked",
    0x6982: "security status not satisfied",
    0x6985: "conditions of use",
    0x6700: "wrong length",
    0x6A82: "not found",
    0x6A83: "record not found",
    0x6A86: "P1-P2",
    0x6A88: "referenced data not found",
    0x6B00: "offset outside the file",
    0x6881: "logical channel",
    0x6882: "secure messaging",
    0x6D00: "instruction not supported",
    0x6E00: "class not supported",
    0x6F00: "no precise diagnosis",
    0x6110: "16 more response bytes",
    0x6C20: "exact length is 32",
}


@pytest.mark.parametrize(("sw", "fragment"), sorted(CARD_STATUS_WORDS.items()))
def test_every_card_status_word_has_a_meaning(sw: int, fragment: str) -> None:
    assert fragment in describe_sw(sw)


def test_unknown_status_words_still_render() -> None:
    assert describe_sw(0x9F12) == "unknown status word"
    assert "non-volatile" in describe_sw(0x6281)


@pytest.mark.parametrize(
    ("sw", "tries"),
    [
        (0x63C5, 5),
        (0x63C1, 1),
        (0x63C0, 0),
        (0x6983, 0),
        (0x6984, 0),
        (0x9000, None),
        (0x6300, None),
    ],
)
def test_retries_from_sw(sw: int, tries: int | None) -> None:
    assert retries_from_sw(sw) == tries
    assert is_retry_counter(sw) is (sw & 0xFFF0 == 0x63C0)


def test_response_parsing() -> None:
    response = ResponseApdu.from_bytes(bytes.fromhex("3082900063C2"))
    assert response.data == bytes.fromhex("30829000")
    assert (response.sw, response.sw1, response.sw2) == (0x63C2, 0x63, 0xC2)
    assert not response.ok
    assert response.to_bytes() == bytes.fromhex("3082900063C2")


@pytest.mark.parametrize("raw", [b"", b"\x90", bytes.fromhex("0102"), bytes.fromhex("AABB1234")])
def test_truncated_or_garbage_responses_are_refused(raw: bytes) -> None:
    with pytest.raises(BadResponseError):
        ResponseApdu.from_bytes(raw)


def test_check_raises_apdu_error_with_sw_and_meaning() -> None:
    assert ResponseApdu(b"ok", SW.OK).check() == b"ok"
    with pytest.raises(ApduError) as caught:
        ResponseApdu(b"", 0x6982).check()
    assert caught.value.sw == 0x6982
    assert "security status not satisfied" in caught.value.meaning
    assert "6982" in str(caught.value)
