"""``jpki diagnose`` in process on every simulator profile: codes, exit status, text, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apdu.testing import ScriptedConnection
from jpki.cli.context import CliContext
from jpki.diagnosis import SCHEMA, FindingCode, default_municipality
from sim import Faults, open_simulated_card

Runner = Any
TODAY = "2026-11-22"

# profile -> (codes that must appear, codes that must not, exit status)
PROFILES: dict[str, tuple[set[str], set[str], int]] = {
    "adult": ({"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, set(), 0),
    "new-atr": ({"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, set(), 0),
    "old-atr": ({"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, set(), 0),
    "minor": ({"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, set(), 0),
    "under15": ({"sign_cert_absent", "auth_cert_ok", "pins_ok"}, {"sign_pin_blocked"}, 10),
    "foreign-resident": ({"card_ok", "auth_cert_ok", "pins_ok"}, {"residence_period_limit"}, 0),
    "face-auth": ({"sign_cert_absent", "auth_cert_ok"}, set(), 10),
    "blocked": (
        {"sign_pin_blocked", "auth_pin_last_try", "card_ok", "auth_cert_ok"},
        {"pins_ok"},
        11,
    ),
    "expired": ({"auth_cert_expired", "sign_cert_expired", "card_ok", "pins_ok"}, set(), 11),
    "renewable": ({"auth_cert_renewable", "sign_cert_renewable", "card_ok"}, set(), 10),
    "android": ({"smartphone_token"}, {"card_ok", "auth_cert_ok", "card_expiry_unknown"}, 10),
    "juki-card": ({"juki_card"}, {"auth_cert_expired"}, 11),
}


def diagnose_json(run_cli: Runner, profile: str, *options: str) -> Any:
    return run_cli("--sim", "--profile", profile, "diagnose", "--json", "--today", TODAY, *options)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile(run_cli: Runner, profile: str) -> None:
    present, absent, status = PROFILES[profile]
    run = diagnose_json(run_cli, profile)
    assert run.code == status, run.err
    assert present <= set(run.codes)
    assert not absent & set(run.codes)
    assert run.json["exit_status"] == status
    assert run.err == ""


def test_json_schema(run_cli: Runner) -> None:
    result = diagnose_json(run_cli, "blocked", "--lang", "en").json
    assert set(result) == {
        "schema",
        "today",
        "lang",
        "severity",
        "exit_status",
        "findings",
        "card",
        "expected",
        "rule_inputs",
        "unconfirmed",
        "municipality",
        "notes",
        "note_codes",
        "timeline",
    }
    assert result["schema"] == SCHEMA
    assert result["today"] == TODAY
    assert result["lang"] == "en"
    assert result["severity"] == "action_needed"
    assert result["exit_status"] == 11
    for finding in result["findings"]:
        assert set(finding) == {
            "code",
            "severity",
            "message",
            "action",
            "remedy",
            "unconfirmed",
            "decisions",
            "details",
        }
        assert finding["code"] in {code.value for code in FindingCode}
        assert finding["severity"] in {"ok", "attention", "action_needed"}
    assert {
        "chip",
        "token",
        "availability",
        "auth_certificate",
        "auth_certificate_problem",
        "pins",
        "card_record",
        "card_expiry",
        "card_renewal_from",
        "card_record_problem",
        "chain",
        "apdu_count",
    } == set(result["card"])
    card = result["card"]
    assert card["chip"] == "my_number_card"
    assert card["pins"]["sign"]["blocked"] is True
    assert card["pins"]["auth"]["remaining"] == 1
    assert set(card["pins"]) == {"auth", "sign", "card_info", "juki"}
    assert card["auth_certificate"]["expiry_date"] == "2027-12-01"
    assert card["auth_certificate"]["renewal_from"] == "2027-09-02"
    assert card["card_expiry"] == "2032-12-01"
    assert card["apdu_count"] == 16
    assert result["expected"] is None
    assert result["municipality"]["id"] == "bunkyo"
    # Lost card, express re-issue, moving abroad (no period of stay given), whom to call, where.
    assert result["note_codes"] == [
        "lost_card",
        "express_issuance",
        "moving_abroad",
        "call_centre",
        "counter",
    ]
    assert len(result["notes"]) == len(result["note_codes"])
    # The key dates a timeline is drawn from, as ISO dates.
    assert result["timeline"] == {
        "today": TODAY,
        "card": {
            "expiry": "2032-12-01",
            "renewal_from": "2032-09-02",
            "renewal_until": "2032-12-01",
            "basis": "chip",
        },
        "auth_cert": {
            "expiry": "2027-12-01",
            "renewal_from": "2027-09-02",
            "renewal_until": "2027-12-01",
            "basis": "chip",
        },
        "sign_cert": None,
    }
    remedies = {finding["code"]: finding["remedy"] for finding in result["findings"]}
    assert remedies["sign_pin_blocked"] == "reset_pin"
    assert remedies["auth_pin_last_try"] == "do_not_guess"


def test_json_wording_follows_lang(run_cli: Runner) -> None:
    ja = diagnose_json(run_cli, "blocked", "--lang", "ja").json
    en = diagnose_json(run_cli, "blocked", "--lang", "en").json
    assert [f["code"] for f in ja["findings"]] == [f["code"] for f in en["findings"]]
    assert ja["findings"][0]["message"].startswith("署名用電子証明書の暗証番号がロック")
    assert en["findings"][0]["message"].startswith("The signature password is blocked")


def test_text_report_japanese(run_cli: Runner) -> None:
    run = run_cli("--sim", "--profile", "blocked", "diagnose", "--lang", "ja", "--today", TODAY)
    assert run.code == 11
    lines = run.out.splitlines()
    assert lines[0] == "マイナンバーカード診断（2026年11月22日時点）"
    assert lines[1] == "判定: 要対応（要対応 1件、注意 1件）"
    blocked = next(line for line in lines if line.startswith("[要対応]"))
    for phrase in (
        "署名用電子証明書の暗証番号がロックされています",
        "→ 戸籍住民課窓口（文京シビックセンター2階）で初期化（再設定）",
        "本人確認書類",
        "コンビニでも再設定できます",
        "マルチコピー機",
        "24時間以内",
    ):
        assert phrase in blocked
    assert any(line.startswith("[注意] 利用者証明用電子証明書の暗証番号は") for line in lines)
    text = run.out
    for phrase in ("0120-95-0178", "1,000円", "800円", "03-5803-1666", "第2日曜日"):
        assert phrase in text


def test_text_report_english(run_cli: Runner) -> None:
    run = run_cli("--sim", "--profile", "blocked", "diagnose", "--lang", "en", "--today", TODAY)
    assert run.code == 11
    text = run.out
    for phrase in (
        "My Number Card diagnosis as of 2026-11-22",
        "Result: ACTION NEEDED (1 action needed, 1 attention)",
        "[ACTION NEEDED] The signature password is blocked",
        "Family Register and Resident Records Division",
        "convenience store",
        "within 24 hours",
        "[ATTENTION] The user-authentication PIN has one try left",
        "1,000 yen",
    ):
        assert phrase in text


def test_text_and_json_render_the_same_findings(run_cli: Runner) -> None:
    text = run_cli("--sim", "--profile", "renewable", "diagnose", "--lang", "ja", "--today", TODAY)
    data = diagnose_json(run_cli, "renewable", "--lang", "ja").json
    assert text.code == data["exit_status"] == 10
    for finding in data["findings"]:
        assert finding["message"] in text.out
        if finding["action"]:
            assert finding["action"] in text.out


def test_renewable_says_from_when(run_cli: Runner) -> None:
    run = run_cli("--sim", "--profile", "renewable", "diagnose", "--lang", "ja", "--today", TODAY)
    assert "2026年10月16日から更新手続きができる" in run.out
    assert "無料" in run.out


def test_under15_with_birth_date_is_all_ok(run_cli: Runner) -> None:
    run = diagnose_json(run_cli, "under15", "--birth", "2015-08-20", "--card-issued", "2023-09-05")
    assert run.code == 0, run.out
    absent = next(f for f in run.json["findings"] if f["code"] == "sign_cert_absent")
    assert absent["severity"] == "ok"
    assert absent["details"]["reason"] == "under_15"
    assert run.json["expected"]["card"]["expiry"]["value"] == "2028-08-20"


def test_face_auth_with_the_flag_is_all_ok(run_cli: Runner) -> None:
    run = diagnose_json(run_cli, "face-auth", "--face-auth")
    assert run.code == 0
    assert "pins_ok" not in run.codes
    absent = next(f for f in run.json["findings"] if f["code"] == "sign_cert_absent")
    assert absent["details"]["reason"] == "face_auth"


def test_foreign_resident_with_dates(run_cli: Runner) -> None:
    run = diagnose_json(
        run_cli,
        "foreign-resident",
        "--birth",
        "1992-09-03",
        "--card-issued",
        "2025-04-15",
        "--residence-until",
        "2028-03-31",
    )
    assert run.code == 10
    assert "residence_period_limit" in run.codes
    assert "cert_expiry_mismatch" not in run.codes
    assert "card_expiry_mismatch" not in run.codes


def test_foreign_resident_without_the_period_of_stay_is_explained(run_cli: Runner) -> None:
    run = diagnose_json(
        run_cli, "foreign-resident", "--birth", "1992-09-03", "--card-issued", "2025-04-15"
    )
    mismatch = next(f for f in run.json["findings"] if f["code"] == "cert_expiry_mismatch")
    assert mismatch["details"]["reason"] == "residence_limited"
    assert mismatch["details"]["actual"] == "2028-03-31"


def test_adult_with_matching_dates_computes_the_signature_certificate(run_cli: Runner) -> None:
    run = diagnose_json(run_cli, "adult", "--birth", "1985-04-12", "--card-issued", "2024-06-03")
    assert run.code == 0
    sign = next(f for f in run.json["findings"] if f["code"] == "sign_cert_ok")
    assert sign["details"]["expiry"] == "2029-04-12"
    assert run.json["rule_inputs"] == {
        "auth_cert_issued_from_chip": True,
        "sign_cert_issued_assumed": True,
    }


def test_feb29_is_flagged_as_unconfirmed(run_cli: Runner) -> None:
    run = diagnose_json(run_cli, "adult", "--birth", "1988-02-29", "--card-issued", "2024-06-03")
    assert "unconfirmed_rule" in run.codes
    assert run.json["unconfirmed"][0]["decision"] == "feb29"
    assert run.code == 10


def test_check_chain(run_cli: Runner) -> None:
    run = diagnose_json(run_cli, "adult", "--check-chain")
    assert "chain_not_production" in run.codes  # the simulator's CA, not J-LIS
    chain = run.json["card"]["chain"]
    assert chain["verified"] is True
    assert chain["issuer_class"] == "simulated"
    assert run.json["card"]["apdu_count"] > 16
    assert run.code == 10


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--today", "2026-02-30"], "--today"),
        (["--birth", "1990-13-01", "--card-issued", "2020-01-01"], "--birth"),
        (["--birth", "2000-01-01", "--card-issued", "1999-01-01"], "before the birth date"),
        (["--birth", "2000-01-01"], "--birth and --card-issued go together"),
        (["--cert-issued", "2020-01-01"], "--cert-issued need --birth and --card-issued"),
        (
            ["--birth", "2000-01-01", "--card-issued", "2020-01-01", "--special-extension"],
            "period of stay",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    run_cli: Runner, options: list[str], message: str
) -> None:
    run = run_cli("--sim", "diagnose", "--lang", "en", *options)
    assert run.code == 2
    assert run.out == ""
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_bad_input_in_japanese(run_cli: Runner) -> None:
    run = run_cli(
        "--sim", "diagnose", "--lang", "ja", "--birth", "2000-01-01", "--card-issued", "1999-01-01"
    )
    assert run.code == 2
    assert "カードの発行日が生年月日より前です" in run.err


def test_bad_input_touches_no_card(run_cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: CliContext) -> Any:
        raise AssertionError("the card must not be opened")

    monkeypatch.setattr(CliContext, "open_connection", refuse)
    assert run_cli("--sim", "diagnose", "--birth", "2000-01-01").code == 2


def test_custom_municipality(run_cli: Runner, tmp_path: Path) -> None:
    values = default_municipality().to_json()
    assert isinstance(values, dict)
    values["location"] = {"ja": "本庁舎1階", "en": "1st floor, main building"}
    path = tmp_path / "city.json"
    path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    run = diagnose_json(run_cli, "blocked", "--lang", "ja", "--municipality", str(path))
    assert run.code == 11
    assert "戸籍住民課窓口（本庁舎1階）" in run.json["findings"][0]["action"]


def test_broken_municipality_file(run_cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "city.json"
    path.write_text('{"id": "x"}', encoding="utf-8")
    run = run_cli("--sim", "diagnose", "--lang", "en", "--municipality", str(path))
    assert run.code == 2
    assert "missing key" in run.err
    assert len(run.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"id": "x"}', "「name」の値を確認してください"),
        ("not json", "読み込めません"),
    ],
)
def test_broken_municipality_file_in_japanese(
    run_cli: Runner, tmp_path: Path, content: str, said: str
) -> None:
    path = tmp_path / "city.json"
    path.write_text(content, encoding="utf-8")
    run = run_cli("--sim", "diagnose", "--lang", "ja", "--municipality", str(path))
    assert run.code == 2
    assert said in run.err
    # The path is the only Latin text: no English explanation in a Japanese error.
    assert "missing" not in run.err and "JSON" not in run.err.replace(str(path), "")
    assert len(run.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--birth", "2000-01-01"], "生年月日とカードの発行日は両方指定してください"),
        (["--cert-issued", "2020-01-01"], "--cert-issued を使うには、生年月日とカードの発行日"),
    ],
)
def test_option_errors_in_japanese(run_cli: Runner, options: list[str], said: str) -> None:
    run = run_cli("--sim", "diagnose", "--lang", "ja", *options)
    assert run.code == 2
    assert said in run.err
    assert "need" not in run.err and "together" not in run.err


def test_not_a_my_number_card(run_cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    def other_card(self: CliContext) -> ScriptedConnection:
        return ScriptedConnection([("00A4040C0AD392F000260100000001", "6A82")])

    monkeypatch.setattr(CliContext, "open_connection", other_card)
    run = run_cli("--sim", "diagnose", "--json", "--today", TODAY)
    assert run.code == 11
    assert run.codes == ["not_a_my_number_card"]
    assert run.json["card"]["chip"] == "not_a_my_number_card"


def test_card_removed_is_the_normal_error_path(
    run_cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def leaving_card(self: CliContext) -> Any:
        return open_simulated_card(profile="adult", faults=Faults(remove_after=4))

    monkeypatch.setattr(CliContext, "open_connection", leaving_card)
    run = run_cli("--sim", "diagnose", "--lang", "en", "--today", TODAY)
    assert run.code == 3
    assert run.out == ""
    assert "removed" in run.err


def test_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    from jpki.cli.main import main

    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    out = capsys.readouterr().out
    assert "Exit status: 0 all ok; 10 attention" in out
    assert "--check-chain" in out and "CA certificates" in out
    assert "auth_cert_renewable" in out
