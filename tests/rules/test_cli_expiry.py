"""``jpki expiry`` run in process: JSON keys and values, text, error exits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jpki.cli.main import main

REQUIRED = {
    "card_expiry",
    "auth_cert_expiry",
    "sign_cert_expiry",
    "card_renewal_from",
    "auth_cert_renewal_from",
    "sign_cert_renewal_from",
    "state",
    "notes",
}


def expiry_json(capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    code = main(["--json", "--lang", "en", "expiry", "--today", "2025-06-01", *options])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result: dict[str, Any] = json.loads(captured.out)
    assert REQUIRED <= result.keys()
    return result


@pytest.mark.parametrize(
    ("options", "card", "certs"),
    [
        (["--birth", "1980-10-10", "--card-issued", "2020-05-15"], "2029-10-10", "2024-10-10"),
        (["--birth", "1990-05-15", "--card-issued", "2025-05-15"], "2035-05-15", "2030-05-15"),
        (["--birth", "1990-05-15", "--card-issued", "2025-05-14"], "2034-05-15", "2029-05-15"),
        (["--birth", "2000-02-29", "--card-issued", "2025-06-01"], "2035-02-28", "2030-02-28"),
        (
            ["--birth", "2000-02-29", "--card-issued", "2025-06-01", "--feb29", "mar1"],
            "2035-03-01",
            "2030-03-01",
        ),
        (
            [
                "--birth",
                "2003-06-10",
                "--card-issued",
                "2022-04-15",
                "--application-received",
                "2022-03-20",
            ],
            "2026-06-10",
            "2026-06-10",
        ),
        (
            [
                "--birth",
                "1990-07-07",
                "--card-issued",
                "2025-01-10",
                "--residence-until",
                "2026-09-30",
            ],
            "2026-09-30",
            "2026-09-30",
        ),
    ],
)
def test_rules_examples_as_json(
    capsys: pytest.CaptureFixture[str], options: list[str], card: str, certs: str
) -> None:
    result = expiry_json(capsys, *options)
    assert result["card_expiry"] == card
    assert result["auth_cert_expiry"] == certs
    assert result["sign_cert_expiry"] == certs


def test_json_values_rules_and_notes(capsys: pytest.CaptureFixture[str]) -> None:
    result = expiry_json(capsys, "--birth", "2000-02-29", "--card-issued", "2025-06-01")
    assert result["card_renewal_from"] == "2034-11-29"
    assert result["auth_cert_renewal_from"] == "2029-11-29"
    assert result["state"] == {"card": "valid", "auth_cert": "valid", "sign_cert": "valid"}
    assert result["rules"]["card_expiry"]["rule"] == "card.10th_birthday"
    assert result["rules"]["card_expiry"]["unconfirmed"] is True
    assert result["rules"]["card_expiry"]["decisions"] == ["feb29"]
    assert result["health_insurance_until"] == "2030-05-31"
    assert result["rules"]["version"] == "card-2016@2024-12-02"
    assert result["rules"]["in_force"] is True
    assert result["missing"] == {}
    feb29 = [note for note in result["notes"] if note.startswith("unconfirmed rule: the birthday")]
    assert feb29 == [
        "unconfirmed rule: the birthday in common years of someone born on 29 February "
        "(28 February or 1 March) (this computation uses 28 February); affects: My Number Card, "
        "user-authentication certificate, signature certificate, health-insurance checks"
    ]
    # No internal ids in what a person reads.
    assert not any("feb29" in note or "card.10th" in note for note in result["notes"])


def test_special_extension_window(capsys: pytest.CaptureFixture[str]) -> None:
    result = expiry_json(
        capsys,
        "--birth",
        "1990-07-07",
        "--card-issued",
        "2025-01-10",
        "--residence-until",
        "2026-06-30",
        "--special-extension",
    )
    assert result["card_expiry"] == "2026-08-31"
    assert result["card_renewal_from"] == "2026-06-01"
    assert result["rules"]["card_expiry"]["rule"] == "extension.special"
    assert "extension_month_end" in result["rules"]["card_expiry"]["decisions"]


def test_certificate_dates_and_flags(capsys: pytest.CaptureFixture[str]) -> None:
    result = expiry_json(
        capsys,
        "--birth",
        "1980-10-10",
        "--card-issued",
        "2020-05-15",
        "--cert-issued",
        "2024-08-01",
        "--sign-cert-issued",
        "2025-01-20",
        "--cert-renewed-in-window",
    )
    assert result["auth_cert_expiry"] == "2029-10-10"
    assert result["rules"]["auth_cert_expiry"]["rule"] == "cert.6th_birthday_renewal"
    assert result["sign_cert_expiry"] == "2029-10-10"
    assert result["state"]["auth_cert"] == "valid"


def test_signature_certificate_null_when_not_issued(capsys: pytest.CaptureFixture[str]) -> None:
    young = expiry_json(capsys, "--birth", "2012-03-01", "--card-issued", "2025-01-10")
    assert young["sign_cert_expiry"] is None
    assert young["sign_cert_renewal_from"] is None
    assert young["state"]["sign_cert"] == "not_issued"
    assert young["rules"]["sign_cert_expiry"]["not_issued"] == "under_15"
    face = expiry_json(
        capsys, "--birth", "1980-10-10", "--card-issued", "2024-01-10", "--face-auth",
        "--cert-issued", "2024-01-20",
    )  # fmt: skip
    assert face["sign_cert_expiry"] is None
    assert face["auth_cert_expiry"] == "2028-10-10"
    assert face["rules"]["sign_cert_expiry"]["not_issued"] == "face_auth"


def test_birth_and_certificate_issue_date_alone_give_the_certificates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = expiry_json(capsys, "--birth", "1980-10-10", "--cert-issued", "2024-08-01")
    assert result["auth_cert_expiry"] == "2028-10-10"
    assert result["auth_cert_renewal_from"] == "2028-07-11"
    assert result["sign_cert_expiry"] == "2028-10-10"
    assert result["state"] == {"card": None, "auth_cert": "valid", "sign_cert": "valid"}
    assert result["health_insurance_until"] == "2029-01-31"
    assert result["card_expiry"] is None and result["card_renewal_from"] is None
    assert result["missing"] == {"card_expiry": [["card_issued"], ["card_expiry"]]}
    assert result["items"]["auth_cert"]["caveats"] == ["card_expiry_unknown"]
    assert result["rules"]["auth_cert_expiry"]["rule"] == "cert.5th_birthday"
    assert "could end it earlier" in result["rules"]["auth_cert_expiry"]["explanation"]


def test_renewed_in_window_is_always_unconfirmed(capsys: pytest.CaptureFixture[str]) -> None:
    result = expiry_json(
        capsys, "--birth", "1980-10-10", "--card-issued", "2029-08-01", "--renewed-in-window"
    )
    assert result["card_expiry"] == "2039-10-10"
    assert result["rules"]["card_expiry"]["decisions"] == ["card_renewal_11th_6th"]
    assert result["state"]["card"] == "not_yet_issued"


def test_japanese_text(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--lang", "ja", "expiry", "--birth", "1990-07-07", "--card-issued", "2025-01-10",
            "--residence-until", "2026-09-30", "--today", "2026-08-01",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    for term in (
        "マイナンバーカード",
        "利用者証明用電子証明書",
        "署名用電子証明書",
        "有効期限: 2026年9月30日",
        "根拠: 在留期限",
        "更新手続き: 2026年7月1日から",
        "状態: 有効(更新手続きができる期間です)",
        "在留期限を延長しても",
    ):
        assert term in out


def test_english_text_marks_unconfirmed_values(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--lang", "en", "expiry", "--birth", "2000-02-29", "--card-issued", "2025-06-01",
            "--today", "2025-06-01",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "My Number Card" in out
    assert "expires: 2035-02-28 (unconfirmed)" in out
    assert "unconfirmed rule: the birthday in common years of someone born on 29 February" in out
    assert "feb29" not in out and "[feb28]" not in out


def test_today_defaults_to_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--json", "expiry", "--birth", "1980-10-10", "--card-issued", "2020-05-15"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(result["today"]) == 10


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (["--birth", "2023-02-30"], "--birth: '2023-02-30' is not a valid date"),
        (["--birth", "yesterday"], "--birth: 'yesterday' is not a valid date"),
        (["--birth", "1980-01-01", "--today", "2025-13-01"], "--today: '2025-13-01'"),
        (
            ["--birth", "2020-01-01", "--card-issued", "2019-01-01"],
            "card issue date 2019-01-01 is before the birth date 2020-01-01",
        ),
        (
            ["--birth", "1990-01-01", "--card-issued", "2020-01-01", "--residence-until",
             "2019-12-31"],
            "the period of stay ends on 2019-12-31, before the issue date 2020-01-01",
        ),
        (
            ["--birth", "1990-01-01", "--card-issued", "2020-01-01", "--cert-issued",
             "2019-12-31"],
            "certificate issue date 2019-12-31 is before the card issue date",
        ),
        (
            ["--birth", "1990-01-01", "--card-issued", "2020-01-01", "--face-auth",
             "--sign-cert-issued", "2020-01-01"],
            "face-auth card carries no signature certificate",
        ),
        (
            ["--birth", "1990-01-01", "--card-issued", "2020-01-01", "--special-extension"],
            "special extension needs the end of the period of stay",
        ),
        (
            ["--birth", "1990-01-01", "--card-issued", "2015-01-01"],
            "no My Number Card was issued before 2016-01-01",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], options: list[str], fragment: str
) -> None:
    code = main(["--lang", "en", "expiry", *options])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert fragment in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_bad_input_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "ja", "expiry", "--birth", "2020-01-01", "--card-issued", "2019-01-01"])
    assert code == 2
    assert "カードの発行日が生年月日より前です。" in capsys.readouterr().err
