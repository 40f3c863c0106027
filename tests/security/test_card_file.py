"""Card files keep every spent PIN try: locking, write-before-answer, kills, hashes, bad files.

A training card must not be brute-forceable. These tests run real processes (parallel
guessers, a process killed with SIGKILL at the worst moment) against one card file and count
the tries it recorded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apdu import ApduProtocol, CommandApdu
from apdu.connection import Connection
from sim.factory.opening import PersistentCard, open_simulated_card
from sim.factory.profiles import build_card_data
from sim.store import (
    CardFileError,
    CardInUseError,
    load_card_data,
    lock_card_file,
    save_card_data,
)

REPO = Path(__file__).resolve().parents[2]
JPKI_AID = bytes.fromhex("D392F000260100000001")
WRONG_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98, b"9999")
RIGHT_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98, b"1234")
QUERY_AUTH_PIN = CommandApdu(0x00, 0x20, 0x00, 0x98)
Jpki = Callable[..., Any]

# One process guessing: open the card file, send a wrong auth PIN, print the status word.
# With "kill-after-answer", the process kills itself (SIGKILL) the moment the chip has
# produced its answer, before anything after it could run (the old code saved there).
CHILD = """
import os, signal, sys
from apdu import ApduProtocol, CommandApdu
from sim.chip.card import SimulatedCard
from sim.factory.opening import open_simulated_card

path, mode = sys.argv[1], sys.argv[2]
if mode == "kill-after-answer":
    answer = SimulatedCard.process
    def process_then_die(self, command):
        response = answer(self, command)
        if command[1:2] == b"\\x20" and len(command) > 5:
            sys.stdout.write(response.hex() + "\\n")
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return response
    SimulatedCard.process = process_then_die
elif mode == "kill-before-rename":
    import jpki.atomic
    def die(*args):
        os.kill(os.getpid(), signal.SIGKILL)
    jpki.atomic.os.replace = die
with open_simulated_card(card_file=path, lock_timeout=120) as connection:
    protocol = ApduProtocol(connection)
    protocol.select_application(bytes.fromhex("D392F000260100000001"))
    sw = protocol.send(CommandApdu(0x00, 0x20, 0x00, 0x98, b"9999")).sw
    print(f"{sw:04X}")
