"""SimConnection over the simulated card (and any card model): power, counting, errors, speed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from apdu.errors import CardRemovedError, TransportError
from apdu.protocol import ApduProtocol
from sim import CardData, Faults, SimConnection, SimulatedCard
from sim.carddata import AtrKind
from sim.chip.applets.ids import Application
from sim.chip.echo import EchoCard
from sim.chip.model import CardModel

SELECT_JPKI = bytes.fromhex(f"00A4040C0A{Application.JPKI.value.hex()}")


def test_simulated_card_is_a_card_model(card: SimulatedCard) -> None:
    assert isinstance(card, CardModel)


def test_open_powers_on_and_close_powers_off(card_data: CardData) -> None:
    card = SimulatedCard(card_data)
    assert card.process(SELECT_JPKI) == b"\x6f\x00"  # unpowered: no precise diagnosis
    assert card.received == []  # an unpowered card receives nothing
    with SimConnection(card) as conn:
        assert card.powered
        assert conn.transmit(SELECT_JPKI) == b"\x90\x00"
    assert not card.powered and conn.closed
    conn.close()  # twice is fine
    with pytest.raises(TransportError, match="closed"):
        conn.transmit(SELECT_JPKI)
    with pytest.raises(TransportError, match="closed"):
        conn.power_cycle()


@pytest.mark.parametrize("kind", list(AtrKind))
def test_atr_is_one_of_the_two_real_ones(card_data: CardData, kind: AtrKind) -> None:
    card = SimulatedCard(replace(card_data, atr=kind))
    with SimConnection(card, name="slot 0") as conn:
        assert conn.atr == kind.atr
        assert conn.name == "slot 0"
    checksum = 0
    for byte in kind.atr[1:]:
        checksum ^= byte
    assert checksum == 0  # TCK holds: both offer T=1
    assert kind.atr.hex().upper() in (
        "3BE000FF8131FE4514",
        "3BDA13FF8131FB468012392F31C173C601C03B",
    )


def test_connection_counts_commands_and_bytes(card: SimulatedCard) -> None:
    with SimConnection(card) as conn:
        conn.transmit(SELECT_JPKI)
        conn.transmit(bytes.fromhex("00B0880003"))
        assert conn.apdu_count == 2
        assert conn.stats.bytes_sent == len(SELECT_JPKI) + 5
        assert conn.stats.bytes_received == 2 + 5
        assert card.received == [SELECT_JPKI, bytes.fromhex("00B0880003")]


def test_removed_card_raises_and_is_not_counted(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(remove_after=2))
    with SimConnection(card) as conn:
        conn.transmit(SELECT_JPKI)
        conn.transmit(SELECT_JPKI)
        for _ in range(2):
            with pytest.raises(CardRemovedError):
                conn.transmit(SELECT_JPKI)
        assert conn.apdu_count == 2


def test_power_cycle_clears_the_verified_state(card: SimulatedCard, card_data: CardData) -> None:
    pin = card_data.auth_pin.value.encode()
    with SimConnection(card) as conn:
        conn.transmit(SELECT_JPKI)
        conn.transmit(bytes.fromhex(f"0020009804{pin.hex()}"))
        conn.power_cycle()
        conn.transmit(SELECT_JPKI)
        assert conn.transmit(bytes.fromhex("00200098")) == b"\x63\xc3"


def test_any_card_model_can_be_served() -> None:
    echo = EchoCard()
    with SimConnection(echo) as conn:
        assert conn.transmit(b"\x00\x00\x00\x00") == b"\x90\x00"
        assert echo.powered
    assert not echo.powered


def test_protocol_reads_every_certificate(card_data: CardData) -> None:
    with SimConnection(SimulatedCard(card_data)) as conn:
        protocol = ApduProtocol(conn)
        protocol.select_application(Application.JPKI.value)
        protocol.select_file(0x000A)
        before = conn.apdu_count
        assert protocol.read_object() == card_data.auth_certificate
        der = card_data.auth_certificate
        assert der is not None
        assert conn.apdu_count - before == -(-len(der) // 256)  # ceil(N/256) reads
        assert protocol.read_object(sfi=0x0B) == card_data.auth_ca_certificate
        assert protocol.read_object(sfi=0x02) == card_data.sign_ca_certificate
