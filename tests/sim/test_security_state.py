"""The card's security state as CARD.md section 4 has it, and how the client copes with it.

A verified PIN stays verified across SELECTs (the same application included) and reconnects;
only power-off or a reset clears it; a query on a verified PIN answers ``9000``. The client
reads ``9000`` as "verified" everywhere it queries, and every ``with`` block that verified a
PIN leaves the card powered down, so the next program finds nothing verified.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from jpki.cli.card import open_card, open_session
from jpki.diagnosis.collect import read_facts
from jpki.errors import PinRequiredError
from jpki.ids import KeyKind, PinKind
from jpki.session import JpkiSession
from sim.carddata import CardData
from sim.chip.applets.ids import Application
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection

SHA256_DIGEST_INFO = bytes.fromhex("3031300D060960864801650304020105000420") + bytes(32)


def _pin_value(data: CardData, kind: PinKind) -> str:
    field = {
        PinKind.AUTH: data.auth_pin,
        PinKind.SIGN: data.sign_password,
        PinKind.CARD_INFO: data.card_info_pin,
        PinKind.JUKI: data.juki_pin,
    }[kind]
    return field.value


def _verified_elsewhere(card: SimulatedCard) -> dict[PinKind, bool]:
    """What a second program opening the card finds, through a fresh connection."""
    with SimConnection(card) as connection:
        return {k: s.verified for k, s in JpkiSession(connection).all_pin_status().items()}


# -- the chip -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PinKind))
def test_verified_survives_reselecting_every_application(
    card_data: CardData, kind: PinKind
) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card) as connection:
        JpkiSession(connection).verify_pin(kind, _pin_value(card_data, kind))
        for application in (*Application, *Application):  # each twice, its own included
            answer = connection.transmit(bytes.fromhex("00A4040C0A") + application.value)
            assert answer == b"\x90\x00"
        session = JpkiSession(connection)
        statuses = session.all_pin_status()
        assert statuses[kind].verified and statuses[kind].remaining == kind.max_tries
        assert [k for k, s in statuses.items() if s.verified] == [kind]
        assert session.pin_status(kind).verified  # once more, after all those SELECTs


def test_verified_survives_a_reconnect_that_leaves_the_card_powered(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card, leave_powered=True) as first:
        JpkiSession(first).verify_pin(PinKind.AUTH, card_data.auth_pin.value)
    assert card.powered
    with SimConnection(card) as second:
        session = JpkiSession(second)
        assert session.pin_status(PinKind.AUTH).verified
        # The key is usable without a VERIFY: what a careless first program leaves behind.
        assert len(session.sign_digest_info(KeyKind.AUTH, SHA256_DIGEST_INFO)) == 256


@pytest.mark.parametrize("clear", ["reset", "power_off"])
def test_only_reset_or_power_off_clears_it(card_data: CardData, clear: str) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card, leave_powered=True) as connection:
        session = JpkiSession(connection)
        session.verify_pin(PinKind.SIGN, card_data.sign_password.value)
        if clear == "reset":
            card.reset()
        else:
            connection.power_cycle()
        fresh = JpkiSession(connection)
        status = fresh.pin_status(PinKind.SIGN)
        assert not status.verified and status.remaining == PinKind.SIGN.max_tries
        with pytest.raises(PinRequiredError):
            fresh.sign_digest_info(KeyKind.SIGN, SHA256_DIGEST_INFO)


def test_the_named_option_reproduces_logout_on_select(card_data: CardData) -> None:
    card = SimulatedCard(replace(card_data, clear_verified_on_select=True))
    with SimConnection(card) as connection:
        session = JpkiSession(connection)
        session.verify_pin(PinKind.AUTH, card_data.auth_pin.value)
        status = session.pin_status(PinKind.AUTH)  # the session is on the JPKI AP: no SELECT
        assert status.verified
        connection.transmit(bytes.fromhex("00A4040C0AD392F000260100000001"))
        assert not JpkiSession(connection).pin_status(PinKind.AUTH).verified


# -- the client reads 9000 as verified -------------------------------------------------------


def test_the_guard_verifies_an_already_verified_pin_without_spending_a_try(
    card_data: CardData,
) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card) as connection:
        session = JpkiSession(connection)
        session.verify_pin(PinKind.JUKI, card_data.juki_pin.value)
        again = session.verify_pin(PinKind.JUKI, card_data.juki_pin.value)
        assert again.verified and again.remaining == 3
        assert not again.last_try and not again.blocked
    assert card.card_data.juki_pin.tries_left is None  # all tries, nothing spent


def test_the_facts_reader_reads_9000_as_verified(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card) as connection:
        JpkiSession(connection).verify_pin(PinKind.CARD_INFO, card_data.card_info_pin.value)
        facts = read_facts(connection)
    pins = {fact.kind: fact.status for fact in facts.pins}
    card_info = pins[PinKind.CARD_INFO]
    assert card_info is not None and card_info.verified and card_info.remaining == 3
    assert all(
        s is not None and not s.verified for k, s in pins.items() if k is not PinKind.CARD_INFO
    )


# -- nothing verified is left behind ----------------------------------------------------------


def test_a_with_block_that_verified_leaves_nothing_verified(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    with SimConnection(card) as connection:
        JpkiSession(connection).verify_pin(PinKind.AUTH, card_data.auth_pin.value)
    assert not card.powered
    assert not any(_verified_elsewhere(card).values())


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_error_or_ctrl_c_in_the_block_still_powers_the_card_down(
    card_data: CardData, error: type[BaseException]
) -> None:
    card = SimulatedCard(card_data)
    with pytest.raises(error), SimConnection(card) as connection:
        JpkiSession(connection).verify_pin(PinKind.SIGN, card_data.sign_password.value)
        raise error
    assert not card.powered
    assert not any(_verified_elsewhere(card).values())


def _cli_context(card: SimulatedCard) -> Any:
    # What open_card and open_session use of the CLI's context: the connection and --extended.
    return SimpleNamespace(
        open_connection=lambda: SimConnection(card), args=SimpleNamespace(extended=False)
    )


@pytest.mark.parametrize("error", [None, RuntimeError, KeyboardInterrupt])
def test_every_command_ends_with_the_card_powered_down(
    card_data: CardData, error: type[BaseException] | None
) -> None:
    card = SimulatedCard(card_data)
    ctx = _cli_context(card)
    try:
        with open_session(ctx) as session:
            session.verify_pin(PinKind.AUTH, card_data.auth_pin.value)
            assert session.pin_status(PinKind.AUTH).verified
            if error is not None:
                raise error
    except BaseException as exc:  # noqa: BLE001 - the test raised it itself
        assert error is not None and isinstance(exc, error)
    assert not card.powered
    assert not any(_verified_elsewhere(card).values())


def test_the_control_a_card_left_powered_keeps_its_verified_pin(card_data: CardData) -> None:
    # The negative control of the tests above: without the power-down, the next program
    # would find the PIN verified (the tests above can fail).
    card = SimulatedCard(card_data)
    ctx = SimpleNamespace(
        open_connection=lambda: SimConnection(card, leave_powered=True),
        args=SimpleNamespace(extended=False),
    )
    with open_card(ctx) as connection:
        JpkiSession(connection).verify_pin(PinKind.AUTH, card_data.auth_pin.value)
    assert _verified_elsewhere(card)[PinKind.AUTH]
