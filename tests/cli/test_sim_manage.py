"""``jpki sim new|show|profiles`` through a parser built with :func:`register_management`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from asn1crypto import core
from cryptography import x509

from jpki.cli.context import CliContext
from jpki.cli.errors import CliError, ExitCode
from jpki.cli.sim_manage import register_management
from jpki.texts import render
from sim.carddata import PIN_FIELDS, CardData
from sim.factory.profiles import PROFILES, build_card_data
from sim.store import load_card_data, save_card_data
from tests.runs import JpkiRun

NAME_OID = x509.ObjectIdentifier("1.2.392.200149.8.5.5.1")


def assert_stored(path: Path, expected: CardData) -> None:
    """The card file holds *expected*, its PINs as salted hashes of the same values."""
    stored = load_card_data(path)
    pins = {name: getattr(expected, name) for name in PIN_FIELDS}
    assert replace(stored, **pins) == expected
    for name, pin in pins.items():
        assert getattr(stored, name).value is None
        assert getattr(stored, name).tries_left == pin.tries_left
        assert getattr(stored, name).matches(pin.value.encode("ascii"))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="jpki")
    root.add_argument("--json", action="store_true")
    root.add_argument("--lang", choices=("ja", "en"), default="en")
    root.add_argument("--profile", metavar="NAME")
    root.add_argument("--card", metavar="FILE")
    commands = root.add_subparsers(dest="command", required=True)
    sim = commands.add_parser("sim")
    register_management(sim.add_subparsers(dest="sim_command", required=True))
    return root


def jpki(*argv: str) -> JpkiRun:
    args = parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = args.handler(args, CliContext(args, out=out, err=err))
    return JpkiRun(code, out.getvalue(), err.getvalue())


def usage_error(*argv: str) -> CliError:
    with pytest.raises(CliError) as caught:
        jpki(*argv)
    assert caught.value.exit_code is ExitCode.USAGE
    return caught.value


def sign_name(path: Path) -> str:
    der = load_card_data(path).sign_certificate
    assert der is not None
    names = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    values = [n for n in names.value.get_values_for_type(x509.OtherName) if n.type_id == NAME_OID]
    text: str = core.UTF8String.load(values[0].value).native
    return text


# --- profiles ------------------------------------------------------------------------------


def test_profiles_text_lists_every_profile() -> None:
    run = jpki("sim", "profiles")
    assert run.code == 0
    lines = run.out.splitlines()
    assert [line.split()[0] for line in lines] == list(PROFILES)
    assert "signature password blocked" in run.out
    assert "署名用電子証明書の暗証番号がロック" in jpki("--lang", "ja", "sim", "profiles").out


def test_profiles_json() -> None:
    result = jpki("--json", "sim", "profiles").json()
    assert result["reference_date"] == "2026-11-22"
    by_name = {entry["name"]: entry for entry in result["profiles"]}
    assert list(by_name) == list(PROFILES)
    assert [name for name, entry in by_name.items() if entry["default"]] == ["adult"]
    assert by_name["under15"]["sign_cert_expiry"] is None
    assert by_name["renewable"]["auth_cert_expiry"] == "2027-01-15"
    assert by_name["adult"]["description_ja"]


# --- new -------------------------------------------------------------------------------------


def test_new_writes_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    run = jpki("--json", "sim", "new", "--profile", "blocked", "-o", str(path))
    assert run.code == 0
    assert str(path) in run.err
    assert_stored(path, build_card_data("blocked"))
    summary = run.json()
    pins = summary["pins"]
    assert pins["sign"] == {"remaining": 0, "max": 5, "blocked": True}
    assert pins["auth"]["remaining"] == 1


def test_new_defaults_to_adult_and_honours_the_global_profile(tmp_path: Path) -> None:
    jpki("sim", "new", "-o", str(tmp_path / "a.json"))
    assert_stored(tmp_path / "a.json", build_card_data("adult"))
    jpki("--profile", "minor", "sim", "new", "-o", str(tmp_path / "m.json"))
    assert_stored(tmp_path / "m.json", build_card_data("minor"))


def test_new_with_holder_options(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    jpki(
        "sim",
        "new",
        "--name",
        "試験 花子",
        "--address",
        "東京都文京区試験町１－１",
        "--municipality",
        "Bunkyo-ku",
        "--municipality-code",
        "13105",
        "--birth",
        "1990-01-02",
        "--sex",
        "female",
        "--my-number",
        "123456789018",
        "--card-issued",
        "2025-05-01",
        "--atr",
        "old",
        "--keep-verified-on-select",
        "--juki-pin-tries",
        "1",
        "-o",
        str(path),
    )
    data = load_card_data(path)
    assert data.holder.name == "試験\u3000花子"
    assert data.holder.birth_date == date(1990, 1, 2)
    assert data.holder.sex.value == "2"
    assert data.my_number == "123456789018"
    assert data.municipality_code == "13105"
    assert data.card_expiry == date(2035, 1, 2)
    assert data.atr.value == "old"
    assert not data.clear_verified_on_select
    assert data.juki_pin.tries_left == 1
    assert sign_name(path) == "試験\u3000花子"


def test_new_cert_issued_and_residence(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    run = jpki(
        "--json",
        "sim",
        "new",
        "--cert-issued",
        "2025-01-10",
        "--residence-until",
        "2029-06-30",
        "-o",
        str(path),
    )
    certificates = {cert["kind"]: cert for cert in run.json()["certificates"]}
    # 5th birthday (04-12) after 2025-01-10 is 2029-04-12, before the end of the stay.
    assert certificates["auth"]["expiry_date"] == "2029-04-12"
    assert certificates["sign"]["not_before"] == "2025-01-10T10:00:00+09:00"
    assert run.json()["card_expiry"] == "2029-06-30"


def test_new_face_auth_card_ignores_cert_issued_for_the_signature(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    run = jpki(
        "--json", "sim", "new", "--face-auth", "--cert-issued", "2025-01-10", "-o", str(path)
    )
    assert [cert["kind"] for cert in run.json()["certificates"]] == ["auth", "auth-ca", "sign-ca"]
    assert run.json()["availability"] == "00 8F 00"


def test_new_android_token(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    jpki("sim", "new", "--token", "JPKIAPGPSETOKEN", "--smartphone", "-o", str(path))
    data = load_card_data(path)
    assert data.token_name == "JPKIAPGPSETOKEN"
    assert data.smartphone_token


def test_new_sets_pins_from_stdin_without_echoing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "card.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("8642\nQW12ER34\n"))
    run = jpki(
        "--json",
        "sim",
        "new",
        "--set-pin",
        "auth",
        "--set-pin",
        "sign",
        "--pin-stdin",
        "-o",
        str(path),
    )
    data = load_card_data(path)
    assert data.auth_pin.matches(b"8642")
    assert data.sign_password.matches(b"QW12ER34")
    assert data.card_info_pin.matches(b"1234")
    for secret in ("8642", "QW12ER34"):
        assert secret not in run.out
        assert secret not in run.err


def test_new_refuses_a_malformed_pin_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "card.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO("abcdef\n"))
    error = usage_error("sim", "new", "--set-pin", "sign", "--pin-stdin", "-o", str(path))
    assert "abcdef" not in str(error)
    assert not path.exists()


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    save_card_data(build_card_data("blocked"), path)
    assert "--force" in str(usage_error("sim", "new", "-o", str(path)))
    assert_stored(path, build_card_data("blocked"))
    jpki("sim", "new", "--force", "-o", str(path))
    assert_stored(path, build_card_data("adult"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--profile", "nobody"], "known profiles: adult"),
        (["--birth", "2030-01-01"], "do not follow the rules"),
        (["--my-number", "123456789012"], "check digit"),
        (["--name", "番号太郎"], "space"),
        (["--municipality-code", "131"], "5 ASCII digits"),
        (["--sign-password-tries", "6"], "0-5"),
        (["--auth-pin-tries", "-1"], "0-3"),
    ],
)
def test_new_bad_input_is_a_usage_error(tmp_path: Path, options: list[str], message: str) -> None:
    path = tmp_path / "card.json"
    assert message in str(usage_error("sim", "new", *options, "-o", str(path)))
    assert not path.exists()


def test_new_with_another_today(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    run = jpki(
        "--json", "sim", "new", "--profile", "renewable", "--today", "2027-11-22", "-o", str(path)
    )
    certificates = {cert["kind"]: cert for cert in run.json()["certificates"]}
    assert certificates["auth"]["expiry_date"] > "2027-11-22"
    assert certificates["auth"]["expiry_date"] < "2028-02-22"


# --- show ------------------------------------------------------------------------------------


def test_show_text_and_json_never_show_pin_values(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    data = build_card_data("adult", auth_pin="9753", sign_password="ZX98CV76")
    save_card_data(data, path)
    text = jpki("sim", "show", str(path))
    as_json = jpki("--json", "sim", "show", str(path))
    assert text.code == as_json.code == 0
    for output in (text.out, as_json.out):
        assert "9753" not in output
        assert "ZX98CV76" not in output
        assert data.my_number not in output
    summary = as_json.json()
    assert summary["token_name"] == "JPKIAPICCTOKEN2"
    assert summary["atr"] == "new"
    assert summary["atr_hex"].startswith("3B DA 13 FF")
    assert summary["holder"]["name"] == "番号\u3000太郎"
    assert summary["holder"]["birth_date"] == "1985-04-12"
    assert summary["my_number"].endswith(data.my_number[-4:])
    assert summary["card_expiry"] == "2034-04-12"
    certificates = {cert["kind"]: cert for cert in summary["certificates"]}
    assert set(certificates) == {"auth", "auth-ca", "sign", "sign-ca"}
    assert certificates["auth"]["expiry_date"] == "2029-04-12"
    assert certificates["auth"]["not_after"] == "2029-04-12T23:59:59+09:00"
    assert certificates["sign"]["subject"].endswith("L=Chiyoda-ku,L=Tokyo-to,C=JP")
    assert {kind: pin["remaining"] for kind, pin in summary["pins"].items()} == {
        "auth": 3,
        "sign": 5,
        "card_info": 3,
        "juki": 3,
    }
    assert "token: JPKIAPICCTOKEN2" in text.out
    assert "until 2029-04-12" in text.out
    assert "signature password: 5/5" in text.out


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("under15", ["署名用電子証明書: なし", "00 8F 00"]),
        ("blocked", ["0/5(ロック中)", "利用者証明用電子証明書の暗証番号: 1/3"]),
    ],
)
def test_show_in_japanese(tmp_path: Path, profile: str, expected: list[str]) -> None:
    path = tmp_path / "card.json"
    save_card_data(build_card_data(profile), path)
    run = jpki("--lang", "ja", "sim", "show", str(path))
    for text in expected:
        assert text in run.out


def test_show_takes_the_global_card(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    save_card_data(build_card_data("android"), path)
    run = jpki("--card", str(path), "--json", "sim", "show")
    assert run.json()["smartphone_token"] is True


def test_show_errors(tmp_path: Path) -> None:
    assert "no such file" in str(usage_error("sim", "show", str(tmp_path / "absent.json")))
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert "not JSON" in str(usage_error("sim", "show", str(bad)))
    in_japanese = usage_error("--lang", "ja", "sim", "show", str(bad)).message
    assert "カードファイル" in render(in_japanese, "ja")
    assert "card file" in str(usage_error("sim", "show"))
    broken = tmp_path / "broken.json"
    save_card_data(build_card_data("adult"), broken)
    document = json.loads(broken.read_text(encoding="utf-8"))
    document["card"]["auth_certificate"] = "3003020100"
    broken.write_text(json.dumps(document), encoding="utf-8")
    assert "certificate" in str(usage_error("sim", "show", str(broken)))


def test_new_logout_on_select_and_test_card_basic_info(tmp_path: Path) -> None:
    default = tmp_path / "default.json"
    jpki("sim", "new", "-o", str(default))
    data = load_card_data(default)
    assert not data.clear_verified_on_select and data.basic_info_long_form
    options = tmp_path / "options.json"
    jpki("sim", "new", "--logout-on-select", "--test-card-basic-info", "-o", str(options))
    data = load_card_data(options)
    assert data.clear_verified_on_select and not data.basic_info_long_form


def test_logout_and_keep_verified_contradict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "card.json"
    with pytest.raises(SystemExit) as caught:
        jpki("sim", "new", "--logout-on-select", "--keep-verified-on-select", "-o", str(path))
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert not path.exists()
