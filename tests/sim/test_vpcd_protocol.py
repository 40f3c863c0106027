"""sim.chip.vpcd against a fake vpcd: a real TCP listener in the test speaking vpcd's side."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator

import pytest

from sim.chip.echo import NEW_JPKI_ATR, OLD_JPKI_ATR, EchoCard
from sim.chip.model import CardModel
from sim.chip.vpcd import (
    ControlCode,
    VpcdServer,
    encode_frame,
    handle_message,
    reader_name_for_port,
    stop_on_signals,
)

TIMEOUT = 10.0  # a bound against hangs, not a measurement


class RecordingCard:
    """A card model that notes power events and answers commands with their reversed bytes."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.present = True
        self.fail_on: bytes | None = None
        self.leave_on: bytes | None = None

    @property
    def atr(self) -> bytes:
        return NEW_JPKI_ATR

    def power_on(self) -> None:
        self.events.append("on")

    def power_off(self) -> None:
        self.events.append("off")

    def reset(self) -> None:
        self.events.append("reset")

    def process(self, command: bytes) -> bytes:
        if command == self.fail_on:
            raise RuntimeError("model bug")
        if command == self.leave_on:
            self.present = False  # pulled out while answering this command
        return command[::-1] + b"\x90\x00"


class FakeVpcd:
    """The vpcd side of one slot: listens, accepts the card, sends requests like vpcd 0.8."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port: int = self.listener.getsockname()[1]
        self.link: socket.socket | None = None

    def accept(self) -> socket.socket:
        link, _ = self.listener.accept()
        link.settimeout(TIMEOUT)
        self.link = link
        return link

    def send(self, payload: bytes, *, split: bool = True) -> None:
        """Send a frame; vpcd 0.8 sends the length and the body in two writes."""
        assert self.link is not None
        frame = encode_frame(payload)
        if split:
            self.link.sendall(frame[:2])
            self.link.sendall(frame[2:])
        else:
            self.link.sendall(frame)

    def receive(self) -> bytes:
        """One answer frame's payload."""
        header = self._exact(2)
        return self._exact(int.from_bytes(header, "big"))

    def request(self, payload: bytes) -> bytes:
        self.send(payload)
        return self.receive()

    def at_eof(self) -> bool:
        assert self.link is not None
        return self.link.recv(1) == b""

    def _exact(self, size: int) -> bytes:
        assert self.link is not None
        data = b""
        while len(data) < size:
            chunk = self.link.recv(size - len(data))
            assert chunk, "the card closed the link"
            data += chunk
        return data

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        self.listener.close()


@pytest.fixture
def vpcd() -> Iterator[FakeVpcd]:
    fake = FakeVpcd()
    yield fake
    fake.close()


class Running:
    """A VpcdServer serving on a background thread."""

    def __init__(self, server: VpcdServer) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def finish(self) -> None:
        self.server.stop()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "serve_forever did not return after stop()"


@pytest.fixture
def serve() -> Iterator[list[Running]]:
    running: list[Running] = []
    yield running
    for item in running:
        item.finish()


def start(running: list[Running], card: CardModel, port: int, **kwargs: object) -> VpcdServer:
    server = VpcdServer(card, port=port, **kwargs)  # type: ignore[arg-type]
    running.append(Running(server))
    return server


# --- pure parts ------------------------------------------------------------------------


def test_frame_is_big_endian_length_then_payload() -> None:
    assert encode_frame(b"\x90\x00") == b"\x00\x02\x90\x00"
    assert encode_frame(b"") == b"\x00\x00"
    assert encode_frame(bytes(0x1234))[:2] == b"\x12\x34"
    with pytest.raises(ValueError, match="at most"):
        encode_frame(bytes(0x10000))


def test_reader_names_of_the_default_slots() -> None:
    assert reader_name_for_port(35963) == "Virtual PCD 00 00"
    assert reader_name_for_port(35964) == "Virtual PCD 00 01"
    assert reader_name_for_port(35965) is None
    assert reader_name_for_port(36864, base_port=36864) == "Virtual PCD 00 00"


def test_control_codes_drive_power_and_only_get_atr_is_answered() -> None:
    card = RecordingCard()
    assert handle_message(card, bytes([ControlCode.POWER_ON])) is None
    assert handle_message(card, bytes([ControlCode.RESET])) is None
    assert handle_message(card, bytes([ControlCode.POWER_OFF])) is None
    assert handle_message(card, bytes([ControlCode.GET_ATR])) == NEW_JPKI_ATR
    assert handle_message(card, b"\x07") is None  # unknown: ignored, not answered
    assert card.events == ["on", "reset", "off"]


def test_commands_go_to_the_card_and_a_failing_model_still_answers() -> None:
    card = RecordingCard()
    assert handle_message(card, b"\x00\xa4") == b"\xa4\x00\x90\x00"
    card.fail_on = b"\x00\xb0\x00\x00"
    assert handle_message(card, b"\x00\xb0\x00\x00") == b"\x6f\x00"


def test_echo_card_answers_9000_to_everything() -> None:
    card = EchoCard()
    assert card.atr == OLD_JPKI_ATR
    assert isinstance(card, CardModel)
    card.power_on()
    assert card.process(b"\x00\xa4\x04\x0c") == b"\x90\x00"
    assert card.process(b"\xff" * 300) == b"\x90\x00"
    assert card.commands == 2
    with pytest.raises(ValueError, match="2 to 33"):
        EchoCard(b"\x3b")


