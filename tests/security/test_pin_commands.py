"""PIN data in raw APDUs, and interruptions during PIN commands.

Every ISO 7816-4 instruction that carries reference data is redacted and refused on the
command line from one definition (``apdu.command.ReferenceDataIns``); Ctrl-C while a PIN
command is at the card reports "outcome unknown", never a plain "interrupted".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apdu import ApduProtocol, CommandApdu
from apdu.command import REFERENCE_DATA_INS, ReferenceDataIns
from apdu.testing import ScriptedConnection
from apdu.trace import SECRET_INS, format_command
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection

Jpki = Callable[..., Any]
SELECT_JPKI = "00A4040C0AD392F000260100000001"
SECRET = "39383736"  # "9876" in hex
ALL_INS = [0x20, 0x21, 0x24, 0x25, 0x26, 0x28, 0x2C, 0x2D]


def test_one_definition_covers_every_reference_data_instruction() -> None:
    assert sorted(REFERENCE_DATA_INS) == ALL_INS
    assert sorted(int(ins) for ins in ReferenceDataIns) == ALL_INS
    assert SECRET_INS is REFERENCE_DATA_INS  # the trace uses the same object
    assert 0x2A not in REFERENCE_DATA_INS  # PSO / COMPUTE DIGITAL SIGNATURE carries no PIN


@pytest.mark.parametrize("ins", ALL_INS)
def test_trace_and_repr_redact(ins: int) -> None:
    raw = bytes((0x00, ins, 0x00, 0x98, 0x04)) + bytes.fromhex(SECRET)
    assert SECRET not in format_command(raw).replace(" ", "")
    assert "<4 bytes redacted>" in format_command(raw)
    assert "9876" not in repr(CommandApdu.from_bytes(raw))


@pytest.mark.parametrize("ins", ALL_INS)
def test_simulated_card_log_redacts(ins: int) -> None:
    card = SimulatedCard()
    card.power_on()
    raw = bytes((0x00, ins, 0x00, 0x98, 0x04)) + bytes.fromhex(SECRET)
    card.process(raw)
    assert card.received[-1] == raw[:5] + b"****"


@pytest.mark.parametrize("ins", [0x21, 0x25, 0x2D, 0x28, 0x26])
def test_protocol_never_resends_reference_data(ins: int) -> None:
    command = CommandApdu(0x00, ins, 0x00, 0x98, bytes.fromhex(SECRET), le=0x10)
    raw = command.to_bytes().hex()
    connection = ScriptedConnection([(raw, "6C08")])
    response = ApduProtocol(connection).send(command)
    assert response.sw == 0x6C08  # handed back, not re-sent with Le=08
    connection.assert_done()


@pytest.mark.parametrize("ins", ALL_INS)
def test_raw_apdu_refuses_pin_data_on_the_command_line(jpki: Jpki, ins: int) -> None:
    apdu = f"00{ins:02X}009804{SECRET}"
    run = jpki("--sim", "--trace", "--json", "apdu", SELECT_JPKI, apdu)
    assert run.code == 2
    assert "standard input" in run.err
    assert SECRET not in (run.out + run.err).replace(" ", "") and "9876" not in run.err


@pytest.mark.parametrize("ins", ALL_INS)
def test_raw_apdu_redacts_pin_data_in_trace_and_json(
    jpki: Jpki, ins: int, caplog: pytest.LogCaptureFixture
) -> None:
    apdu = f"00{ins:02X}009804{SECRET}"
    with caplog.at_level(1):
        run = jpki("--sim", "--trace", "--json", "apdu", "--force", SELECT_JPKI, "-", stdin=apdu)
    shown = (run.out + run.err + caplog.text).replace(" ", "")
    assert SECRET not in shown and "9876" not in shown
    assert "<4 bytes redacted>" in run.out
    assert "Traceback" not in run.err


# --- Ctrl-C during a PIN command -------------------------------------------------------------


def _interrupt_after_pin_command(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The card gets the command (and spends the try); then the user presses Ctrl-C."""
    seen: list[bytes] = []
    exchange = SimConnection._exchange

    def exchange_then_interrupt(self: SimConnection, command: bytes) -> bytes:
        response = exchange(self, command)
        if len(command) > 5 and command[1] in REFERENCE_DATA_INS:
            seen.append(response)
            raise KeyboardInterrupt
        return response

    monkeypatch.setattr(SimConnection, "_exchange", exchange_then_interrupt)
    return seen


def test_ctrl_c_during_verify_is_outcome_unknown(
    jpki: Jpki, monkeypatch: pytest.MonkeyPatch, pins_env: Callable[..., None]
) -> None:
    seen = _interrupt_after_pin_command(monkeypatch)
    pins_env(auth="9999")
    run = jpki("--sim", "--lang", "en", "pin", "verify", "auth")
    assert seen == [b"\x63\xc2"]  # the try was spent on the card
    assert run.code == 5
    assert "unknown" in run.err and "pin status" in run.err
    assert "Traceback" not in run.err and "9999" not in run.err


def test_ctrl_c_during_raw_pin_apdu_is_outcome_unknown(
    jpki: Jpki, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_after_pin_command(monkeypatch)
    run = jpki("--sim", "--lang", "en", "apdu", SELECT_JPKI, "-", stdin="002000980439393939\n")
    assert run.code == 5
    assert "unknown" in run.err and "pin status" in run.err


def test_ctrl_c_elsewhere_is_still_interrupted(jpki: Jpki, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(self: SimConnection, command: bytes) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(SimConnection, "_exchange", interrupt)
    run = jpki("--sim", "--lang", "en", "apdu", SELECT_JPKI)
    assert run.code == 130
