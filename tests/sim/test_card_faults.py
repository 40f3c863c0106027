"""Every fault the simulated card can inject, and that the client-side protocol copes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import sim.chip.card as sim_card_module
from apdu.errors import CardRemovedError
from apdu.protocol import ApduProtocol
from apdu.response import ResponseApdu
from sim.carddata import CardData
from sim.chip.applets.ids import Application
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection
from sim.chip.faults import Faults

Send = Callable[[str], ResponseApdu]
SELECT_JPKI = f"00A4040C0A{Application.JPKI.value.hex()}"


def test_no_faults_by_default(card: SimulatedCard) -> None:
    assert card.faults == Faults()
    assert not card.faults.any
    assert Faults(exact_le=True).any


@pytest.mark.parametrize(
    "kwargs",
    [
        {"get_response_chunk": 0},
        {"get_response_chunk": 257},
        {"latency": -0.1},
        {"sign_latency": -1.0},
        {"remove_after": -1},
    ],
)
def test_impossible_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Faults(**kwargs)  # type: ignore[arg-type]


def test_responses_are_chained_with_61xx_and_get_response(
    card: SimulatedCard, send: Send, card_data: CardData
) -> None:
    der = card_data.auth_certificate
    assert der is not None
    card.faults = Faults(get_response_chunk=100)
    send(SELECT_JPKI)
    first = send("00B08A00F0")  # 240 bytes wanted
    assert (len(first.data), first.sw) == (100, 0x6164)
    second = send("00C0000064")
    assert (len(second.data), second.sw) == (100, 0x6128)
    third = send("00C0000028")
    assert (len(third.data), third.sw) == (40, 0x9000)
    assert first.data + second.data + third.data == der[:240]
    assert send("00C0000010").sw == 0x6985  # nothing pending any more


def test_another_command_drops_the_pending_response(card: SimulatedCard, send: Send) -> None:
    card.faults = Faults(get_response_chunk=16)
    send(SELECT_JPKI)
    assert send("00B0860040").sw == 0x6110
    assert send("00200098").sw == 0x63C3
    assert send("00C0000010").sw == 0x6985


@pytest.mark.parametrize(
    ("command", "sw"), [("00C0010010", 0x6A86), ("00C00000", 0x6700), ("80C0000010", 0x6E00)]
)
def test_malformed_get_response(card: SimulatedCard, send: Send, command: str, sw: int) -> None:
    card.faults = Faults(get_response_chunk=16)
    send(SELECT_JPKI)
    send("00B0860040")
    assert send(command).sw == sw


def test_chained_final_status_word_is_the_command_s(card: SimulatedCard, send: Send) -> None:
    card.faults = Faults(get_response_chunk=1)
    assert send("0084000002").sw == 0x6101
    assert send("00C0000001").sw == 0x9000


def test_protocol_reads_a_certificate_through_get_response(
    card_data: CardData,
) -> None:
    card = SimulatedCard(card_data, faults=Faults(get_response_chunk=64))
    with SimConnection(card) as conn:
        protocol = ApduProtocol(conn)
        protocol.select_application(Application.JPKI.value)
        protocol.select_file(0x000A)
        assert protocol.read_object() == card_data.auth_certificate
        assert conn.apdu_count > 2 + 7  # GET RESPONSE round trips on top of the reads


def test_exact_le_answers_6cxx_for_a_read_past_the_end(card: SimulatedCard, send: Send) -> None:
    card.faults = Faults(exact_le=True)
    send(SELECT_JPKI)
    send("00A4020C020006")  # 160 bytes
    assert send("00B0000000").sw == 0x6CA0
    assert len(send("00B00000A0").data) == 160
    assert len(send("00B0000010").data) == 16  # asking for less is fine
    assert send("00B0009020").sw == 0x6C10
    assert len(send("00B00000000100").data) == 160  # extended Le reads short as before


def test_protocol_follows_6cxx(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(exact_le=True))
    with SimConnection(card) as conn:
        protocol = ApduProtocol(conn)
        protocol.select_application(Application.JPKI.value)
        protocol.select_file(0x0006)
        assert len(protocol.read_binary(0, 256)) == 160


def test_refused_extended_apdus_answer_6700(card: SimulatedCard, send: Send) -> None:
    card.faults = Faults(refuse_extended=True)
    send(SELECT_JPKI)
    send("00A4020C02000A")
    assert send("00B00000000800").sw == 0x6700
    assert send("00B0000000").sw == 0x9000


def test_protocol_falls_back_to_short_apdus(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(refuse_extended=True))
    with SimConnection(card) as conn:
        protocol = ApduProtocol(conn, extended=True)
        protocol.select_application(Application.JPKI.value)
        protocol.select_file(0x000A)
        assert protocol.read_object() == card_data.auth_certificate
        assert not protocol.extended


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the card's sleeps instead of sleeping (latency is asserted, not timed)."""
    recorded: list[float] = []
    monkeypatch.setattr(sim_card_module.time, "sleep", recorded.append)
    return recorded