# --- over a socket ---------------------------------------------------------------------


def test_serves_atr_power_and_apdus(vpcd: FakeVpcd, serve: list[Running]) -> None:
    card = RecordingCard()
    server = start(serve, card, vpcd.port)
    vpcd.accept()
    assert not server.connected.is_set()  # a TCP connect alone is not pcscd talking
    assert vpcd.request(b"\x04") == NEW_JPKI_ATR
    assert server.wait_connected(TIMEOUT)
    vpcd.send(b"\x01")
    assert vpcd.request(b"\x00\xa4\x04\x0c") == b"\x0c\x04\xa4\x00\x90\x00"
    vpcd.send(b"\x02")
    vpcd.send(b"\x00")
    assert vpcd.request(b"\x04") == NEW_JPKI_ATR  # the ATR is answered at any time
    assert card.events == ["on", "reset", "off"]
    assert server.apdus == 1


def test_frames_arriving_together_are_answered_in_order(
    vpcd: FakeVpcd, serve: list[Running]
) -> None:
    start(serve, EchoCard(), vpcd.port)
    link = vpcd.accept()
    link.sendall(encode_frame(b"\x04") + encode_frame(b"\x01") + encode_frame(b"\x00\xb0\x00\x00"))
    assert vpcd.receive() == OLD_JPKI_ATR
    assert vpcd.receive() == b"\x90\x00"


def test_large_commands_and_answers(vpcd: FakeVpcd, serve: list[Running]) -> None:
    start(serve, RecordingCard(), vpcd.port)
    vpcd.accept()
    command = bytes(range(256)) * 20
    vpcd.send(command, split=False)
    assert vpcd.receive() == command[::-1] + b"\x90\x00"


def test_sets_nodelay_and_calls_back_once_per_link(vpcd: FakeVpcd, serve: list[Running]) -> None:
    links: list[int] = []
    nodelay: list[int] = []

    def connected(server: VpcdServer) -> None:
        links.append(server.apdus)
        sock = server._socket
        assert sock is not None
        nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    start(serve, EchoCard(), vpcd.port, on_connected=connected)
    vpcd.accept()
    vpcd.request(b"\x04")
    vpcd.request(b"\x04")
    assert links == [0]
    assert nodelay == [1]


def test_reconnects_after_vpcd_closes_and_powers_the_card_off(
    vpcd: FakeVpcd, serve: list[Running]
) -> None:
    card = RecordingCard()
    server = start(serve, card, vpcd.port)
    first = vpcd.accept()
    vpcd.send(b"\x01")
    assert vpcd.request(b"\x04") == NEW_JPKI_ATR
    first.close()  # pcscd restarting
    vpcd.accept()
    assert vpcd.request(b"\x04") == NEW_JPKI_ATR
    assert server.connected.is_set()
    assert card.events == ["on", "off"]


def test_waits_for_vpcd_to_come_up(serve: list[Running]) -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on the port now: the server must keep trying
    server = start(serve, EchoCard(), port)
    assert not server.connected.is_set()
    listener = socket.create_server(("127.0.0.1", port))
    listener.settimeout(TIMEOUT)
    try:
        link, _ = listener.accept()
        link.settimeout(TIMEOUT)
        link.sendall(encode_frame(b"\x04"))
        assert link.recv(64) == encode_frame(OLD_JPKI_ATR)
        link.close()
    finally:
        listener.close()


def test_remove_after_answers_n_commands_then_closes(vpcd: FakeVpcd, serve: list[Running]) -> None:
    server = start(serve, EchoCard(), vpcd.port, remove_after_apdus=2)
    vpcd.accept()
    assert vpcd.request(b"\x04") == OLD_JPKI_ATR  # control codes do not count
    assert vpcd.request(b"\x00\xb0\x00\x00") == b"\x90\x00"
    assert vpcd.request(b"\x00\xb0\x00\x00") == b"\x90\x00"
    assert vpcd.at_eof()
    serve[0].thread.join(TIMEOUT)
    assert not serve[0].thread.is_alive()  # pulled: it does not reconnect
    assert server.stopping and not server.connected.is_set()


def test_a_card_that_leaves_closes_the_link(vpcd: FakeVpcd, serve: list[Running]) -> None:
    card = RecordingCard()
    card.leave_on = b"\x00\xb0"
    start(serve, card, vpcd.port)
    vpcd.accept()
    assert vpcd.request(b"\x00\xa4") == b"\xa4\x00\x90\x00"
    assert vpcd.request(b"\x00\xb0") == b"\xb0\x00\x90\x00"
    assert vpcd.at_eof()


def test_stop_interrupts_a_blocked_receive(vpcd: FakeVpcd, serve: list[Running]) -> None:
    server = start(serve, EchoCard(), vpcd.port)
    vpcd.accept()
    assert vpcd.request(b"\x04") == OLD_JPKI_ATR
    server.stop()  # the server is blocked in recv, waiting for vpcd
    serve[0].thread.join(TIMEOUT)
    assert not serve[0].thread.is_alive()
    assert vpcd.at_eof()


def test_signals_stop_the_server_and_handlers_are_restored() -> None:
    server = VpcdServer(EchoCard(), port=1)
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals(server):
        assert not server.stopping
        signal.raise_signal(signal.SIGTERM)
        assert server.stopping
    assert signal.getsignal(signal.SIGTERM) is before


def test_rejects_a_negative_removal_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        VpcdServer(EchoCard(), remove_after_apdus=-1)
