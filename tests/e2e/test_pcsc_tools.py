"""pcsc-tools (``pcsc_scan``, ``scriptor``) against the served simulated card."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

pytestmark = [pytest.mark.pcsc, pytest.mark.interop]


@pytest.mark.parametrize(
    ("profile", "atr"), [("old-atr", "OLD_ATR"), ("new-atr", "NEW_ATR")], ids=["old-atr", "new-atr"]
)
def test_pcsc_scan_sees_the_card(
    served_card: Any, tools: ModuleType, require_program: Any, profile: str, atr: str
) -> None:
    pcsc_scan = require_program("pcsc_scan")
    served_card(35963, profile=profile)
    # -c lists the cards once and exits (plain pcsc_scan watches until interrupted).
    scan = tools.run([pcsc_scan, "-c"]).ok()
    lines = [line.strip() for line in scan.out.splitlines()]
    assert f"Reader 0: {tools.READER_0}" in lines, scan.describe()
    reader = lines.index(f"Reader 0: {tools.READER_0}")
    assert lines[reader + 2 : reader + 4] == [
        "Card state: Card inserted,",
        f"ATR: {getattr(tools, atr)}",
    ], scan.describe()
    assert f"Reader 1: {tools.READER_1}" in lines, scan.describe()


def test_scriptor_selects_the_jpki_application(
    served_card: Any, tools: ModuleType, require_program: Any
) -> None:
    scriptor = require_program("scriptor")
    served_card(35963, profile="adult")
    commands = [
        "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",  # SELECT the JPKI AP
        "00 A4 02 0C 02 00 18",  # SELECT EF 0018, the auth PIN
        "00 20 00 80",  # VERIFY without data: tries left, none spent
        "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02",  # an AP that does not exist
    ]
    script = tools.run([scriptor, "-r", tools.READER_0], stdin="\n".join(commands) + "\n").ok()
    answers = [line[2:] for line in script.out.splitlines() if line.startswith("< ")]
    assert [answer.split(" : ")[0] for answer in answers] == [
        "90 00",
        "90 00",
        "63 C3",
        "6A 82",
    ], script.describe()
    assert "Using T=1 protocol" in script.out, script.describe()
