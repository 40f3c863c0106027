"""Card files (JSON, atomic writes) and opening simulated cards that keep their state in one."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from apdu import ApduProtocol, CommandApdu, ToolkitError
from apdu.connection import Connection
from sim.carddata import PIN_FIELDS, AtrKind, CardData
from sim.chip.connection import SimConnection
from sim.chip.model import CardModel
from sim.factory import opening
from sim.factory.opening import CardFileConnection, PersistentCard, open_simulated_card
from sim.factory.profiles import ProfileError, UnknownProfileError, build_card_data
from sim.store import (
    FORMAT_NAME,
    FORMAT_VERSION,
    CardFileError,
    load_card_data,
    save_card_data,
)
from tests.badfiles import assert_refused

JPKI_AID = bytes.fromhex("D392F000260100000001")
WRONG_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98, b"9999")
RIGHT_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98, b"1234")
QUERY_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98)


def verify(connection: Connection, command: CommandApdu) -> int:
    protocol = ApduProtocol(connection)
    protocol.select_application(JPKI_AID)
    return protocol.send(command).sw


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != "card.json")


# --- the file format -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["adult", "under15", "blocked", "foreign-resident"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    data = build_card_data(name)
    path = tmp_path / "card.json"
    save_card_data(data, path)
    loaded = load_card_data(path)
    assert replace(loaded, **{name: getattr(data, name) for name in PIN_FIELDS}) == data
    for name in PIN_FIELDS:
        stored, original = getattr(loaded, name), getattr(data, name)
        assert stored.value is None  # a hash only
        assert stored.tries_left == original.tries_left
        assert stored.matches(original.value.encode("ascii"))
        assert not stored.matches(b"0000" if original.value != "0000" else b"0001")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT_NAME
    assert document["version"] == FORMAT_VERSION
    assert document["card"]["holder"]["name"] == data.holder.name  # readable UTF-8
    assert path.read_bytes().endswith(b"}\n")


def test_written_for_the_owner_only(card_file: Path) -> None:
    assert card_file.stat().st_mode & 0o077 == 0


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CardFileError, match="no such file") as caught:
        load_card_data(tmp_path / "absent.json")
    assert isinstance(caught.value, ToolkitError)
    assert caught.value.path == tmp_path / "absent.json"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "not a simulated card file"),
        (b'{"format": "something-else", "version": 1, "card": {}}', "not a simulated card"),
        (b'{"format": "jpki-sim-card", "version": 2, "card": {}}', "version 2"),
        (b'{"format": "jpki-sim-card", "card": {}}', "version None"),
        (b'{"format": "jpki-sim-card", "version": 1}', "'card' entry"),
        (b'{"format": "jpki-sim-card", "version": 1, "card": {"pin": 1}}', "unknown card data"),
        (
            b'{"format": "jpki-sim-card", "version": 1, "card": {"auth_certificate": "zz"}}',
            "invalid card data",
        ),
        (
            b'{"format": "jpki-sim-card", "version": 1, "card": {"auth_pin": {}}}',
            "missing entry 'value'",
        ),
        (
            b'{"format": "jpki-sim-card", "version": 1, "card": '
            b'{"auth_pin": {"value": "1234", "tries_left": 4}}}',
            "at most 3 tries",
        ),
    ],
)
def test_invalid_files(tmp_path: Path, content: bytes, message: str) -> None:
    assert_refused(tmp_path, content, load_card_data, CardFileError, message)


def test_unwritable_target_is_a_card_file_error(tmp_path: Path) -> None:
    with pytest.raises(CardFileError, match="cannot write"):
        save_card_data(build_card_data("adult"), tmp_path / "no-such-dir" / "card.json")


def test_failure_midway_leaves_the_old_file(
    card_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = card_file.read_bytes()
    made: list[str] = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        made.append(name)
        return fd, name

    def half_serialisable(self: CardData) -> dict[str, Any]:
        # json.dump writes the first entries to the file, then meets the object.
        return {"atr": "new", "filler": "x" * 100_000, "broken": object()}

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    monkeypatch.setattr(CardData, "to_dict", half_serialisable)
    with pytest.raises(TypeError):
        save_card_data(build_card_data("minor"), card_file)
    assert made and not Path(made[0]).exists()
    assert card_file.read_bytes() == original
    assert leftovers(card_file.parent) == []


def test_failure_before_the_rename_leaves_the_old_file(
    card_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = card_file.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(CardFileError, match="Input/output error"):
        save_card_data(build_card_data("minor"), card_file)
    assert card_file.read_bytes() == original
    assert leftovers(card_file.parent) == []


# --- opening cards ---------------------------------------------------------------------------


def test_open_profile() -> None:
    with open_simulated_card() as connection:
        assert isinstance(connection, SimConnection)
        assert not isinstance(connection, CardFileConnection)
        assert connection.atr == AtrKind.NEW.atr
        assert "adult" in connection.name
        assert verify(connection, QUERY_AUTH_PIN) == 0x63C3
    with open_simulated_card(profile="old-atr") as connection:
        assert connection.atr == AtrKind.OLD.atr


def test_open_unknown_profile() -> None:
    with pytest.raises(UnknownProfileError, match="known profiles: adult, "):
        open_simulated_card(profile="nobody")


def test_open_with_profile_and_file_is_refused(card_file: Path) -> None:
    with pytest.raises(ProfileError, match="not both"):
        open_simulated_card(profile="adult", card_file=card_file)


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CardFileError, match="no such file"):
        open_simulated_card(card_file=tmp_path / "absent.json")


def test_spent_try_survives_reopening(card_file: Path) -> None:
    with open_simulated_card(card_file=card_file) as connection:
        assert isinstance(connection, CardFileConnection)
        assert connection.path == card_file
        assert verify(connection, WRONG_AUTH_PIN) == 0x63C2
    with open_simulated_card(card_file=str(card_file)) as connection:
        assert verify(connection, QUERY_AUTH_PIN) == 0x63C2
    assert load_card_data(card_file).auth_pin.tries_left == 2


def test_state_is_on_file_before_the_connection_closes(card_file: Path) -> None:
    connection = open_simulated_card(card_file=card_file)
    assert verify(connection, WRONG_AUTH_PIN) == 0x63C2
    # As if the process died here: the try is already on file.
    assert load_card_data(card_file).auth_pin.tries_left == 2
    assert verify(connection, RIGHT_AUTH_PIN) == 0x9000
    assert load_card_data(card_file).auth_pin.tries_left is None
    connection.close()
    connection.close()


def test_changed_pin_survives_reopening(card_file: Path) -> None:
    with open_simulated_card(card_file=card_file) as connection:
        assert verify(connection, RIGHT_AUTH_PIN) == 0x9000
        change = CommandApdu(0x00, 0x24, 0x01, 0x98, b"5678")
        assert ApduProtocol(connection).send(change).sw == 0x9000
    with open_simulated_card(card_file=card_file) as connection:
        assert verify(connection, CommandApdu(0x00, 0x20, 0x00, 0x98, b"5678")) == 0x9000
    stored = load_card_data(card_file).auth_pin
    assert stored.value is None
    assert stored.matches(b"5678")
    assert not stored.matches(b"1234")


def test_blocked_card_stays_blocked(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    save_card_data(build_card_data("blocked"), path)
    sign = CommandApdu(0x00, 0x20, 0x00, 0x9B, b"ABCD1234")
    for _ in range(2):
        with open_simulated_card(card_file=path) as connection:
            assert verify(connection, sign) == 0x6984
            assert verify(connection, WRONG_AUTH_PIN) in (0x63C0, 0x6984)
    assert load_card_data(path).auth_pin.tries_left == 0


def test_reading_does_not_rewrite_the_file(card_file: Path) -> None:
    content = card_file.read_bytes()
    os.utime(card_file, ns=(0, 0))
    with open_simulated_card(card_file=card_file) as connection:
        assert verify(connection, QUERY_AUTH_PIN) == 0x63C3
        ApduProtocol(connection).read_object(sfi=0x0A)
    assert card_file.stat().st_mtime_ns == 0
    assert card_file.read_bytes() == content


def test_persistent_card_is_a_card_model_that_saves(card_file: Path) -> None:
    """What ``jpki sim serve --card`` hands to vpcd: saving must not depend on the connection."""
    with open_simulated_card(card_file=card_file) as connection:
        model = connection.card
        assert isinstance(model, PersistentCard)
        assert isinstance(model, CardModel)
        assert model.present
        model.process(bytes.fromhex("00A4040C0A") + JPKI_AID)
        assert model.process(bytes.fromhex("002000980439393939")) == b"\x63\xc2"
        assert load_card_data(card_file).auth_pin.tries_left == 2
        assert model.card.internal_errors == 0


def test_save_failure_answers_nothing_about_the_pin(
    card_file: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A try that cannot be written is never answered: the VERIFY fails with the reason."""

    def failing_save(data: CardData, path: str | os.PathLike[str]) -> None:
        raise CardFileError(path, "cannot write it: disk full")

    before = card_file.read_bytes()
    connection = open_simulated_card(card_file=card_file)
    monkeypatch.setattr(opening, "save_card_data", failing_save)
    with caplog.at_level(logging.ERROR):
        with pytest.raises(CardFileError, match="disk full.*answered nothing about the PIN"):
            verify(connection, WRONG_AUTH_PIN)
        with pytest.raises(CardFileError, match="disk full"):
            verify(connection, RIGHT_AUTH_PIN)
    assert "9999" not in caplog.text and "1234" not in caplog.text
    # The card's memory was not changed either: the counter is still full.
    assert verify(connection, QUERY_AUTH_PIN) == 0x63C3
    assert isinstance(connection.card, PersistentCard)
    assert connection.card.card.internal_errors == 0
    connection.close()
    assert connection.closed
    assert card_file.read_bytes() == before
