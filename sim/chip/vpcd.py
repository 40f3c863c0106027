"""Serve a simulated card to pcscd through the vsmartcard ``vpcd`` reader driver.

vpcd is a pcscd reader driver that listens on TCP (port 35963 for the reader
``Virtual PCD 00 00``, 35964 for ``Virtual PCD 00 01``); the card side connects to it as a
client. Every message, both ways, is a 2-byte big-endian length and that many bytes. A 1-byte
message from vpcd is a control code (power off, power on, reset, get ATR); anything longer is
a command APDU that must be answered with one response frame. vpcd has no timeouts, so every
request gets an answer, and it asks for the ATR at every presence poll (about every 0.4 s).

The driver shipped with Debian 12 sends the length and the body of a frame in two segments
without ``TCP_NODELAY``; with delayed ACKs on our side that costs about 40 ms per message.
Re-arming ``TCP_QUICKACK`` before every ``recv`` (Linux resets it) brings a round trip down to
well under a millisecond.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from enum import IntEnum, unique
from types import FrameType

from apdu.lazylog import LazyLogger
from apdu.trace import TRAFFIC, format_command, format_response, trace_logger

from .model import CardModel

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_FRAME",
    "ControlCode",
    "VpcdServer",
    "encode_frame",
    "handle_message",
    "reader_name_for_port",
    "stop_on_signals",
]

logger = LazyLogger(__name__)

#: vpcd listens on all interfaces; the card connects over loopback.
DEFAULT_HOST = "127.0.0.1"

#: The port of the first vpcd slot (``Virtual PCD 00 00``) in Debian's reader configuration.
DEFAULT_PORT = 35963

#: The number of slots the packaged vpcd opens (one port each, counting up from the base).
_VPCD_SLOTS = 2

#: The largest payload the 2-byte length prefix can carry.
MAX_FRAME = 0xFFFF

_NO_PRECISE_DIAGNOSIS = b"\x6f\x00"
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


@unique
class ControlCode(IntEnum):
    """The 1-byte messages vpcd sends; only :attr:`GET_ATR` is answered."""

    POWER_OFF = 0x00
    POWER_ON = 0x01
    RESET = 0x02
    GET_ATR = 0x04


def encode_frame(payload: bytes) -> bytes:
    """The frame carrying *payload*: its length as 2 bytes big-endian, then the payload."""
    if len(payload) > MAX_FRAME:
        raise ValueError(f"a vpcd frame carries at most {MAX_FRAME} bytes, not {len(payload)}")
    return len(payload).to_bytes(2, "big") + payload


def reader_name_for_port(port: int, base_port: int = DEFAULT_PORT) -> str | None:
    """The PC/SC reader name pcscd gives the vpcd slot on *port*, or None if not a known slot."""
    slot = port - base_port
    if 0 <= slot < _VPCD_SLOTS:
        return f"Virtual PCD 00 {slot:02d}"
    return None


def handle_message(card: CardModel, payload: bytes) -> bytes | None:
    """Apply one vpcd message to *card*; return the payload to answer, or None for no answer.

    Power events and resets are answered with nothing, a request for the ATR with the ATR,
    and a command APDU with the card's response. If the card model fails on a command (it
    should not), the answer is ``6F00``: vpcd waits forever for an answer, so there is always
    one.
    """
    if len(payload) == 1:
        code = payload[0]
        if code == ControlCode.GET_ATR:
            return card.atr
        if code == ControlCode.POWER_OFF:
            card.power_off()
        elif code == ControlCode.POWER_ON:
            card.power_on()
        elif code == ControlCode.RESET:
            card.reset()
        else:
            logger.warning("ignoring unknown vpcd control code %02X", code)
        return None
    if not payload:
        logger.warning("ignoring an empty vpcd frame")
        return None
    try:
        response = card.process(payload)
    except Exception:  # noqa: BLE001 - the link must answer whatever the model does
        logger.exception("the card model failed on a command; answering 6F00")
        return _NO_PRECISE_DIAGNOSIS
    if len(response) > MAX_FRAME:
        logger.error("a %d-byte response does not fit a vpcd frame; answering 6F00", len(response))
        return _NO_PRECISE_DIAGNOSIS
    return response


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    """Read exactly *size* bytes, or None when the peer closes the link first."""
    buffer = bytearray()
    while len(buffer) < size:
        if _QUICKACK is not None:
            # Linux clears the flag after each ACK; re-arm it so vpcd's second segment is
            # acknowledged at once instead of after the ~40 ms delayed-ACK timer.
            sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        chunk = sock.recv(size - len(buffer))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


class VpcdServer:
    """Connect *card* to a vpcd slot and answer pcscd until stopped.

    While the link is up, pcscd sees the card as inserted in the slot's reader; when the
    link closes (:meth:`stop`, or ``remove_after_apdus``), pcscd sees it removed at its next
    presence poll. When vpcd is not listening yet, or closes the link (pcscd restarting), the
    server connects again with a short backoff. A card model with a ``present`` attribute
    that turns false (a simulated removal) is treated like ``remove_after_apdus``.

    :param card: the card to serve.
    :param host: where vpcd listens.
    :param port: the vpcd slot's port (35963: ``Virtual PCD 00 00``; 35964: ``... 00 01``).
    :param on_connected: called (on the serving thread) each time pcscd starts talking to the
        card over a new link.
    :param remove_after_apdus: pull the card out right after answering this many command
        APDUs, then stop (for tests of card removal).
    :param retry_delay: the first pause before connecting again; it doubles up to
        *max_retry_delay*.
    :param max_retry_delay: the longest pause between connection attempts.
    """

    def __init__(
        self,
        card: CardModel,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        on_connected: Callable[[VpcdServer], None] | None = None,
        remove_after_apdus: int | None = None,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
    ) -> None:
        if remove_after_apdus is not None and remove_after_apdus < 0:
            raise ValueError("remove_after_apdus must not be negative")
        self._card = card
        self._host = host
        self._port = port
        self._on_connected = on_connected
        self._remove_after = remove_after_apdus
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._socket: socket.socket | None = None
        self._apdus = 0

    @property
    def card(self) -> CardModel:
        """The card being served."""
        return self._card

    @property
    def address(self) -> tuple[str, int]:
        """Where vpcd is expected to listen: ``(host, port)``."""
        return (self._host, self._port)

    @property
    def reader_name(self) -> str | None:
        """The PC/SC reader name of the slot, when the port is one of the default slots."""
        return reader_name_for_port(self._port)

    @property
    def connected(self) -> threading.Event:
        """Set while pcscd is talking to the card over a live link.

        It is set on the first message from vpcd, not at TCP connect: a slot already taken by
        another card completes the connect but sends nothing until that card goes.
        """
        return self._connected

    @property
    def apdus(self) -> int:
        """How many command APDUs the card has answered through this server."""
        return self._apdus

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called (or the card was pulled by ``remove_after_apdus``)."""
        return self._stop.is_set()

    def wait_connected(self, timeout: float | None = None) -> bool:
        """Block until pcscd talks to the card; False if *timeout* seconds passed first."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Make :meth:`serve_forever` return soon; safe from other threads and signal handlers."""
        self._stop.set()
        sock = self._socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def serve_forever(self) -> None:
        """Serve the card, reconnecting as needed, until :meth:`stop` is called."""
        delay = self._retry_delay
        waiting_logged = False
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self._host, self._port), timeout=5.0)
            except OSError as exc:
                if not waiting_logged:
                    logger.info(
                        "waiting for vpcd on %s:%d (%s); is pcscd running?",
                        self._host,
                        self._port,
                        exc.strerror or exc,
                    )
                    waiting_logged = True
                self._stop.wait(delay)
                delay = min(delay * 2, self._max_retry_delay)
                continue
            delay = self._retry_delay
            waiting_logged = False
            self._socket = sock
            try:
                if not self._stop.is_set():
                    self._serve_link(sock)
            except OSError as exc:
                logger.info("vpcd link on port %d failed: %s", self._port, exc)
            finally:
                self._socket = None
                self._connected.clear()
                sock.close()
                # The card lost contact: whatever was verified or selected is gone.
                self._card.power_off()
            if not self._stop.is_set():
                logger.warning("vpcd closed the link on port %d; reconnecting", self._port)
                self._stop.wait(delay)
        logger.info("stopped serving the card on vpcd port %d", self._port)

    def _serve_link(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        logger.debug("connected to vpcd on %s:%d", self._host, self._port)
        while not self._stop.is_set():
            header = _recv_exact(sock, 2)
            if header is None:
                return
            payload = _recv_exact(sock, int.from_bytes(header, "big"))
            if payload is None:
                return
            if not self._connected.is_set():
                self._connected.set()
                logger.info("pcscd is talking to the card on vpcd port %d", self._port)
                if self._on_connected is not None:
                    self._on_connected(self)
            self._handle(sock, payload)
            if self._remove_after is not None and self._apdus >= self._remove_after:
                logger.info("pulling the card after %d APDUs", self._apdus)
                self._stop.set()
                return
            if not getattr(self._card, "present", True):
                logger.info("the card left the reader; closing the vpcd link")
                self._stop.set()
                return

    def _handle(self, sock: socket.socket, payload: bytes) -> None:
        is_command = len(payload) > 1
        if is_command and trace_logger.isEnabledFor(TRAFFIC):
            trace_logger.log(TRAFFIC, "vpcd:%d > %s", self._port, format_command(payload))
        elif not is_command:
            logger.debug("vpcd control %s", payload.hex().upper())
        answer = handle_message(self._card, payload)
        if answer is None:
            return
        # One sendall per frame: a split length/body would hit vpcd's delayed ACK instead.
        sock.sendall(encode_frame(answer))
        if is_command:
            self._apdus += 1
            if trace_logger.isEnabledFor(TRAFFIC):
                trace_logger.log(TRAFFIC, "vpcd:%d < %s", self._port, format_response(answer))


@contextlib.contextmanager
def stop_on_signals(
    server: VpcdServer, signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)
) -> Iterator[None]:
    """Within the block, the given signals stop *server* instead of their default action.

    The previous handlers are restored on exit. Signal handlers can only be installed from
    the main thread.
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d: stopping", signum)
        server.stop()

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