def test_latency_is_added_to_each_command(
    card: SimulatedCard, send: Send, sleeps: list[float]
) -> None:
    card.faults = Faults(latency=0.02)
    for _ in range(3):
        send(SELECT_JPKI)
    assert sleeps == [0.02, 0.02, 0.02]


def test_sign_latency_is_added_to_each_signature_only(
    card: SimulatedCard, send: Send, card_data: CardData, sleeps: list[float]
) -> None:
    send(SELECT_JPKI)
    pin = card_data.auth_pin.value.encode()
    send(f"0020009804{pin.hex()}")
    card.faults = Faults(sign_latency=0.05)
    assert send("802A0097" + "33" + "00" * 51 + "00").sw == 0x9000
    assert sleeps == [0.05]
    send("00200098")
    assert sleeps == [0.05]


def test_card_removed_after_n_commands(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(remove_after=3))
    conn = SimConnection(card)
    for _ in range(3):
        assert conn.transmit(bytes.fromhex(SELECT_JPKI)) == b"\x90\x00"
    with pytest.raises(CardRemovedError):
        conn.transmit(bytes.fromhex(SELECT_JPKI))
    with pytest.raises(CardRemovedError):
        conn.transmit(bytes.fromhex(SELECT_JPKI))
    assert not card.present and not card.powered
    assert len(card.received) == 3  # the card never saw the later commands
    conn.close()
    card.power_on()
    assert not card.powered  # a removed card cannot be powered
    card.insert()
    card.faults = Faults()
    with SimConnection(card) as again:
        assert again.transmit(bytes.fromhex("00200098")) == b"\x6a\x88"


def test_card_removed_at_once(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(remove_after=0))
    with SimConnection(card) as conn, pytest.raises(CardRemovedError):
        conn.transmit(bytes.fromhex(SELECT_JPKI))


def test_first_command_after_power_on_answers_6f00(card_data: CardData) -> None:
    card = SimulatedCard(card_data, faults=Faults(fail_first_after_power_on=True))
    card.power_on()
    assert card.process(bytes.fromhex(SELECT_JPKI)) == b"\x6f\x00"
    assert card.current_application is None  # not executed
    assert card.process(bytes.fromhex(SELECT_JPKI)) == b"\x90\x00"
    assert card.process(bytes.fromhex(SELECT_JPKI)) == b"\x90\x00"
    card.reset()
    assert card.process(bytes.fromhex(SELECT_JPKI)) == b"\x6f\x00"
    assert len(card.received) == 4  # the refused command was received all the same


def test_faults_can_be_changed_mid_session(card: SimulatedCard, send: Send) -> None:
    send(SELECT_JPKI)
    card.faults = Faults(refuse_extended=True)
    send("00A4020C020006")
    assert send("00B00000000100").sw == 0x6700
    card.faults = Faults()
    assert send("00B00000000100").sw == 0x9000
