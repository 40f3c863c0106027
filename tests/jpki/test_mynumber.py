"""My Number check digit: known answers worked by hand, properties, and non-leaking errors.

Worked examples (P_n counted from the right of the 11 leading digits; weights
Q = 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6 for n = 1..11):

* ``12345678901``: P = 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1;
  sum = 2 + 0 + 36 + 40 + 42 + 42 + 10 + 12 + 12 + 10 + 6 = 212; 212 mod 11 = 3; 11 - 3 = 8
  -> ``123456789018``.
* ``11111111111``: sum = 2+3+4+5+6+7+2+3+4+5+6 = 47; 47 mod 11 = 3 -> 8 -> ``111111111118``.
* ``00000000000``: sum 0, remainder 0 -> check digit 0 -> ``000000000000``.
* ``00000000001``: sum 1 x 2 = 2 -> 11 - 2 = 9 -> ``000000000019``.
* ``00000000005``: sum 5 x 2 = 10 -> 11 - 10 = 1 -> ``000000000051``.
* ``00000000006``: sum 6 x 2 = 12, remainder 1 -> check digit 0 -> ``000000000060``.
* ``10000000000``: P11 = 1, Q11 = 6 -> sum 6 -> 5 -> ``100000000005``.
* ``00000100000``: P6 = 1, Q6 = 7 -> sum 7 -> 4 -> ``000001000004``.
* ``00001000000``: P7 = 1, Q7 = 2 -> sum 2 -> 9 -> ``000010000009``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jpki.errors import CardInfoError, JpkiError, MyNumberError
from jpki.mynumber import (
    check_digit,
    is_valid_my_number,
    make_my_number,
    mask_my_number,
    validate_my_number,
)

KNOWN = [
    ("12345678901", 8),
    ("11111111111", 8),
    ("00000000000", 0),
    ("00000000001", 9),
    ("00000000005", 1),
    ("00000000006", 0),
    ("10000000000", 5),
    ("00000100000", 4),
    ("00001000000", 9),
]

eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


@pytest.mark.parametrize(("body", "expected"), KNOWN)
def test_check_digit_known_answers(body: str, expected: int) -> None:
    assert check_digit(body) == expected
    assert is_valid_my_number(body + str(expected))
    assert validate_my_number(body + str(expected)) == body + str(expected)


@pytest.mark.parametrize(("body", "expected"), KNOWN)
def test_every_other_check_digit_is_refused(body: str, expected: int) -> None:
    for wrong in set(range(10)) - {expected}:
        assert not is_valid_my_number(body + str(wrong))


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "1234567890",
        "123456789012",
        "1234567890a",
        "１２３４５６７８９０１",
        " 2345678901",
        None,
        12,
    ],
)
def test_check_digit_needs_eleven_ascii_digits(bad: object) -> None:
    with pytest.raises(MyNumberError):
        check_digit(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "12345678901",
        "1234567890188",
        "12345678901a",
        "1234-5678-9018",
        "１２３４５６７８９０１８",  # full-width digits are not ASCII digits
        "123456789018\n",
        None,
        123456789018,
    ],
)
def test_is_valid_is_false_for_malformed(bad: object) -> None:
    assert is_valid_my_number(bad) is False  # type: ignore[arg-type]


def test_validate_reports_wrong_check_digit_without_the_number() -> None:
    with pytest.raises(MyNumberError) as info:
        validate_my_number("123456789017")
    message = str(info.value)
    assert "check digit" in message
    assert "123456789017" not in message
    assert "12345678" not in message
    assert "********9017" in message
    # One tree: a bad number is a card-info and a toolkit error.
    assert isinstance(info.value, CardInfoError)
    assert isinstance(info.value, JpkiError)


def test_validate_reports_wrong_shape_without_the_number() -> None:
    with pytest.raises(MyNumberError) as info:
        validate_my_number("1234567890189")
    assert "1234567890189" not in str(info.value)
    assert "13 characters" in str(info.value)
    with pytest.raises(MyNumberError, match="must be a string"):
        validate_my_number(123456789018)  # type: ignore[arg-type]


def test_mask() -> None:
    assert mask_my_number("123456789018") == "********9018"
    assert mask_my_number("12345678") == "********"
    assert mask_my_number("") == ""
    assert mask_my_number(12) == "<not a string>"  # type: ignore[arg-type]


def test_make_my_number() -> None:
    assert make_my_number("12345678901") == "123456789018"
    assert make_my_number(1) == "000000000019"
    assert make_my_number(0) == "000000000000"
    assert make_my_number(99999999999) == "99999999999" + str(check_digit("99999999999"))
    for bad in (-1, 10**11, True, "1", 1.0):
        with pytest.raises(MyNumberError):
            make_my_number(bad)  # type: ignore[arg-type]


@given(eleven_digits)
def test_made_numbers_are_valid_and_unique_per_body(body: str) -> None:
    number = make_my_number(body)
    assert number[:11] == body
    assert is_valid_my_number(number)
    assert validate_my_number(number) == number


@given(eleven_digits, st.integers(min_value=0, max_value=9))
def test_valid_iff_last_digit_is_the_check_digit(body: str, last: int) -> None:
    assert is_valid_my_number(body + str(last)) == (check_digit(body) == last)


@given(st.text(alphabet="0123456789 -", min_size=9, max_size=20))
def test_validate_never_echoes_a_number(text: str) -> None:
    try:
        validate_my_number(text)
    except MyNumberError as exc:
        assert text not in str(exc)


@given(st.text(max_size=20))
def test_validate_raises_only_its_own_error(text: str) -> None:
    try:
        validate_my_number(text)
    except MyNumberError:
        pass
