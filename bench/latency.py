"""Latency of one simple APDU: in process, and through pcscd + vpcd.

The command is SELECT of the JPKI application by AID (``00 A4 04 0C 0A D392F0...``): the
simulated card answers ``9000`` after a dictionary lookup, the echo card (:mod:`sim.chip.echo`)
answers ``9000`` to anything. Sent to both cards through the same path, the difference is
what the simulator adds.

Through pcscd, both cards are served by ``python -m jpki sim serve`` subprocesses on the two
vpcd slots at once, and the benchmark alternates batches between the two readers so that a
noisy moment hits both alike. It does so in several rounds, the cards swapping slots from
one round to the next, because the second slot answers a few per cent slower than the first
even with the same card; the figure is the median of the rounds' ratios, and their spread
shows how much the machine's other work moves it. When only one slot is free the cards are
measured one after the other in that slot. The two vpcd ports must be free: other programs
serving cards on them at the same time would disturb the figures.
"""

from __future__ import annotations

import contextlib
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from apdu import Connection, ToolkitError
from sim.chip.card import SimulatedCard
from sim.chip.connection import SimConnection
from sim.chip.echo import EchoCard

from .apdus import default_card
from .procs import python_command, start_process
from .stats import Summary

__all__ = [
    "COMMAND",
    "VPCD_READERS",
    "InProcessLatency",
    "PcscLatency",
    "PcscUnavailable",
    "free_vpcd_ports",
    "measure_in_process",
    "measure_pcsc",
]

#: SELECT the JPKI application, no FCI.
COMMAND = bytes.fromhex("00A4040C0AD392F000260100000001")

#: The vpcd slots of Debian's reader configuration: port -> PC/SC reader name.
VPCD_READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}

_START_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0
_WARMUP = 50


class PcscUnavailable(Exception):  # noqa: N818 - a reason to skip, not an error
    """The PC/SC part cannot run here; the message says why (shown as "not measured: ...")."""


def _time_transmits(connection: Connection, command: bytes, count: int) -> list[float]:
    samples = []
    clock = time.perf_counter
    transmit = connection.transmit
    for _ in range(count):
        started = clock()
        response = transmit(command)
        samples.append(clock() - started)
        if response[-2:] != b"\x90\x00":
            raise RuntimeError(f"{connection.name} answered {response.hex().upper()}")
    return samples


@dataclass(frozen=True, slots=True)
class InProcessLatency:
    """One SELECT through :class:`~sim.chip.connection.SimConnection`, no PC/SC."""

    sim: Summary
    echo: Summary


def measure_in_process(count: int) -> InProcessLatency:
    """Time *count* SELECTs on the simulated card and on the echo card, in this process."""
    results = []
    for card in (SimulatedCard(default_card().data), EchoCard()):
        with SimConnection(card) as connection:
            _time_transmits(connection, COMMAND, _WARMUP)
            results.append(Summary.of(_time_transmits(connection, COMMAND, count)))
    return InProcessLatency(sim=results[0], echo=results[1])


@dataclass(frozen=True, slots=True)
class PcscLatency:
    """One SELECT through pyscard -> pcscd -> vpcd -> ``jpki sim serve``.

    :param sim: every sample with the simulated card.
    :param echo: every sample with the echo card.
    :param round_ratios: the simulated card's median over the echo card's, per round.
    :param mode: how the two cards were served (both slots at once, or one after the other).
    """

    sim: Summary
    echo: Summary
    round_ratios: tuple[float, ...]
    mode: str

    @property
    def ratio(self) -> float:
        """The median of the per-round ratios (each round pairs the cards in time)."""
        return statistics.median(self.round_ratios)


def free_vpcd_ports() -> list[int]:
    """The vpcd ports whose reader pcscd lists without a card in it.

    :raises PcscUnavailable: pyscard missing, pcscd not running, or no vpcd reader.
    """
    try:
        import smartcard  # noqa: F401 - only checking that pyscard is installed
    except ImportError as exc:
        raise PcscUnavailable("pyscard not installed") from exc
    from apdu.pcsc import list_readers

    try:
        readers = {reader.name: reader for reader in list_readers()}
    except ToolkitError as exc:
        raise PcscUnavailable("pcscd not running") from exc
    listed = [port for port, name in VPCD_READERS.items() if name in readers]
    if not listed:
        raise PcscUnavailable("pcscd lists no vpcd reader (install vsmartcard-vpcd)")
    free = [port for port in listed if not readers[VPCD_READERS[port]].card_present]
    if not free:
        raise PcscUnavailable("both vpcd readers already hold a card (another program)")
    return free