"""


def run_child(path: Path, mode: str = "plain") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, str(path), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def send(connection: Connection, command: CommandApdu) -> int:
    protocol = ApduProtocol(connection)
    protocol.select_application(JPKI_AID)
    return protocol.send(command).sw


def auth_tries(path: Path) -> int:
    tries = load_card_data(path).auth_pin.tries_left
    return 3 if tries is None else tries


# --- several users at once -----------------------------------------------------------------


def test_parallel_guessers_spend_exactly_one_try_each(card_file: Path) -> None:
    """8 processes guess at once on a 3-try PIN: 3 are answered 'wrong', 5 'blocked'."""
    children = [run_child(card_file) for _ in range(8)]
    answers = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        answers.append(out.strip())
    assert sorted(answers) == ["63C0", "63C1", "63C2", *["6984"] * 5]
    assert auth_tries(card_file) == 0


def test_second_user_waits_then_gets_card_in_use(card_file: Path) -> None:
    with open_simulated_card(card_file=card_file):
        with pytest.raises(CardInUseError, match="in use by another program") as caught:
            open_simulated_card(card_file=card_file, lock_timeout=0.2)
        assert caught.value.waited == 0.2
    # Released at close: the next user gets it at once.
    with open_simulated_card(card_file=card_file, lock_timeout=0) as connection:
        assert send(connection, QUERY_AUTH_PIN) == 0x63C3


def test_lock_is_released_when_opening_fails(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CardFileError, match="not a simulated card file"):
        open_simulated_card(card_file=path)
    lock_card_file(path, timeout=0).release()


def test_cli_reports_card_in_use(
    card_file: Path, jpki: Jpki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPKI_CARD_LOCK_TIMEOUT", "0.1")  # documented; default 10 s
    lock = lock_card_file(card_file, timeout=0)
    try:
        result = jpki("--card", str(card_file), "--lang", "en", "pin", "status")
    finally:
        lock.release()
    assert result.code == 3
    assert "is in use; waiting up to 0.1 s" in result.err  # said at once, before waiting
    assert "in use by another program (waited 0.1 s;" in result.err
    assert "Traceback" not in result.err


# --- the try is on file before the answer ----------------------------------------------------


def test_kill_right_after_the_answer_keeps_the_spent_try(card_file: Path) -> None:
    """SIGKILL the moment the card has answered: the try was already written."""
    for expected_left in (2, 1):
        child = run_child(card_file, "kill-after-answer")
        out, err = child.communicate(timeout=60)
        assert child.returncode == -signal.SIGKILL, err
        assert out.strip() == f"63c{expected_left}"  # the guesser saw the answer ...
        assert auth_tries(card_file) == expected_left  # ... and the try is on file


def test_kill_before_the_rename_gives_no_answer_and_leaves_no_clear_pin(
    card_file: Path,
) -> None:
    child = run_child(card_file, "kill-before-rename")
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err
    assert out == ""  # killed before the card answered anything
    assert auth_tries(card_file) == 3  # the old file: nothing was learnt, nothing spent
    leftovers = sorted(card_file.parent.glob(".card.json.*.tmp"))
    assert len(leftovers) == 1
    assert leftovers[0].stat().st_mode & 0o077 == 0
    pins = json.loads(leftovers[0].read_text(encoding="utf-8"))["card"]["auth_pin"]
    assert "value" not in pins and pins["kdf"] == "scrypt"  # hashes only
    # The next user of the card removes the stale temporary file.
    with open_simulated_card(card_file=card_file) as connection:
        assert send(connection, QUERY_AUTH_PIN) == 0x63C3
    assert list(card_file.parent.glob(".card.json.*.tmp")) == []


def test_stale_temporary_files_of_other_files_are_kept(card_file: Path) -> None:
    stale = card_file.parent / ".card.json.abcd1234.tmp"
    stale.write_text('{"auth_pin": {"value": "1234"}}', encoding="utf-8")
    others = [
        card_file.parent / ".card.json.x.abcd1234.tmp",  # another card's ("card.json.x")
        card_file.parent / ".other.json.abcd1234.tmp",
        card_file.parent / ".card.json.tmp",
    ]
    for other in others:
        other.write_text("{}", encoding="utf-8")
    with open_simulated_card(card_file=card_file):
        pass
    assert not stale.exists()
    assert all(other.exists() for other in others)


# --- files that cannot be written -------------------------------------------------------------


def test_read_only_card_file_answers_no_pin(card_file: Path) -> None:
    card_file.chmod(0o400)
    before = card_file.read_bytes()
    with open_simulated_card(card_file=card_file) as connection:
        assert send(connection, QUERY_AUTH_PIN) == 0x63C3  # reading is fine
        with pytest.raises(CardFileError, match="read-only.*answered nothing about the PIN"):
            send(connection, WRONG_AUTH_PIN)
        with pytest.raises(CardFileError, match="read-only"):
            send(connection, RIGHT_AUTH_PIN)
        assert send(connection, QUERY_AUTH_PIN) == 0x63C3
        assert isinstance(connection.card, PersistentCard)
        assert connection.card.card.internal_errors == 0
    assert card_file.read_bytes() == before


def test_read_only_card_file_through_the_cli(
    card_file: Path, jpki: Jpki, pins_env: Callable[..., None]
) -> None:
    card_file.chmod(0o400)
    pins_env(auth="9999")
    result = jpki("--card", str(card_file), "--lang", "en", "pin", "verify", "auth")
    assert result.code == 2
    assert "read-only" in result.err
    assert "incorrect" not in result.err and "Traceback" not in result.err
    assert "9999" not in result.out + result.err
    assert auth_tries(card_file) == 3


def test_symlink_is_followed_not_replaced(card_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(card_file)
    with open_simulated_card(card_file=link) as connection:
        assert send(connection, WRONG_AUTH_PIN) == 0x63C2
    assert link.is_symlink()
    assert link.resolve() == card_file.resolve()
    assert auth_tries(card_file) == 2
    assert not (tmp_path / ".link.json.lock").exists()  # the lock is the real file's


# --- PINs as salted hashes --------------------------------------------------------------------


def test_pins_are_stored_as_salted_hashes(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    save_card_data(build_card_data("adult"), one)
    save_card_data(build_card_data("adult"), two)
    first = json.loads(one.read_text(encoding="utf-8"))["card"]
    second = json.loads(two.read_text(encoding="utf-8"))["card"]
    for name in ("auth_pin", "sign_password", "card_info_pin", "juki_pin"):
        assert set(first[name]) == {"kdf", "n", "r", "p", "salt", "hash", "tries_left"}
        assert first[name]["salt"] != second[name]["salt"]  # salted: same PIN, other hash
    assert '"value"' not in one.read_text(encoding="utf-8")


def test_changed_pin_is_not_in_the_file(card_file: Path) -> None:
    with open_simulated_card(card_file=card_file) as connection:
        protocol = ApduProtocol(connection)
        protocol.select_application(JPKI_AID)
        assert protocol.send(RIGHT_AUTH_PIN).sw == 0x9000
        change = CommandApdu(0x00, 0x24, 0x01, 0x98, b"4826")
        assert protocol.send(change).sw == 0x9000
    text = card_file.read_text(encoding="utf-8")
    assert "4826" not in text and "34383236" not in text  # neither as text nor as hex
    stored = load_card_data(card_file).auth_pin
    assert stored.matches(b"4826") and not stored.matches(b"1234")
    with open_simulated_card(card_file=card_file) as connection:
        assert send(connection, CommandApdu(0x00, 0x20, 0x00, 0x98, b"4826")) == 0x9000


def test_old_file_with_clear_pins_is_read_then_rewritten_hashed(card_file: Path) -> None:
    document = json.loads(card_file.read_text(encoding="utf-8"))
    document["card"]["auth_pin"] = {"value": "1234", "tries_left": 2}
    document["card"]["sign_password"] = {"value": "SIGN1234", "tries_left": None}
    card_file.write_text(json.dumps(document), encoding="utf-8")
    with open_simulated_card(card_file=card_file) as connection:
        # Migrated at open, before any command: the clear values are gone from the disk.
        assert '"value"' not in card_file.read_text(encoding="utf-8")
        assert send(connection, QUERY_AUTH_PIN) == 0x63C2
        assert send(connection, RIGHT_AUTH_PIN) == 0x9000
    assert auth_tries(card_file) == 3


# --- damaged card files ------------------------------------------------------------------------


def _card_with(path: Path, **entries: object) -> Path:
    document = {"format": "jpki-sim-card", "version": 1, "card": entries}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entries", "named"),
    [
        ({"auth_pin": {"value": "1234", "tries_left": 1.5}}, "auth_pin.tries_left"),
        ({"auth_pin": {"value": "1234", "tries_left": -1}}, "auth_pin.tries_left"),
        ({"auth_pin": {"value": "1234", "tries_left": "2"}}, "auth_pin.tries_left"),
        ({"auth_pin": {"value": "1234", "tries_left": True}}, "auth_pin.tries_left"),
        ({"juki_pin": {"tries_left": 1}}, "juki_pin"),
        ({"juki_pin": {"value": 1234}}, "juki_pin.value"),
        ({"juki_pin": "1234"}, "juki_pin"),
        ({"sign_password": {"kdf": "scrypt", "n": 16384}}, "sign_password.salt"),
        ({"holder": {"name": "x"}}, "holder.address"),
        ({"holder": []}, "holder"),
        ({"smartphone_token": "yes"}, "smartphone_token"),
        ({"my_number": 123456789018}, "my_number"),
        ({"card_expiry": 20300101}, "card_expiry"),
        ({"auth_key": 1.5}, "auth_key"),
        ({"atr": None}, "atr"),
        ({"auth_certificate": 5}, "auth_certificate"),
    ],
)
def test_damaged_card_file_is_a_usage_error_naming_the_field(
    tmp_path: Path, jpki: Jpki, entries: dict[str, object], named: str
) -> None:
    path = _card_with(tmp_path / "card.json", **entries)
    with pytest.raises(CardFileError, match=named.replace(".", r"\.")):
        load_card_data(path)
    for args in (("--card", str(path), "status"), ("sim", "show", str(path))):
        result = jpki(*args, "--lang", "en")
        assert result.code == 2, result.err
        assert named in result.err
        assert "Traceback" not in result.err and "unexpected error" not in result.err
        assert "1234" not in result.err


def test_oversized_card_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_bytes(b" " * (1 << 20) + b"{}")
    with pytest.raises(CardFileError, match="larger than 1048576 bytes"):
        load_card_data(path)
    with pytest.raises(CardFileError, match="larger than"):
        load_card_data("/dev/zero")


def test_deeply_nested_card_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CardFileError):
        load_card_data(path)


def test_ctrl_c_after_the_write_keeps_the_try(
    card_file: Path, jpki: Jpki, pins_env: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted right after the try reached the disk: nothing writes the old count back."""
    from sim.factory import opening

    real_save = opening.save_card_data

    def save_then_interrupt(data: Any, path: Any) -> None:
        real_save(data, path)
        raise KeyboardInterrupt

    monkeypatch.setattr(opening, "save_card_data", save_then_interrupt)
    pins_env(auth="9999")
    run = jpki("--card", str(card_file), "--lang", "en", "pin", "verify", "auth")
    assert run.code == 5 and "unknown" in run.err
    assert auth_tries(card_file) == 2
    lock_card_file(card_file, timeout=0).release()  # released despite the interruption


