"""Use the simulated My Number Card in your own test suite, as a pytest fixture.

The simulator is an in-process :class:`apdu.Connection`, the same interface a PC/SC reader
gives, so code that takes a connection is tested without hardware, pcscd or a real PIN at
risk. A fresh card per test keeps tests independent: PIN counters start full every time.
What the tests below show:

* the fixture: ``open_simulated_card(profile=...)`` in a ``with`` block, yielded;
* reading the PIN counters spends no try; a wrong PIN spends exactly one;
* the last-try guard sends nothing; the APDU trace never shows a PIN;
* counting APDUs (``connection.apdu_count``), to pin down the cost of an operation;
* faults: ``sim.Faults(remove_after=N)`` pulls the card out after N commands;
* card files: counters that persist from one connection to the next (``jpki --card FILE``).

The simulated cards' PINs are documented: ``1234`` for the three 4-digit PINs and ``ABCD1234``
for the signature password (``python -m jpki sim profiles`` lists the profiles).

Run (this file is an example, so the project's own ``pytest`` run does not collect it)::

    python -m pytest examples/test_with_simulator.py -q -p no:cacheprovider
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from apdu import TRAFFIC, CardRemovedError, Connection
from jpki.errors import (
    LastTryRefusedError,
    PinIncorrectError,
    PinOutcomeUnknownError,
    PinRequiredError,
)
from jpki.ids import CertKind, KeyKind, PinKind
from jpki.session import JpkiSession
from sim import Faults, SimConnection, build_card_data, open_simulated_card, save_card_data

AUTH_PIN = "1234"  # the simulator's documented default
WRONG_PIN = "9999"


@pytest.fixture
def card() -> Iterator[SimConnection]:
    """A fresh simulated adult card, powered down (verified PINs cleared) after the test."""
    with open_simulated_card(profile="adult") as connection:
        yield connection


@pytest.fixture
def session(card: Connection) -> JpkiSession:
    """A JPKI session on the card (its constructor selects the JPKI application)."""
    return JpkiSession(card)


def test_counters_are_read_without_spending_a_try(session: JpkiSession) -> None:
    first = session.all_pin_status()
    again = session.all_pin_status()
    assert {kind: status.remaining for kind, status in first.items()} == {
        PinKind.AUTH: 3,
        PinKind.SIGN: 5,
        PinKind.CARD_INFO: 3,
        PinKind.JUKI: 3,
    }
    assert again == first


def test_a_wrong_pin_spends_exactly_one_try(session: JpkiSession) -> None:
    with pytest.raises(PinIncorrectError) as wrong:
        session.verify_pin(PinKind.AUTH, WRONG_PIN)
    assert wrong.value.remaining == 2
    assert session.pin_status(PinKind.AUTH).remaining == 2
    session.verify_pin(PinKind.AUTH, AUTH_PIN)  # a correct PIN restores the full count
    assert session.pin_status(PinKind.AUTH).remaining == 3


def test_the_guard_refuses_the_last_try_and_sends_nothing() -> None:
    with open_simulated_card(profile="blocked") as card:  # auth PIN: 1 try left
        session = JpkiSession(card)
        before = card.apdu_count
        with pytest.raises(LastTryRefusedError):
            session.verify_pin(PinKind.AUTH, AUTH_PIN)
        assert card.apdu_count - before == 1  # the counter query, no VERIFY with the PIN
        assert session.pin_status(PinKind.AUTH).remaining == 1


def test_the_apdu_trace_never_shows_a_pin(
    session: JpkiSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(TRAFFIC, logger="apdu.trace")
    session.verify_pin(PinKind.AUTH, AUTH_PIN)
    assert "00 20 00 98 04 <4 bytes redacted>" in caplog.text
    assert AUTH_PIN.encode().hex(" ").upper() not in caplog.text  # "31 32 33 34"


def test_reading_the_auth_certificate_costs_one_apdu_per_256_bytes(
    card: SimConnection, session: JpkiSession
) -> None:
    before = card.apdu_count
    certificate = session.read_certificate(CertKind.AUTH)
    assert card.apdu_count - before == math.ceil(len(certificate.der) / 256)
    assert certificate.info.issuer_class.value == "simulated"  # never trust O=JPKI-SIM


def test_signing_needs_the_pin_first(session: JpkiSession) -> None:
    with pytest.raises(PinRequiredError):
        session.sign(KeyKind.AUTH, b"message")
    session.verify_pin(PinKind.AUTH, AUTH_PIN)
    assert len(session.sign(KeyKind.AUTH, b"message")) == 256  # checked against the cert


def test_a_card_pulled_out_raises_card_removed() -> None:
    # The SELECT in JpkiSession() is answered; the card is gone at the next command.
    with open_simulated_card(profile="adult", faults=Faults(remove_after=1)) as card:
        session = JpkiSession(card)
        with pytest.raises(CardRemovedError):
            session.read_certificate(CertKind.AUTH)


def test_a_card_pulled_out_during_verify_is_not_retried() -> None:
    # SELECT and the counter query are answered; the card leaves on the VERIFY itself, so
    # whether a try was spent is unknown: the session says so and does not send it again.
    with open_simulated_card(profile="adult", faults=Faults(remove_after=2)) as card:
        session = JpkiSession(card)
        with pytest.raises(PinOutcomeUnknownError) as unknown:
            session.verify_pin(PinKind.AUTH, AUTH_PIN)
        assert isinstance(unknown.value.__cause__, CardRemovedError)


def test_a_card_file_keeps_its_counters(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    save_card_data(build_card_data("adult", auth_pin_tries=2), path)
    with open_simulated_card(card_file=path) as card:
        with pytest.raises(PinIncorrectError):
            JpkiSession(card).verify_pin(PinKind.AUTH, WRONG_PIN)
    with open_simulated_card(card_file=path) as card:  # a new connection: power cycled
        assert JpkiSession(card).pin_status(PinKind.AUTH).remaining == 1
