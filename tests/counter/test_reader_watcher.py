"""``apdu.pcsc.ReaderWatcher`` against the real pcscd: cards in and out of the vpcd readers are
reported by pcscd's change notifications, and a wait ends when cancelled."""

from __future__ import annotations

import threading

import pytest

from apdu.pcsc import ReaderSnapshot, ReaderWatcher
from tests.counter.browser import START, serve_card

pytestmark = pytest.mark.pcsc

READER = "Virtual PCD 00 00"


def _wait_until(watcher: ReaderWatcher, present: bool) -> ReaderSnapshot:
    """Wait for changes until the reader's card state is *present* (each wait blocks in pcscd)."""
    for _ in range(20):
        readers = watcher.wait(START)
        assert readers is not None, "pcscd reported no change"
        found = next(r for r in readers if r.info.name == READER)
        if found.info.card_present is present:
            return found
    raise AssertionError(f"{READER} never became {'full' if present else 'empty'}")


def test_cards_in_and_out_are_reported_with_their_event_count(
    pcsc_readers: tuple[str, ...],
) -> None:
    with ReaderWatcher() as watcher:
        before = {r.info.name: r for r in watcher.snapshot()}
        assert set(pcsc_readers) <= set(before)
        assert not before[READER].info.card_present
        card = serve_card("adult")
        try:
            arrived = _wait_until(watcher, True)
            assert arrived.info.atr and arrived.events > before[READER].events
        finally:
            card.take_away()
        left = _wait_until(watcher, False)
        assert left.info.atr is None and left.events > arrived.events


def test_a_wait_ends_when_cancelled_from_another_thread(pcsc_readers: tuple[str, ...]) -> None:
    results: list[object] = []
    with ReaderWatcher() as watcher:
        watcher.snapshot()
        waiting = threading.Thread(target=lambda: results.append(watcher.wait(3600)))
        waiting.start()
        while waiting.is_alive():
            watcher.cancel()  # until the wait has begun in pcscd, a cancel has nothing to end
            waiting.join(0.05)
    assert results == [None]


def test_a_closed_watcher_refuses_to_wait(pcsc_readers: tuple[str, ...]) -> None:
    from apdu.errors import PcscUnavailableError

    watcher = ReaderWatcher()
    with watcher:
        pass
    with pytest.raises(PcscUnavailableError):
        watcher.wait(0)


def test_the_desk_source_watches_only_the_readers_named(pcsc_readers: tuple[str, ...]) -> None:
    from jpki.counter.sources import PcscSource

    source = PcscSource("pcd 00 01")
    try:
        assert [r.info.name for r in source.start()] == ["Virtual PCD 00 01"]
    finally:
        source.close()
    every = PcscSource()
    try:
        assert {r.info.name for r in every.start()} == set(pcsc_readers)
    finally:
        every.close()
