"""The client commands end to end on the in-process simulated card."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

Jpki = Callable[..., Any]
Pins = Callable[..., None]

SELECT_JPKI = "00A4040C0AD392F000260100000001"


def test_raw_apdu_select_prints_9000(jpki: Jpki) -> None:
    run = jpki("--sim", "apdu", SELECT_JPKI)
    assert run.code == 0
    assert "9000" in run.out


def test_raw_apdu_json_and_redacted_verify(jpki: Jpki) -> None:
    refused = jpki("--sim", "apdu", SELECT_JPKI, "002000980439383736")
    assert refused.code == 2
    assert "standard input" in refused.err and "3938" not in refused.err
    run = jpki("--sim", "--json", "apdu", SELECT_JPKI, "-", stdin="002000980439383736\n00200098\n")
    assert run.code == 1  # the last answer was not 9000
    results = run.json()
    assert [r["sw"] for r in results] == ["9000", "63C2", "63C2"]
    assert set(results[0]) == {"command", "data", "sw", "meaning"}
    assert results[1]["command"] == "00 20 00 98 04 <4 bytes redacted>"
    assert "3938" not in run.out and "9876" not in run.out


def test_raw_apdu_errors(jpki: Jpki) -> None:
    assert jpki("--sim", "apdu", "zz").code == 2
    malformed = jpki("--sim", "apdu", "00A4040C0AD392")
    assert malformed.code == 2
    assert "Lc says 10 bytes, 2 follow" in malformed.err


def test_status_json(jpki: Jpki) -> None:
    run = jpki("--sim", "status", "--json", "--today", "2026-11-22")
    assert run.code == 0
    status = run.json()
    assert status["token"]["name"] == "JPKIAPICCTOKEN2"
    assert status["availability"]["auth_certificate"] is True
    assert status["pins"]["auth"] == {"remaining": 3, "max": 3, "blocked": False, "verified": False}
    assert status["pins"]["sign"]["max"] == 5
    assert status["auth_certificate"]["kind"] == "auth"
    assert status["auth_certificate"]["days_left"] > 0


def test_status_text_in_both_languages(jpki: Jpki) -> None:
    ja = jpki("--sim", "--lang", "ja", "status")
    assert "利用者証明用電子証明書" in ja.out and "残り 3/3 回" in ja.out
    en = jpki("--sim", "--lang", "en", "status")
    assert "3 of 3 tries left" in en.out


def test_pin_status_json_keys(jpki: Jpki) -> None:
    run = jpki("--sim", "--profile", "blocked", "pin", "status", "--json")
    pins = run.json()
    assert set(pins) == {"auth", "sign", "card_info", "juki"}
    assert pins["sign"]["blocked"] is True and pins["sign"]["remaining"] == 0
    assert pins["auth"]["remaining"] == 1


def test_guard_refuses_the_last_try_and_spends_nothing(
    jpki: Jpki, pins_env: Pins, tmp_path: Path
) -> None:
    card = tmp_path / "card.json"
    assert jpki("sim", "new", "--profile", "blocked", "-o", str(card)).code == 0
    pins_env(auth="9999")
    refused = jpki("--card", str(card), "--lang", "en", "pin", "verify", "auth")
    assert refused.code == 5
    assert "1 try left" in refused.err and "nothing was sent" in refused.err
    after = jpki("--card", str(card), "--json", "pin", "status").json()
    assert after["auth"]["remaining"] == 1


def test_malformed_pin_is_rejected_before_the_card(
    jpki: Jpki, pins_env: Pins, tmp_path: Path
) -> None:
    card = tmp_path / "card.json"
    jpki("sim", "new", "--profile", "adult", "-o", str(card))
    run = jpki("--card", str(card), "pin", "verify", "sign", "--pin-stdin", stdin="abcd1234\n")
    assert run.code == 5
    assert "abcd1234" not in run.err
    assert jpki("--card", str(card), "--json", "pin", "status").json()["sign"]["remaining"] == 5


def test_wrong_pin_spends_one_try_and_is_kept_on_the_card_file(
    jpki: Jpki, pins_env: Pins, tmp_path: Path
) -> None:
    card = tmp_path / "card.json"
    jpki("sim", "new", "--profile", "adult", "-o", str(card))
    pins_env(auth="9876")
    run = jpki("--card", str(card), "--trace", "--lang", "en", "pin", "verify", "auth")
    assert run.code == 5
    assert "2 tries left" in run.err
    assert "<4 bytes redacted>" in run.err
    for leak in ("9876", "39383736", "39 38 37 36"):
        assert leak not in run.err and leak not in run.out
    assert jpki("--card", str(card), "--json", "pin", "status").json()["auth"]["remaining"] == 2
    pins_env(auth="1234")
    assert jpki("--card", str(card), "pin", "verify", "auth").code == 0
    assert jpki("--card", str(card), "--json", "pin", "status").json()["auth"]["remaining"] == 3


def test_cert_read_and_show(jpki: Jpki, tmp_path: Path) -> None:
    der_file = tmp_path / "auth.der"
    assert jpki("--sim", "cert", "read", "auth", "--format", "der", "-o", str(der_file)).code == 0
    cert = x509.load_der_x509_certificate(der_file.read_bytes())
    assert cert.subject.rfc4514_string().startswith("CN=")
    pem = jpki("--sim", "cert", "read", "auth-ca")
    assert pem.out.startswith("-----BEGIN CERTIFICATE-----")
    shown = jpki("--sim", "--json", "cert", "show", "auth").json()
    keys = "kind issuer_class subject issuer serial not_before not_after expiry_date policies"
    assert {*keys.split(), "key_usage"} <= set(shown)
    assert shown["issuer_class"] == "simulated"
    assert shown["not_after"].endswith("23:59:59+09:00")


def test_cert_show_file_of_a_real_production_certificate(jpki: Jpki, testdata_dir: Path) -> None:
    production = testdata_dir / "real" / "auth-cert-production.pem"
    run = jpki("--json", "cert", "show", "--file", str(production))
    shown = run.json()
    assert (shown["kind"], shown["issuer_class"], shown["expiry_date"]) == (
        "auth",
        "production",
        "2024-05-02",
    )


def test_cert_show_broken_file_is_a_clear_error(jpki: Jpki, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n")
    run = jpki("cert", "show", "--file", str(broken))
    assert run.code == 1
    assert "Traceback" not in run.err and run.err.startswith("jpki: ")


def test_sign_certificate_needs_the_password(jpki: Jpki, pins_env: Pins) -> None:
    refused = jpki("--sim", "--lang", "en", "cert", "show", "sign")
    assert refused.code == 5
    assert "needs the signature password" in refused.err
    pins_env(sign="ABCD1234")
    shown = jpki("--sim", "--json", "cert", "show", "sign", "--verify-pin").json()
    assert shown["kind"] == "sign"
    assert set(shown["holder"]) >= {"name", "sex", "birth_date", "address"}


@pytest.mark.parametrize("key", ["auth", "sign"])
def test_sign_cms_verifies_with_openssl_and_jpki(
    jpki: Jpki, pins_env: Pins, tmp_path: Path, key: str
) -> None:
    pins_env(auth="1234", sign="ABCD1234")
    message = tmp_path / "message.txt"
    message.write_text("申請書 2026\n", encoding="utf-8")
    signature = tmp_path / "message.p7s"
    run = jpki("--sim", "sign", key, str(message), "--format", "cms", "-o", str(signature))
    assert run.code == 0, run.err
    ca = tmp_path / "ca.pem"
    jpki("--sim", "cert", "read", f"{key}-ca", "-o", str(ca))
    openssl = shutil.which("openssl")
    assert openssl is not None
    verified = subprocess.run(
        [
            openssl,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(signature),
            "-content",
            str(message),
            "-CAfile",
            str(ca),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert jpki("verify", str(message), str(signature)).code == 0
    message.write_text("申請書 2027\n", encoding="utf-8")
    assert jpki("verify", str(message), str(signature)).code == 6


def test_sign_raw_and_verify_with_certificate(jpki: Jpki, pins_env: Pins, tmp_path: Path) -> None:
    pins_env(auth="1234")
    message = tmp_path / "m.bin"
    message.write_bytes(b"\x00" * 100)
    sig = tmp_path / "m.sig"
    assert jpki("--sim", "sign", "auth", str(message), "--hash", "sha384", "-o", str(sig)).code == 0
    assert len(sig.read_bytes()) == 256
    cert = tmp_path / "auth.pem"
    jpki("--sim", "cert", "read", "auth", "-o", str(cert))
    ok = jpki(
        "verify", str(message), str(sig), "--format", "raw", "--cert", str(cert), "--hash", "sha384"
    )
    assert ok.code == 0
    wrong_hash = jpki("verify", str(message), str(sig), "--format", "raw", "--cert", str(cert))
    assert wrong_hash.code == 6


def test_verify_trust_refuses_simulated_ca_as_production(
    jpki: Jpki, pins_env: Pins, tmp_path: Path
) -> None:
    pins_env(auth="1234")
    message = tmp_path / "m.txt"
    message.write_text("x")
    sig = tmp_path / "m.p7s"
    jpki("--sim", "sign", "auth", str(message), "--format", "cms", "-o", str(sig))
    trust = tmp_path / "trust"
    trust.mkdir()
    jpki("--sim", "cert", "read", "auth-ca", "-o", str(trust / "ca.pem"))
    assert jpki("verify", str(message), str(sig), "--trust", str(trust)).code == 6
    allowed = jpki(
        "verify", str(message), str(sig), "--trust", str(trust), "--allow-non-production"
    )
    assert allowed.code == 0


def test_info_reads_my_number_and_basic_info(jpki: Jpki, pins_env: Pins) -> None:
    pins_env(card_info="1234")
    info = jpki("--sim", "--json", "info").json()
    assert set(info) >= {"my_number", "name", "address", "birth_date", "sex"}
    assert len(info["my_number"]) == 12
    assert "\u3000" in info["name"]


def test_info_without_terminal_or_pin_source_is_a_usage_error(jpki: Jpki) -> None:
    run = jpki("--sim", "info", stdin="")
    assert run.code == 2
    assert "JPKI_CARD_INFO_PIN" in run.err


def test_raw_verify_goes_through_the_guard(jpki: Jpki, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    assert jpki("sim", "new", "--profile", "blocked", "-o", str(card)).code == 0
    select, wrong_auth = SELECT_JPKI + "\n", "002000980439393939\n"
    refused = jpki("--card", str(card), "--lang", "en", "apdu", "-", stdin=select + wrong_auth)
    assert refused.code == 5
    assert "1 try left" in refused.err and "nothing was sent" in refused.err
    blocked = jpki("--card", str(card), "apdu", "-", stdin=select + "0020009B0641424331323300\n")
    assert blocked.code == 5 and "blocked" in blocked.err
    status = jpki("--card", str(card), "--json", "pin", "status").json()
    assert (status["auth"]["remaining"], status["sign"]["remaining"]) == (1, 0)
    forced = jpki("--card", str(card), "apdu", "--force", "-", stdin=select + wrong_auth)
    assert forced.code == 1 and "63C0" in forced.out


def test_unwritable_output_is_refused_before_any_pin(
    jpki: Jpki, pins_env: Pins, tmp_path: Path
) -> None:
    card = tmp_path / "card.json"
    jpki("sim", "new", "--profile", "adult", "-o", str(card))
    pins_env(auth="9999")  # wrong: it would cost a try if it were sent
    message = tmp_path / "m.txt"
    message.write_text("x")
    for target in (tmp_path, tmp_path / "missing" / "m.sig"):
        run = jpki(
            "--card", str(card), "--lang", "en", "sign", "auth", str(message), "-o", str(target)
        )
        assert run.code == 2
        assert str(target) in run.err and ".tmp" not in run.err
    assert jpki("--card", str(card), "--json", "pin", "status").json()["auth"]["remaining"] == 3
    refused = jpki("--sim", "cert", "read", "auth", "-o", str(tmp_path))
    assert refused.code == 2 and str(tmp_path) in refused.err
