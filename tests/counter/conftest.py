"""Fixtures for the counter desk: the app on a simulated reader, driven through real HTTP
handling in process (Starlette's TestClient)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from jpki.counter.app import DeskSettings, create_app
from jpki.counter.desk import Desk
from jpki.counter.sources import SimulatedSource
from jpki.counter.watch import Watcher
from jpki.diagnosis import default_municipality
from sim import open_simulated_card
from tests.counter.rig import HOSTS, ORIGIN, TODAY, FakeClock, MakeRig, Rig


@pytest.fixture
def make_rig() -> Iterator[MakeRig]:
    """Start a desk on a simulated card of a profile; ``make_rig("blocked", idle_seconds=...)``."""
    clients: list[TestClient] = []

    def make(
        profile: str = "adult", *, idle_seconds: float = 300.0, sweep_seconds: float = 3600.0
    ) -> Rig:
        with open_simulated_card(profile=profile) as card:
            atr = card.atr
        source = SimulatedSource(
            "Simulated reader", lambda: open_simulated_card(profile=profile), atr
        )
        clock = FakeClock()
        desk = Desk(
            municipality=default_municipality(),
            today=lambda: TODAY,
            idle_seconds=idle_seconds,
            clock=clock,
        )
        token = "t" * 43
        settings = DeskSettings(
            hosts=HOSTS,
            token=token,
            default_lang="ja",
            sweep_seconds=sweep_seconds,
            sim=source,
            sim_profile=profile,
        )
        client = TestClient(create_app(desk, Watcher(source, desk), settings), base_url=ORIGIN)
        client.__enter__()
        clients.append(client)
        return Rig(client, desk, source, token, clock)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def rig(make_rig: MakeRig) -> Rig:
    """A desk with the simulated ``blocked`` card on its reader."""
    return make_rig("blocked")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """ONE headless Chromium for every browser test."""
    from tests.counter.browser import ARTIFACTS, new_browser

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = new_browser()
    try:
        yield driver
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def pcsc_readers() -> tuple[str, ...]:
    """pcscd runs and lists both vpcd readers (else skip, or fail when required)."""
    from tests.counter.browser import VPCD_READERS, unavailable

    try:
        import smartcard  # noqa: F401 - only checking that pyscard is installed
    except ImportError:
        unavailable("pyscard is not installed")
    from apdu.errors import PcscUnavailableError
    from apdu.pcsc import list_readers

    try:
        names = tuple(reader.name for reader in list_readers())
    except PcscUnavailableError as exc:
        unavailable(str(exc))
        raise
    missing = [name for name in VPCD_READERS.values() if name not in names]
    if missing:
        unavailable(f"pcscd does not list the vpcd readers {missing}")
    for name in names:
        from apdu.pcsc import wait_for_card_removal

        assert wait_for_card_removal(name, 0.0), f"a card is already in {name}"
    return names