def test_sim_new_does_not_replace_a_card_in_use(
    card_file: Path, jpki: Jpki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPKI_CARD_LOCK_TIMEOUT", "0")
    before = card_file.read_bytes()
    with open_simulated_card(card_file=card_file):
        run = jpki("--lang", "en", "sim", "new", "-o", str(card_file), "--force")
    assert run.code == 3 and "in use by another program" in run.err
    assert card_file.read_bytes() == before
    assert jpki("sim", "new", "-o", str(card_file), "--force").code == 0


def _in_private_mounts(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``sh -c SCRIPT ARGS`` in a private mount namespace, a wrong auth PIN in its environment."""
    return subprocess.run(  # noqa: S603 - fixed tools and our own interpreter
        ["unshare", "-m", "sh", "-c", script, *args],  # noqa: S607
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "JPKI_AUTH_PIN": "9999"},
        cwd=REPO,
        timeout=120,
        check=False,
    )


def _read_only_mount_runs(directory: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run *command* with *directory* bind-mounted read-only (a private mount namespace)."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return _in_private_mounts(script, "sh", str(directory), *command)


def test_card_file_on_a_read_only_mount(card_file: Path) -> None:
    """A real read-only file system: reading works, a VERIFY fails with no PIN answer."""
    probe = _read_only_mount_runs(card_file.parent, "true")
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here (unshare -m): {probe.stderr.strip()}")
    jpki_cli = (sys.executable, "-m", "jpki", "--card", str(card_file), "--lang", "en")
    status = _read_only_mount_runs(card_file.parent, *jpki_cli, "pin", "status")
    assert status.returncode == 0, status.stderr
    assert "3 of 3" in status.stdout
    verify = _read_only_mount_runs(card_file.parent, *jpki_cli, "pin", "verify", "auth")
    assert verify.returncode == 2, verify.stderr
    assert verify.stderr.count("\n") == 1  # one line
    assert "read-only" in verify.stderr
    assert "answered nothing about the PIN" in verify.stderr
    assert "incorrect" not in verify.stderr and "Traceback" not in verify.stderr
    assert auth_tries(card_file) == 3


def test_card_file_on_a_full_disk(tmp_path: Path) -> None:
    """A real full file system (a small tmpfs): the VERIFY fails, nothing about the PIN."""
    source = tmp_path / "source.json"
    save_card_data(build_card_data("adult"), source)
    mount = tmp_path / "small"
    mount.mkdir()
    card = mount / "card.json"
    script = (
        'mount -t tmpfs -o size=256k tmpfs "$1" && cp "$2" "$1/card.json" '
        '&& (dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; true) '
        '&& shift 2 && "$@"; status=$?; cp "$0/card.json" "$0.after" 2>/dev/null; exit $status'
    )
    command = [
        sys.executable,
        "-m",
        "jpki",
        "--card",
        str(card),
        "--lang",
        "en",
        "pin",
        "verify",
        "auth",
    ]
    result = _in_private_mounts(script, str(mount), str(mount), str(source), *command)
    if "mount:" in result.stderr or "unshare:" in result.stderr:
        pytest.skip(f"no private mount namespace here (unshare -m): {result.stderr.strip()}")
    assert result.returncode == 2, result.stderr
    assert "No space left on device" in result.stderr
    assert "answered nothing about the PIN" in result.stderr
    assert "incorrect" not in result.stderr and "Traceback" not in result.stderr
    after = Path(f"{mount}.after")
    assert auth_tries(after) == 3  # the file in the full tmpfs, copied out before unmount
