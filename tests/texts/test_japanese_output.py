"""``jpki --lang ja`` on the simulated card says everything in Japanese, errors included.

Each run's stdout and stderr are searched for words in Latin letters. What may stay: command
names and options, codes in capitals (ATR, PIN, token names), and the data the card or the user
gave (certificate names, paths, profile names), which the test takes from the run itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sim.factory.profiles import PROFILES
from tests.texts.latin import latin_words

Jpki = Callable[..., Any]
Pins = Callable[..., None]

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def english_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The untranslated words of *text*, once the given data values are taken out."""
    for value in sorted((*data, *PROFILES), key=len, reverse=True):
        text = text.replace(value, " ")
    return latin_words(text)


def said(run: Any) -> str:
    return f"{run.out}\n{run.err}"


def assert_japanese(run: Any, data: tuple[str, ...] = ()) -> None:
    text = said(run)
    assert JAPANESE.search(text), text
    assert not english_left(text, data), (english_left(text, data), text)


@pytest.mark.parametrize(
    ("argv", "pins", "code"),
    [
        pytest.param(("pin", "status"), {}, 0, id="pin-status"),
        pytest.param(("--profile", "blocked", "pin", "status"), {}, 0, id="pin-status-blocked"),
        pytest.param(("pin", "verify", "auth"), {"auth": "1234"}, 0, id="pin-verified"),
        pytest.param(("pin", "verify", "auth"), {"auth": "9999"}, 5, id="pin-incorrect"),
        pytest.param(("pin", "verify", "auth"), {"auth": "12"}, 5, id="pin-format"),
        pytest.param(("pin", "verify", "sign"), {"sign": "abcd1234"}, 5, id="password-lower"),
        pytest.param(
            ("--profile", "blocked", "pin", "verify", "sign"), {"sign": "ABCD1234"}, 5, id="blocked"
        ),
        pytest.param(
            ("--profile", "blocked", "pin", "verify", "auth"), {"auth": "1234"}, 5, id="last-try"
        ),
        pytest.param(("pin", "verify", "juki"), {}, 2, id="no-terminal"),
        pytest.param(("cert", "show", "sign"), {}, 5, id="pin-required"),
        pytest.param(("cert", "show"), {}, 2, id="which-certificate"),
        pytest.param(("--profile", "no-such", "pin", "status"), {}, 2, id="unknown-profile"),
        pytest.param(("info",), {"card_info": "1234"}, 0, id="info"),
        pytest.param(("sim", "profiles"), {}, 0, id="profiles"),
        pytest.param(("status", "--today", "2026-11-22"), {}, 0, id="status"),
        pytest.param(
            ("--profile", "blocked", "diagnose", "--today", "2026-11-22"), {}, 11, id="diagnose"
        ),
        pytest.param(("sim", "show"), {}, 2, id="no-card-file"),
        pytest.param(("apdu", "zz"), {}, 2, id="apdu-not-hex"),
        pytest.param(("apdu", "002000980439383736"), {}, 2, id="apdu-pin-in-argv"),
    ],
)
def test_commands_and_errors_say_nothing_in_english(
    jpki: Jpki, pins_env: Pins, argv: tuple[str, ...], pins: dict[str, str], code: int
) -> None:
    pins_env(**pins)
    run = jpki("--lang", "ja", "--sim", *argv, stdin="")
    assert run.code == code, said(run)
    assert_japanese(run, ("no-such",))  # the name the user typed comes back as typed


def test_certificate_shown_in_japanese(jpki: Jpki) -> None:
    shown = jpki("--sim", "--json", "cert", "show", "auth").json()
    data = (shown["subject"], shown["issuer"], *shown["key_usage"], *shown["policies"])
    run = jpki("--lang", "ja", "--sim", "cert", "show", "auth")
    assert run.code == 0
    assert "利用者証明用電子証明書" in run.out and "シミュレーター" in run.out
    assert_japanese(run, data)


