"""The width the CLI's help is wrapped to: the one argparse would take from shutil."""

from __future__ import annotations

import shutil

import pytest

from jpki.cli.main import _terminal_columns, build_parser


@pytest.mark.parametrize("columns", ["50", "200", "abc", "0", "-3", None])
def test_the_width_is_shutils(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert _terminal_columns() == shutil.get_terminal_size().columns


def test_the_help_is_wrapped_to_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    narrow = build_parser(["pin", "status"]).format_help()
    monkeypatch.setenv("COLUMNS", "200")
    wide = build_parser(["pin", "status"]).format_help()
    assert max(len(line) for line in narrow.splitlines()) <= 58
    assert max(len(line) for line in wide.splitlines()) > 58
    assert narrow.split() == wide.split()  # the same words, wrapped differently
