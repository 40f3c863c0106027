"""apdu.pcsc through the real pcscd and vpcd, with cards served by ``jpki sim serve``.

What pcscd 1.9.9 does, as these tests pin it down:

* exclusive access held by one connection: another connect fails at once with a sharing
  violation, exclusive or shared (``ReaderBusyError``);
* shared access held by one connection: an exclusive connect is refused, and ``open_reader``
  falls back to shared (``shared_fallback``);
* a card removed between commands: the next command fails with ``SCARD_W_REMOVED_CARD``; a
  card pulled while pcscd has not noticed yet: the command fails or comes back empty, and the
  connection confirms the removal with pcscd before reporting ``CardRemovedError``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

from apdu.errors import (
    AmbiguousReaderError,
    CardRemovedError,
    NoCardError,
    ReaderBusyError,
    TransportError,
)
from apdu.pcsc import Disposition, ReaderInfo, list_readers, open_reader, wait_for_card

pytestmark = pytest.mark.pcsc

REPO = Path(__file__).resolve().parents[2]


class Served(Protocol):
    """What the ``served_card`` fixture returns (``conftest.ServedCard``)."""

    reader: str

    def stop(self) -> None:
        """Stop serving and wait until pcscd sees the reader empty."""


ServeCard = Callable[..., Served]

OLD_ATR = "3BE000FF8131FE4514"
NEW_ATR = "3BDA13FF8131FB468012392F31C173C601C03B"
READER_0 = "Virtual PCD 00 00"  # vpcd port 35963
READER_1 = "Virtual PCD 00 01"  # vpcd port 35964
SELECT_JPKI = bytes.fromhex("00A4040C0AD392F000260100000001")
READ_BINARY = bytes.fromhex("00B0000004")


def _reader(name: str) -> ReaderInfo:
    return next(reader for reader in list_readers() if reader.name == name)


def test_list_readers_shows_the_served_card_and_its_atr(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    assert _reader(READER_0) == ReaderInfo(READER_0, True, bytes.fromhex(OLD_ATR))
    assert _reader(READER_1) == ReaderInfo(READER_1, False, None)


def test_jpki_readers_json(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    done = subprocess.run(
        [sys.executable, "-m", "jpki", "readers", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = {entry["name"]: entry for entry in json.loads(done.stdout)}
    assert listed[READER_0] == {"name": READER_0, "card_present": True, "atr": OLD_ATR}
    assert listed[READER_1] == {"name": READER_1, "card_present": False, "atr": None}


def test_transmit_round_trip(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    with open_reader(READER_0) as connection:
        assert connection.name == READER_0
        assert connection.atr == bytes.fromhex(OLD_ATR)
        assert connection.protocol == "T=1"
        assert connection.exclusive and not connection.shared_fallback
        assert connection.disposition is Disposition.UNPOWER
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
    assert connection.closed
    with pytest.raises(TransportError, match="closed"):
        connection.transmit(SELECT_JPKI)
    connection.close()  # idempotent


def test_open_without_a_name_takes_the_only_card(served_card: ServeCard) -> None:
    served_card(35964, echo=True)
    with open_reader() as connection:
        assert connection.name == READER_1


def test_apdu_counter(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    with open_reader("pcd 00 00") as connection:
        for _ in range(5):
            connection.transmit(READ_BINARY)
        assert connection.apdu_count == 5
        assert connection.stats.bytes_sent == 5 * len(READ_BINARY)
        assert connection.stats.bytes_received == 5 * 2
        connection.reset_stats()
        connection.transmit(SELECT_JPKI)
        assert connection.apdu_count == 1


def test_transaction(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    with open_reader(READER_0) as connection:
        with connection.transaction():
            assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
            with connection.transaction():
                assert connection.transmit(READ_BINARY) == b"\x90\x00"
        assert connection.transmit(READ_BINARY) == b"\x90\x00"


def test_exclusive_holder_makes_the_reader_busy(served_card: ServeCard) -> None:
    served_card(35963, echo=True)
    with open_reader(READER_0) as first:
        with pytest.raises(ReaderBusyError, match="held exclusively"):
            open_reader(READER_0)
        with pytest.raises(ReaderBusyError, match="held exclusively"):
            open_reader(READER_0, exclusive=False)
        assert first.transmit(SELECT_JPKI) == b"\x90\x00"  # the holder is not disturbed
    with open_reader(READER_0) as again:  # released by close()
        assert again.exclusive


def test_shared_holder_makes_exclusive_fall_back_to_shared(
    served_card: ServeCard, caplog: pytest.LogCaptureFixture
) -> None:
    served_card(35963, echo=True)
    with open_reader(READER_0, exclusive=False) as shared:
        assert not shared.exclusive and not shared.shared_fallback
        with caplog.at_level(logging.WARNING, logger="apdu.pcsc"):
            second = open_reader(READER_0)
        with second:
            assert second.shared_fallback and not second.exclusive
            assert any(
                record.levelno == logging.WARNING and "shared" in record.getMessage()
                for record in caplog.records
            )
            assert second.transmit(SELECT_JPKI) == b"\x90\x00"
            assert shared.transmit(SELECT_JPKI) == b"\x90\x00"


def test_card_removed_between_commands(served_card: ServeCard) -> None:
    served = served_card(35963, echo=True)
    with open_reader(READER_0) as connection:
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
        served.stop()  # returns once pcscd reports the reader empty
        with pytest.raises(CardRemovedError):
            connection.transmit(READ_BINARY)
        with pytest.raises(CardRemovedError):
            connection.transmit(READ_BINARY)
        with pytest.raises(CardRemovedError), connection.transaction():
            pass
        assert connection.apdu_count == 1  # nothing partial was counted or returned
    with pytest.raises(NoCardError):
        open_reader(READER_0)


def test_card_pulled_before_pcscd_notices(served_card: ServeCard) -> None:
    # The simulator closes the link right after its first answer: pcscd has not polled yet
    # when the second command goes out.
    served_card(35963, echo=True, remove_after=1)
    with open_reader(READER_0) as connection:
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
        with pytest.raises(CardRemovedError):
            connection.transmit(READ_BINARY)
        assert connection.apdu_count == 1


def test_open_reader_waits_for_a_card(served_card: ServeCard) -> None:
    with pytest.raises(NoCardError):
        open_reader(READER_0)
    served_card(35963, echo=True, wait_present=False)
    with open_reader(READER_0, wait_seconds=20) as connection:
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"


def test_wait_for_card_times_out_with_no_card_error(served_card: ServeCard) -> None:
    with pytest.raises(NoCardError, match="after"):
        wait_for_card(READER_1, 0.5)


def test_two_cards_in_two_readers(served_card: ServeCard) -> None:
    first = served_card(35963, echo=True)
    served_card(35964, echo=True, atr=NEW_ATR)
    assert _reader(READER_0).atr == bytes.fromhex(OLD_ATR)
    assert _reader(READER_1).atr == bytes.fromhex(NEW_ATR)
    with pytest.raises(AmbiguousReaderError, match="several readers"):
        open_reader()
    with pytest.raises(AmbiguousReaderError, match="several readers match"):
        open_reader("virtual pcd")
    with open_reader(READER_0) as zero, open_reader(READER_1) as one:
        assert zero.atr == bytes.fromhex(OLD_ATR)
        assert one.atr == bytes.fromhex(NEW_ATR)
        assert zero.transmit(SELECT_JPKI) == one.transmit(SELECT_JPKI) == b"\x90\x00"
        first.stop()
        with pytest.raises(CardRemovedError):
            zero.transmit(READ_BINARY)
        assert one.transmit(READ_BINARY) == b"\x90\x00"
    with open_reader() as remaining:  # only one card is left
        assert remaining.name == READER_1


def test_pcsc_unavailable_is_reported() -> None:
    pytest.importorskip("smartcard")
    env = dict(os.environ, PCSCLITE_CSOCK_NAME="/nonexistent/pcscd.comm")
    code = (
        "from apdu.errors import PcscUnavailableError\n"
        "from apdu.pcsc import list_readers, open_reader\n"
        "for call in (list_readers, open_reader):\n"
        "    try:\n"
        "        call()\n"
        "    except PcscUnavailableError as exc:\n"
        "        assert 'pcscd' in str(exc), exc\n"
        "    else:\n"
        "        raise SystemExit(f'{call.__name__} did not fail')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "jpki", "--lang", "en", "readers"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "pcscd" in lines[0], done.stderr


# --- the simulated My Number Card ------------------------------------------------------

SELECT_AUTH_PIN = bytes.fromhex("00A4020C020018")
SELECT_AUTH_CERT = bytes.fromhex("00A4020C02000A")
VERIFY_QUERY = bytes.fromhex("00200080")


def test_simulated_card_through_pcscd(served_card: ServeCard) -> None:
    served_card(35963, profile="adult")
    with open_reader(READER_0) as connection:
        # A foreign application is not claimed (OpenSC probes dozens of them).
        assert connection.transmit(bytes.fromhex("00A4040006A00000000101"))[-2:] != b"\x90\x00"
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
        assert connection.transmit(SELECT_AUTH_CERT) == b"\x90\x00"
        header = connection.transmit(READ_BINARY)
        assert header[:2] == b"\x30\x82" and header[-2:] == b"\x90\x00"
        assert connection.transmit(SELECT_AUTH_PIN) == b"\x90\x00"
        assert connection.transmit(VERIFY_QUERY) == b"\x63\xc3"


def test_card_file_keeps_a_wrong_pin_across_serving(served_card: ServeCard, tmp_path: Path) -> None:
    from sim.factory.profiles import build_card_data
    from sim.store import load_card_data, save_card_data

    path = tmp_path / "card.json"
    data = build_card_data("adult")
    save_card_data(data, path)
    wrong = "0000" if data.auth_pin.value != "0000" else "1111"
    served = served_card(35964, card=path)
    with open_reader(READER_1) as connection:
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
        assert connection.transmit(SELECT_AUTH_PIN) == b"\x90\x00"
        verify = bytes.fromhex("0020008004") + wrong.encode("ascii")
        assert connection.transmit(verify) == b"\x63\xc2"
    served.stop()
    assert load_card_data(path).auth_pin.tries_left == 2
    served_card(35964, card=path)
    with open_reader(READER_1) as connection:
        assert connection.transmit(SELECT_JPKI) == b"\x90\x00"
        assert connection.transmit(SELECT_AUTH_PIN) == b"\x90\x00"
        assert connection.transmit(VERIFY_QUERY) == b"\x63\xc2"
