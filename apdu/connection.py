"""The connection interface that a PC/SC reader and the simulated card both implement.

A connection moves raw bytes: a command APDU in, a response APDU out. It counts the round
trips and the bytes, and writes the (redacted) APDU trace, so every implementation gets both
for free by implementing :meth:`Connection._exchange`.
"""

from __future__ import annotations

import abc
import contextlib
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Self

from ._value import FrozenValue
from .errors import TransportError
from .trace import TRAFFIC, format_command, format_response, trace_logger

__all__ = ["ApduStats", "Connection", "OpenedConnection"]


class ApduStats(FrozenValue):
    """Round trips and bytes on the wire since the connection opened (or was reset)."""

    __slots__ = ("apdus", "bytes_sent", "bytes_received")

    apdus: int
    bytes_sent: int
    bytes_received: int

    def __init__(self, apdus: int = 0, bytes_sent: int = 0, bytes_received: int = 0) -> None:
        self._set_fields(apdus, bytes_sent, bytes_received)

    def __sub__(self, other: ApduStats) -> ApduStats:
        return ApduStats(
            self.apdus - other.apdus,
            self.bytes_sent - other.bytes_sent,
            self.bytes_received - other.bytes_received,
        )


class Connection(abc.ABC):
    """A link to one card: bytes in, bytes out.

    Use it as a context manager; :meth:`close` releases the card. Sessions built on a
    connection never close it: whoever opened the connection owns it.
    """

    def __init__(self) -> None:
        self._stats = ApduStats()
        self._closed = False

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A human-readable name of the reader or simulated card."""

    @property
    @abc.abstractmethod
    def atr(self) -> bytes:
        """The card's answer to reset."""

    @abc.abstractmethod
    def _exchange(self, command: bytes) -> bytes:
        """Send one command and return the raw response (data + SW1 SW2)."""

    def transmit(self, command: bytes) -> bytes:
        """Send one raw command APDU and return the raw response, counted and traced.

        :raises TransportError: the connection is closed.
        """
        self._check_open()
        trace = trace_logger.isEnabledFor(TRAFFIC)
        if trace:
            trace_logger.log(TRAFFIC, "%s > %s", self.name, format_command(command))
        started = time.perf_counter()
        response = self._exchange(command)
        self._stats = ApduStats(
            self._stats.apdus + 1,
            self._stats.bytes_sent + len(command),
            self._stats.bytes_received + len(response),
        )
        if trace:
            elapsed_ms = (time.perf_counter() - started) * 1000
            trace_logger.log(
                TRAFFIC, "%s < %s (%.2f ms)", self.name, format_response(response), elapsed_ms
            )
        return response

    @property
    def stats(self) -> ApduStats:
        """Round trips and bytes so far; subtract two snapshots to measure an operation."""
        return self._stats

    @property
    def apdu_count(self) -> int:
        """Number of APDUs sent so far."""
        return self._stats.apdus

    def reset_stats(self) -> None:
        """Start counting from zero."""
        self._stats = ApduStats()

    @property
    def exclusive(self) -> bool:
        """Whether no other program can send commands to the card meanwhile.

        True for an in-process card; a PC/SC connection says whether it got exclusive
        access. A verified PIN is usable by whoever can send commands, so PIN commands
        need it.
        """
        return True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the card for a multi-command sequence (a no-op where nothing can interleave)."""
        yield

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def _check_open(self) -> None:
        """Raise :class:`~apdu.errors.TransportError` once the connection is closed."""
        if self._closed:
            raise TransportError(f"the connection to '{self.name}' is closed")

    def close(self) -> None:
        """Release the card; safe to call twice (only the first call releases anything)."""
        if self._closed:
            return
        self._closed = True
        self._release()

    def _release(self) -> None:  # noqa: B027 - a no-op default is the intended behaviour
        """Release what the connection holds; called once, by the first :meth:`close`."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class OpenedConnection(Connection):
    """A :class:`Connection` whose name and ATR are known when it opens.

    What a reader's card, a simulated card and a scripted transcript share; implementations
    add :meth:`~Connection._exchange` and, where closing releases something,
    :meth:`~Connection._release`.

    :param name: the reader's or the simulated card's name, for traces and messages.
    :param atr: the card's answer to reset, as read when the connection opened.
    """

    def __init__(self, name: str, atr: bytes) -> None:
        super().__init__()
        self._name = name
        self._atr = atr

    @property
    def name(self) -> str:
        """The name given when the connection opened."""
        return self._name

    @property
    def atr(self) -> bytes:
        """The card's answer to reset, as read when the connection opened."""
        return self._atr
