"""Every file input has a size limit and a clear error; data files are hashed as a stream.

Limits (documented in README "Limits"): card files 1 MiB, signature files 1 MiB, certificate
and trust-anchor files 1 MiB, municipality files 64 KiB, APDUs on standard input 1 MiB, a PIN
line 256 characters, data files for sign/verify 16 GiB (streamed).
"""

from __future__ import annotations

import getpass
import hashlib
import io
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apdu.errors import InputError
from jpki.digest import HashAlgorithm, MessageFile
from sim.factory.profiles import build_card_data
from sim.store import save_card_data

Jpki = Callable[..., Any]


def test_message_file_hashes_as_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    with open(path, "wb") as handle:
        handle.truncate(64 << 20)  # 64 MiB of zeros (sparse: no disk used)
    tracemalloc.start()
    try:
        digest = MessageFile(path).digest(HashAlgorithm.SHA256)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = hashlib.sha256()
    for _ in range(64):
        expected.update(bytes(1 << 20))
    assert digest == expected.digest()
    assert peak < 8 << 20  # never the whole file in memory


def test_message_file_limit_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"x" * 11)
    with pytest.raises(InputError, match=r"data is larger than 10 bytes"):
        MessageFile(path, limit=10).digest(HashAlgorithm.SHA256)
    assert (
        MessageFile(path, limit=11).digest(HashAlgorithm.SHA1)
        == hashlib.sha1(  # noqa: S324
            b"x" * 11
        ).digest()
    )
    with pytest.raises(InputError, match="larger than 4096 bytes"):
        MessageFile("/dev/zero", limit=4096).digest(HashAlgorithm.SHA256)
    with pytest.raises(InputError, match="cannot read"):
        MessageFile(tmp_path / "absent")
    with pytest.raises(InputError, match="directory"):
        MessageFile(tmp_path)


def test_sign_and_verify_stream_the_data_file(
    jpki: Jpki, tmp_path: Path, pins_env: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI never reads the data file whole (Path.read_bytes is how it used to)."""
    card = tmp_path / "card.json"
    save_card_data(build_card_data("adult"), card)
    data = tmp_path / "data.bin"
    data.write_bytes(b"payload" * 1000)
    real_read_bytes = Path.read_bytes

    def no_whole_read(self: Path) -> bytes:
        if self == data:
            raise AssertionError("the data file was read whole")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", no_whole_read)
    pins_env(sign="ABCD1234")
    for fmt in ("cms", "raw"):
        signature = tmp_path / f"data.{fmt}"
        signed = jpki(
            "--card", str(card), "sign", "sign", str(data), "--format", fmt, "-o", str(signature)
        )
        assert signed.code == 0, signed.err
    cert = tmp_path / "sign.der"
    cert.write_bytes(build_card_data("adult").sign_certificate or b"")
    assert jpki("verify", str(data), str(tmp_path / "data.cms")).code == 0
    raw = jpki("verify", str(data), str(tmp_path / "data.raw"), "--cert", str(cert))
    assert raw.code == 0, raw.err
    data.write_bytes(b"changed")
    assert jpki("verify", str(data), str(tmp_path / "data.cms")).code == 6


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("verify", "{data}", "/dev/zero"), 2, "larger than 1048576 bytes"),
        (("--card", "/dev/zero", "status"), 2, "larger than 1048576 bytes"),
        (("sim", "show", "/dev/zero"), 2, "larger than 1048576 bytes"),
        (("cert", "show", "--file", "/dev/zero"), 1, "larger than 1048576 bytes"),
        (("diagnose", "--sim", "--municipality", "/dev/zero"), 2, "larger than 65536 bytes"),
        (("verify", "{data}", "{data}", "--trust", "/no/such/dir"), 2, "--trust"),
        (("verify", "{data}", "{data}", "--trust", "{data}"), 2, "not a directory"),
    ],
)
def test_oversized_and_unusable_inputs(
    jpki: Jpki, tmp_path: Path, args: tuple[str, ...], code: int, words: str
) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"hello")
    run = jpki("--lang", "en", *(arg.format(data=data) for arg in args))
    assert run.code == code, run.err
    assert words in run.err
    assert run.err.count("\n") == 1 and "Traceback" not in run.err


def test_pin_line_from_stdin_is_bounded(jpki: Jpki, tmp_path: Path) -> None:
    run = jpki("--sim", "--lang", "en", "pin", "verify", "auth", "--pin-stdin", stdin="1" * 100_000)
    assert run.code == 2
    assert "not a PIN" in run.err and "1111" not in run.err


def test_apdus_from_stdin_are_bounded(jpki: Jpki) -> None:
    run = jpki("--sim", "--lang", "en", "apdu", "-", stdin="00" * (1 << 20))
    assert run.code == 2
    assert "more than 1048576 characters" in run.err


def test_ctrl_d_at_the_pin_prompt(jpki: Jpki, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def end_of_file(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    monkeypatch.setattr(getpass, "getpass", end_of_file)
    run = jpki("--sim", "--lang", "en", "pin", "verify", "auth")
    assert run.code == 2
    assert run.err == "jpki: no PIN given (nothing was sent to the card)\n"