@contextlib.contextmanager
def _served(port: int, *, echo: bool) -> Iterator[str]:
    """Serve the echo or the default simulated card on *port*; yield its reader name."""
    from apdu.errors import NoCardError
    from apdu.pcsc import wait_for_card, wait_for_card_removal

    reader = VPCD_READERS[port]
    which = ["--echo"] if echo else ["--profile", default_card().name]
    command = python_command("-m", "jpki", "sim", "serve", "--port", str(port), *which)
    with tempfile.TemporaryFile() as log:
        process = start_process(command, stderr=log)
        try:
            deadline = time.monotonic() + _START_TIMEOUT
            while True:
                try:
                    wait_for_card(reader, 0.5)
                    break
                except NoCardError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        output = log.read().decode(errors="replace")[-2000:]
                        raise RuntimeError(
                            f"'jpki sim serve' on port {port} did not bring a card "
                            f"(exit status {process.poll()}): {output}"
                        ) from None
            yield reader
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ToolkitError):
                wait_for_card_removal(reader, _STOP_TIMEOUT)


def _interleaved(readers: Sequence[str], count: int, batch: int) -> list[list[float]]:
    """Alternate batches of SELECTs between the readers; samples per reader."""
    from apdu.pcsc import open_reader

    samples: list[list[float]] = [[] for _ in readers]
    with contextlib.ExitStack() as stack:
        connections = [stack.enter_context(open_reader(name)) for name in readers]
        for connection in connections:
            _time_transmits(connection, COMMAND, _WARMUP)
        round_number = 0
        while len(samples[0]) < count:
            order = range(len(connections))
            # Swap who goes first every round: no reader always follows the other.
            for index in order if round_number % 2 == 0 else reversed(order):
                size = min(batch, count - len(samples[index]))
                samples[index] += _time_transmits(connections[index], COMMAND, size)
            round_number += 1
    return samples


def measure_pcsc(count: int, *, rounds: int = 4, batch: int = 100) -> PcscLatency:
    """Time *count* SELECTs through pcscd on each card, in *rounds* rounds.

    With both vpcd slots free, each round serves both cards at once, the two readers taking
    turns every *batch* commands, and the cards swap slots from one round to the next (the
    two slots do not answer equally fast). With one free slot, each round serves the echo
    card, then the simulated card, in that slot.

    :raises PcscUnavailable: the stack is not there (see :func:`free_vpcd_ports`).
    """
    ports = free_vpcd_ports()
    echo_samples: list[float] = []
    sim_samples: list[float] = []
    ratios: list[float] = []
    for index in range(rounds):
        size = count // rounds + (1 if index < count % rounds else 0)
        if len(ports) >= 2:
            echo_port, sim_port = (ports[0], ports[1]) if index % 2 == 0 else (ports[1], ports[0])
            with (
                _served(echo_port, echo=True) as echo_reader,
                _served(sim_port, echo=False) as sim_reader,
            ):
                echo_part, sim_part = _interleaved([echo_reader, sim_reader], size, batch)
        else:
            with _served(ports[0], echo=True) as echo_reader:
                (echo_part,) = _interleaved([echo_reader], size, batch)
            with _served(ports[0], echo=False) as sim_reader:
                (sim_part,) = _interleaved([sim_reader], size, batch)
        echo_samples += echo_part
        sim_samples += sim_part
        ratios.append(statistics.median(sim_part) / statistics.median(echo_part))
    mode = (
        f"both slots, {rounds} rounds, slots swapped each round"
        if len(ports) >= 2
        else f"one slot, {rounds} rounds, one card after the other"
    )
    return PcscLatency(
        sim=Summary.of(sim_samples),
        echo=Summary.of(echo_samples),
        round_ratios=tuple(ratios),
        mode=mode,
    )
