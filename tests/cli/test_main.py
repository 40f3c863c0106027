"""The command table, lazy command loading, global options and error mapping of ``main``."""

from __future__ import annotations

import argparse
import configparser
import importlib.metadata
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jpki import version
from jpki.cli.commands import COMMANDS
from jpki.cli.main import _VALUE_OPTIONS, _chosen_command, build_parser

Jpki = Callable[..., Any]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: choice.help for choice in action._choices_actions}


def test_the_table_lists_exactly_the_commands_the_modules_register() -> None:
    full = _subcommands(build_parser(None))
    assert full == {entry.name: entry.summary for entry in COMMANDS}


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["status"], "status"),
        (["--sim", "--profile", "blocked", "diagnose", "--json"], "diagnose"),
        (["--reader", "status", "pin", "status"], "pin"),
        (["--lang=ja", "verify", "a", "b"], "verify"),
        (["--wait", "2", "--card", "f.json", "--lang", "ja", "info"], "info"),
        (["--help"], None),
        ([], None),
    ],
)
def test_chosen_command_skips_options_and_their_values(
    argv: list[str], command: str | None
) -> None:
    assert _chosen_command(argv) == command


@pytest.mark.parametrize(
    "argv",
    [
        ["pin", "status"],
        ["--reader", "pin", "--sim", "--json", "--lang=ja", "cert", "read", "auth"],
        ["status", "--help"],  # the command's own help: it lists no other command
    ],
)
def test_a_named_command_is_parsed_without_the_others_parsers(argv: list[str]) -> None:
    chosen = _chosen_command(argv)
    assert set(_subcommands(build_parser(argv))) == {chosen}


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["-h", "pin", "status"],
        ["--sim", "--hel", "status"],  # an abbreviation of --help
        ["--version", "status"],
        ["--wait=2", "--sim=yes", "status"],  # a value given to a switch: a usage error
        ["--no-such-option", "status"],
        ["no-such-command"],
        [],
    ],
)
def test_every_command_is_listed_wherever_the_top_level_help_could_show(
    argv: list[str],
) -> None:
    assert _subcommands(build_parser(argv)) == {entry.name: entry.summary for entry in COMMANDS}


def test_the_help_before_a_command_lists_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from jpki.cli.main import main

    with pytest.raises(SystemExit) as caught:
        main(["--sim", "-h", "pin", "status"])
    assert caught.value.code == 0
    shown = capsys.readouterr().out
    assert all(f"    {entry.name} " in shown for entry in COMMANDS), shown


def test_options_that_take_a_value_come_from_the_option_tables() -> None:
    parser = build_parser(None)
    takes_value = {
        flag
        for action in parser._actions
        if action.nargs != 0 and action.option_strings
        for flag in action.option_strings
    }
    assert _VALUE_OPTIONS == takes_value
    assert {"--reader", "--profile", "--card", "--lang", "--wait"} == _VALUE_OPTIONS


def test_version_is_the_installed_distribution_s(jpki: Jpki) -> None:
    with pytest.raises(SystemExit) as caught:
        jpki("--version")
    assert caught.value.code == 0
    assert version() == importlib.metadata.version("jpki-toolkit")
    setup = configparser.ConfigParser()
    setup.read(Path(__file__).resolve().parents[2] / "setup.cfg")
    assert version() == setup["metadata"]["version"]


def test_help_imports_neither_cryptography_nor_pyscard_nor_the_simulator() -> None:
    probe = (
        "import sys, contextlib, io\n"
        "from jpki.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('cryptography', 'smartcard', 'asn1crypto', 'holidays', 'sim') or m == 'jpki.texts']\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_lang_takes_the_languages_that_have_catalogs(jpki: Jpki, capsys: Any) -> None:
    assert "残り" in jpki("--lang", "JA", "--sim", "pin", "status").out
    with pytest.raises(SystemExit) as caught:
        jpki("--lang", "x9876", "--sim", "pin", "status")
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert "no texts in that language (have: en, ja)" in error and "9876" not in error


def test_global_options_work_after_the_command(jpki: Jpki) -> None:
    before = jpki("--sim", "--json", "pin", "status")
    after = jpki("pin", "status", "--sim", "--json")
    assert before.code == after.code == 0
    assert before.json() == after.json()


def test_unknown_profile_is_a_usage_error(jpki: Jpki) -> None:
    run = jpki("--sim", "--profile", "nobody", "status")
    assert run.code == 2
    assert "nobody" in run.err and "Traceback" not in run.err


def test_missing_card_file_is_a_usage_error(jpki: Jpki, tmp_path: Any) -> None:
    run = jpki("--card", str(tmp_path / "missing.json"), "status")
    assert run.code == 2
    assert run.err.startswith("jpki: ")


def test_unexpected_errors_are_one_line_without_debug(
    jpki: Jpki, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jpki import status as status_module

    def broken(session: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(status_module, "read_status", broken)
    run = jpki("--sim", "status")
    assert run.code == 1
    assert "unexpected error: RuntimeError: boom" in run.err
    assert "Traceback" not in run.err
    with pytest.raises(RuntimeError):
        jpki("--sim", "--debug", "status")


@pytest.mark.parametrize(
    "argv",
    [
        ["pin", "verify", "auth", "9753"],
        ["pin", "verify", "9753"],
        ["--sim", "sign", "auth", "file", "--pin", "9753"],
    ],
)
def test_usage_errors_never_repeat_what_was_typed(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from jpki.cli.main import main

    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "9753" not in captured.err + captured.out


CERT_ISSUED_IN_9999 = "--birth 1990-01-01 --card-issued 2020-01-01 --cert-issued 9999-01-01"


@pytest.mark.parametrize(
    "argv",
    [
        ["expiry", "--birth", "9999-12-31", "--card-issued", "9999-12-31"],
        f"expiry {CERT_ISSUED_IN_9999}".split(),
        f"--sim diagnose {CERT_ISSUED_IN_9999}".split(),
        ["sim", "new", "--today", "0001-01-01", "-o", "unused.json"],
    ],
)
def test_dates_outside_the_calendar_are_usage_errors(jpki: Jpki, argv: list[str]) -> None:
    run = jpki("--lang", "en", *argv)
    assert run.code == 2
    assert run.err.startswith("jpki: ") and "unexpected" not in run.err
