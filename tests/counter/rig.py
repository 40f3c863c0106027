"""The counter desk under test: the app on a simulated reader, and helpers to drive it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from starlette.testclient import TestClient

from jpki.counter.desk import Desk, DeskEvent, ReaderView
from jpki.counter.sources import SimulatedSource

TODAY = date(2026, 11, 22)
PORT = 8765
ORIGIN = f"http://127.0.0.1:{PORT}"
HOSTS = (f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}")
#: How long a test waits for the watcher thread to take in a change (a bound, not a timing).
WAIT = 20.0


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    """A desk served by the app, with its simulated reader."""

    client: TestClient
    desk: Desk
    source: SimulatedSource
    token: str
    clock: FakeClock

    def reader(self) -> ReaderView:
        """The one simulated reader."""
        (reader,) = self.desk.readers()
        return reader

    def post(self, path: str, data: dict[str, str] | None = None, **headers: str) -> object:
        """POST from the page: its Origin and the session token."""
        form = {"token": self.token, **(data or {})}
        return self.client.post(
            path, data=form, headers={"origin": ORIGIN, **headers}, follow_redirects=False
        )

    def wait_for(self, condition: Callable[[ReaderView], bool]) -> ReaderView:
        """Wait (on the desk's events, no polling) until the reader satisfies *condition*."""
        changed = threading.Event()
        stop = self.desk.listen(lambda event: changed.set())
        try:
            while not condition(self.reader()):
                assert changed.wait(WAIT), f"the reader stayed {self.reader().state}"
                changed.clear()
        finally:
            stop()
        return self.reader()


MakeRig = Callable[..., Rig]
"""``make_rig(profile, idle_seconds=..., sweep_seconds=...)``."""


def events_of(desk: Desk) -> tuple[list[DeskEvent], Callable[[], None]]:
    """Collect the desk's events from now on; returns the list and the unsubscribe."""
    seen: list[DeskEvent] = []
    return seen, desk.listen(seen.append)
