"""How many APDUs per second the simulated card answers in process.

Commands go through :meth:`SimConnection.transmit <apdu.Connection.transmit>`, the path every
session takes (counting and the trace check included), to the default profile's card.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from jpki.digest import HashAlgorithm, digest_info
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection

from .apdus import default_card

__all__ = ["COMMANDS", "Throughput", "measure_throughput"]

_SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
_AUTH_PIN_SFI = 0x98
_AUTH_KEY_SFI = 0x97


def _read_binary() -> bytes:
    return bytes.fromhex("00B08A0000")  # 256 bytes of the auth certificate, by SFI


def _verify_query() -> bytes:
    return bytes((0x00, 0x20, 0x00, _AUTH_PIN_SFI))


def _sign() -> bytes:
    info = digest_info(HashAlgorithm.SHA256, message=b"benchmark")
    return bytes((0x80, 0x2A, 0x00, _AUTH_KEY_SFI, len(info))) + info + b"\x00"


@dataclass(frozen=True, slots=True)
class _Command:
    key: str
    label: str
    make: Callable[[], bytes]
    expected_sw: bytes
    batch: int
    verify_first: bool = False


COMMANDS: tuple[_Command, ...] = (
    _Command("read_binary", "READ BINARY 256 B (SFI)", _read_binary, b"\x90\x00", 1000),
    _Command("verify_query", "VERIFY query (tries left)", _verify_query, b"\x63\xc3", 1000),
    _Command("sign", "SIGN RSA-2048 (auth key)", _sign, b"\x90\x00", 5, verify_first=True),
)


@dataclass(frozen=True, slots=True)
class Throughput:
    """*apdus* answered in *seconds* of wall time."""

    key: str
    label: str
    apdus: int
    seconds: float

    @property
    def per_second(self) -> float:
        """APDUs per second."""
        return self.apdus / self.seconds

    def to_json(self) -> dict[str, object]:
        """``label``, ``apdus_per_s``, ``apdus``, ``seconds``."""
        return {
            "label": self.label,
            "apdus_per_s": round(self.per_second),
            "apdus": self.apdus,
            "seconds": round(self.seconds, 3),
        }


def _open_ready_card(verify: bool) -> SimConnection:
    """The default card with the JPKI application selected (and the auth PIN verified)."""
    data = default_card().data
    connection = SimConnection(SimulatedCard(data))
    pin = data.auth_pin.known_value.encode("ascii")
    setup = [_SELECT_JPKI]
    if verify:
        setup.append(bytes((0x00, 0x20, 0x00, _AUTH_PIN_SFI, len(pin))) + pin)
    for command in setup:
        response = connection.transmit(command)
        if response[-2:] != b"\x90\x00":
            raise RuntimeError(f"card set-up failed: {response.hex().upper()}")
    return connection


def measure_throughput(duration: float) -> list[Throughput]:
    """Send each command for at least *duration* seconds (whole batches) and count."""
    results = []
    for command in COMMANDS:
        raw = command.make()
        with _open_ready_card(command.verify_first) as connection:
            response = connection.transmit(raw)
            if response[-2:] != command.expected_sw:
                raise RuntimeError(f"{command.label} answered {response[-2:].hex().upper()}")
            transmit = connection.transmit
            count = 0
            started = time.perf_counter()
            elapsed = 0.0
            while elapsed < duration:
                for _ in range(command.batch):
                    transmit(raw)
                count += command.batch
                elapsed = time.perf_counter() - started
        results.append(Throughput(command.key, command.label, count, elapsed))
    return results
