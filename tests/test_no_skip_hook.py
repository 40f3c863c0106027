"""The suite's own guard: under JPKI_NO_SKIP=1 a skipped test fails instead of passing."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(("no_skip", "outcome"), [("1", "failed"), ("", "skipped")])
def test_a_skip_fails_when_skips_are_forbidden(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, no_skip: str, outcome: str
) -> None:
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile("import pytest\n\ndef test_skipped():\n    pytest.skip('no tool')\n")
    monkeypatch.setenv("JPKI_NO_SKIP", no_skip)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(**{outcome: 1})
