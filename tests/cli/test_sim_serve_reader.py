"""``jpki sim serve --reader-profile``: which card model the server gets (no pcscd needed).

Serving through pcscd behind each profile is tested end to end in
``tests/e2e/test_security_state_and_readers.py``.
"""

from __future__ import annotations

import argparse

import pytest

from jpki.cli.cmd_sim import _behind_reader, register
from jpki.cli.errors import CliError, ExitCode
from sim.chip.card import SimulatedCard
from sim.chip.readers import NFC_ATR, ReaderKind, ReaderPath


def _serve_args(*argv: str) -> argparse.Namespace:
    root = argparse.ArgumentParser(prog="jpki")
    register(root.add_subparsers(dest="command", required=True))
    return root.parse_args(["sim", "serve", *argv])


def test_the_default_contact_reader_serves_the_card_itself() -> None:
    card = SimulatedCard()
    assert _behind_reader(card, _serve_args()) is card


@pytest.mark.parametrize("name", ["no-extended", "t0", "nfc"])
def test_each_other_profile_wraps_the_card(name: str) -> None:
    card = SimulatedCard()
    served = _behind_reader(card, _serve_args("--reader-profile", name))
    assert isinstance(served, ReaderPath) and served.card is card
    assert served.profile.kind is ReaderKind(name)
    assert (served.atr == NFC_ATR) is (name == "nfc")


def test_sign_delay() -> None:
    served = _behind_reader(SimulatedCard(), _serve_args("--reader-profile", "nfc"))
    assert isinstance(served, ReaderPath) and served.profile.sign_delay == 0.6
    slow = _behind_reader(SimulatedCard(), _serve_args("--sign-delay-ms", "250"))
    assert isinstance(slow, ReaderPath) and slow.profile.kind is ReaderKind.CONTACT
    assert slow.profile.sign_delay == 0.25


def test_bad_reader_settings_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CliError) as caught:
        _behind_reader(SimulatedCard(), _serve_args("--sign-delay-ms", "70000"))
    assert caught.value.exit_code is ExitCode.USAGE
    assert "0 to 60000 ms" in str(caught.value)
    with pytest.raises(SystemExit):
        _serve_args("--reader-profile", "bluetooth")
    assert "invalid choice" in capsys.readouterr().err