def test_outputs_and_card_files_in_japanese(jpki: Jpki, pins_env: Pins, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    made = jpki("--lang", "ja", "sim", "new", "-o", str(card))
    assert made.code == 0
    assert "証明書の搭載状況" in made.out
    subjects = tuple(
        cert["subject"] for cert in jpki("--json", "sim", "show", str(card)).json()["certificates"]
    )
    assert_japanese(made, (str(card), *subjects))
    exists = jpki("--lang", "ja", "sim", "new", "-o", str(card))
    assert exists.code == 2
    assert_japanese(exists, (str(card),))
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    unreadable = jpki("--lang", "ja", "sim", "show", str(broken))
    assert unreadable.code == 2
    assert_japanese(unreadable, (str(broken),))
    pins_env(auth="1234")
    message = tmp_path / "message.txt"
    message.write_text("hello", encoding="utf-8")
    missing_dir = tmp_path / "absent" / "signature.bin"
    refused = jpki("--lang", "ja", "--sim", "sign", "auth", str(message), "-o", str(missing_dir))
    assert refused.code == 2
    assert_japanese(refused, (str(missing_dir),))
    signature = tmp_path / "signature.p7s"
    signed = jpki(
        "--lang", "ja", "--sim", "sign", "auth", str(message), "--format", "cms",
        "-o", str(signature),
    )  # fmt: skip
    assert signed.code == 0
    assert_japanese(signed, (str(signature),))
    verified = jpki("--lang", "ja", "verify", str(message), str(signature))
    assert verified.code == 0
    signer = jpki("--json", "verify", str(message), str(signature)).json()["signer"]["subject"]
    assert_japanese(verified, (signer,))
    raw = jpki("--lang", "ja", "verify", str(message), str(signature), "--format", "raw")
    assert raw.code == 2
    assert_japanese(raw)


def test_the_checker_finds_english(jpki: Jpki) -> None:
    """The same runs in English are caught: the check is not vacuous."""
    run = jpki("--lang", "en", "--sim", "pin", "status")
    assert "tries" in english_left(said(run))
    assert english_left("署名用電子証明書 is locked") == ["is", "locked"]
    assert english_left("--force を付けて 'jpki pin status' を実行、ATR 3B DA") == []


def _expected_errors() -> list[BaseException]:
    from apdu import errors as iso
    from jpki import errors as domain
    from jpki.ids import PinKind
    from jpki.pins import check_pin
    from sim.factory.profiles import UnknownProfileError
    from sim.store import CardFileError

    try:
        check_pin(PinKind.SIGN, "abc")
    except domain.PinFormatError as exc:
        shape = exc
    return [
        iso.PcscUnavailableError("the PC/SC service is not running"),
        iso.AmbiguousReaderError("2 readers match 'ACS'"),
        iso.NoCardError("no card in reader 'X'"),
        iso.ReaderNotFoundError("no PC/SC reader found"),
        iso.ReaderBusyError("the reader is in use"),
        iso.CardRemovedError("the card was removed"),
        iso.ApduError(0x6A82),
        iso.BadResponseError("1 byte is not a response"),
        iso.ProtocolError("card kept answering 61xx"),
        iso.TransportError("the connection is closed"),
        iso.MalformedApduError("Lc says 10 bytes, 2 follow"),
        iso.ToolkitError("something expected went wrong"),
        domain.NotAMyNumberCardError("not a My Number Card"),
        domain.SignatureInvalidError("the signature does not verify"),
        domain.ChainError("no trust anchor"),
        domain.InputError("an impossible date"),
        domain.PinBlockedError(PinKind.SIGN),
        domain.PinIncorrectError(PinKind.AUTH, 2),
        domain.LastTryRefusedError(PinKind.AUTH, 1),
        domain.SharedAccessError(PinKind.AUTH),
        domain.PinOutcomeUnknownError(PinKind.AUTH, "the link failed during the command"),
        domain.PinRequiredError(PinKind.SIGN, "reading the signature certificate"),
        shape,
        UnknownProfileError("no-such", ("adult",)),
        CardFileError("card.json", "not JSON"),
        FileNotFoundError(2, "No such file or directory", "trust.pem"),
        PermissionError(13, "Permission denied"),
    ]


@pytest.mark.parametrize("error", _expected_errors(), ids=lambda error: type(error).__name__)
def test_every_expected_error_is_said_in_japanese(error: BaseException) -> None:
    from jpki.cli.messages import describe_error

    japanese, code = describe_error(error, "ja") or ("", None)
    english, same_code = describe_error(error, "en") or ("", None)
    assert code is not None and code == same_code
    assert JAPANESE.search(japanese), japanese
    assert not english_left(japanese, ("no-such", "card.json", "trust.pem")), japanese
    assert english and english != japanese


def test_the_locale_chooses_the_language_when_lang_is_not_given(
    jpki: Jpki, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert "残り 3/3 回" in jpki("--sim", "pin", "status").out
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")  # no catalogs: English
    assert "3 of 3 tries left" in jpki("--sim", "pin", "status").out
    assert "残り 3/3 回" in jpki("--sim", "--lang", "ja", "pin", "status").out
