"""The diagnosis on the rules engine: the dates known as the rules take them, the rules'
verdicts, availability and guidance facts, the rule set named, and ``jpki status`` on a phone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jpki.diagnosis import (
    Circumstances,
    CircumstancesError,
    FindingCode,
    Note,
    Problem,
    Remedy,
    check_circumstances,
    diagnose,
    render_text,
)
from jpki.rules import Decision, KnownDates, RuleSet, RulesInputError

Kit = Any
Runner = Any


def test_the_earlier_names_build_known_dates(kit: Kit) -> None:
    known = Circumstances(birth=date(1985, 4, 12), card_issued=date(2024, 6, 3))
    assert isinstance(known, KnownDates)
    with pytest.raises(CircumstancesError):
        Circumstances(card_issued=date(2024, 6, 3))
    with pytest.raises(CircumstancesError):
        Circumstances(renewed_in_window=True)
    with pytest.raises(RulesInputError):
        check_circumstances(
            KnownDates(birth=date(2025, 1, 1), card_issued=date(2024, 6, 3)), kit.today
        )
    check_circumstances(known, kit.today)  # nothing wrong: no error
    built = diagnose(kit.facts(), kit.today, circumstances=known).rule_inputs
    assert built is not None and type(built.known) is KnownDates  # taken as plain known dates


def test_known_dates_are_taken_as_they_are(kit: Kit) -> None:
    known = KnownDates(birth=date(1985, 4, 12), card_issued=date(2024, 6, 3))
    by_known = diagnose(kit.facts(), kit.today, circumstances=known)
    by_form = diagnose(kit.facts(), kit.today, circumstances=Circumstances(**_fields(known)))
    assert by_known.to_json("ja") == by_form.to_json("ja")
    assert by_known.expected is not None


def _fields(known: KnownDates) -> dict[str, Any]:
    return {"birth": known.birth, "card_issued": known.card_issued}


def test_the_rule_set_in_force_is_named_and_a_draft_only_by_name(kit: Kit) -> None:
    diagnosis = diagnose(kit.facts(), kit.today)
    assert diagnosis.to_json("en")["rules_version"] == "card-2016@2024-12-02"
    assert "Rules applied: the current My Number Card rules" in render_text(diagnosis, "en")[1]
    draft = diagnose(kit.facts(), kit.today, rule_set=RuleSet.NEXT_GENERATION_DRAFT)
    assert draft.to_json("en")["rules_version"] == "next-generation-draft@not-in-force"
    assert "not in force" in render_text(draft, "en")[1]


def test_moving_abroad_note_only_when_a_move_is_given(kit: Kit) -> None:
    assert Note.MOVING_ABROAD not in diagnose(kit.facts(), kit.today).notes
    moving = diagnose(kit.facts(), kit.today, circumstances=KnownDates(moving_abroad=True))
    assert Note.MOVING_ABROAD in moving.notes


def test_no_store_date_for_a_holder_under_15(kit: Kit) -> None:
    issued = date(2026, 11, 20)  # a Friday: stores accept it from 06:30 on Saturday
    facts = kit.facts(auth_certificate=kit.auth(issued, date(2031, 8, 20)))
    today = date(2026, 11, 20)
    adult = diagnose(facts, today)
    assert FindingCode.AUTH_CERT_STORE_PENDING in adult.codes
    child = KnownDates(birth=date(2015, 8, 20), card_issued=issued)
    assert (
        FindingCode.AUTH_CERT_STORE_PENDING not in diagnose(facts, today, circumstances=child).codes
    )
    face = KnownDates(face_auth=True)
    assert (
        FindingCode.AUTH_CERT_STORE_PENDING not in diagnose(facts, today, circumstances=face).codes
    )


def test_advice_resting_on_decisions_is_marked_without_a_rule_finding(kit: Kit) -> None:
    facts = kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15)))
    diagnosis = diagnose(facts, kit.today)
    renewable = diagnosis.finding(FindingCode.AUTH_CERT_RENEWABLE)
    assert renewable is not None and renewable.remedy is Remedy.RENEW_CERTIFICATES
    assert renewable.decisions == {Decision.SMARTPHONE_CERT_ON_RENEWAL}
    # A piece of advice, not a date: no unconfirmed_rule finding, the mark and a legend line.
    assert FindingCode.UNCONFIRMED_RULE not in diagnosis.codes
    text = "\n".join(render_text(diagnosis, "ja"))
    assert "[注意] ※ 利用者証明用電子証明書の有効期限は" in text
    assert "スマホ用電子証明書" in (diagnosis.action(renewable, "ja") or "")
    assert "・※印の案内は、公表資料で確認できない扱いに基づいています" in text
    assert "改めて搭載が必要とする扱い" in text
    # The signature certificate's finding points at the auth one: no second sentence, no mark.
    sign = diagnosis.finding(FindingCode.SIGN_CERT_RENEWABLE)
    assert sign is not None and not sign.decisions
    assert "スマホ用電子証明書" not in (diagnosis.action(sign, "ja") or "")


def test_expired_card_and_unreadable_chip_are_marked(kit: Kit) -> None:
    expired = diagnose(kit.facts(card_record=kit.record(date(2026, 3, 1))), kit.today)
    card = expired.finding(FindingCode.CARD_EXPIRED)
    assert card is not None and Decision.INSURANCE_AFTER_CARD_EXPIRY in card.decisions
    assert "マイナ保険証" in expired.message(card, "ja")
    facts = kit.facts(auth_certificate=None, auth_certificate_problem=Problem.UNREADABLE)
    unreadable = diagnose(facts, kit.today)
    found = unreadable.finding(FindingCode.AUTH_CERT_UNREADABLE)
    assert found is not None and found.decisions == {Decision.EXPRESS_ISSUANCE_DETAILS}
    assert "特急発行" in (unreadable.action(found, "ja") or "")
    assert unreadable.to_json("en")["note_decisions"] == {
        "express_issuance": ["express_issuance_details"]
    }


def test_express_issuance_is_not_offered_before_it_began(kit: Kit) -> None:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2024, 6, 3), date(2029, 4, 12)),
        card_record=kit.record(date(2034, 4, 12)),
    )
    before = diagnose(facts, date(2024, 11, 30))
    assert Note.EXPRESS_ISSUANCE not in before.notes
    assert Note.EXPRESS_ISSUANCE in diagnose(facts, date(2024, 12, 2)).notes


def test_cli_moving_abroad_and_japanese_input_errors(run_cli: Runner) -> None:
    run = run_cli("--sim", "diagnose", "--json", "--today", "2026-11-22", "--moving-abroad")
    assert "moving_abroad" in run.json["note_codes"]
    refused = run_cli(
        "--sim", "--lang", "ja", "diagnose", "--birth", "2000-01-01", "--card-issued", "1999-01-01"
    )
    assert refused.code == 2
    # The rules' own wording of the problem, in Japanese, with no English beside it.
    assert "カードの発行日が生年月日より前です" in refused.err
    assert "before" not in refused.err


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_status_of_a_phone_token_shows_no_pin_counters(run_cli: Runner, lang: str) -> None:
    text = run_cli("--sim", "--profile", "android", "--lang", lang, "status")
    assert text.code == 0
    assert "JPKIAPGPSETOKEN" in text.out
    assert "3/3" not in text.out and "of 3 tries" not in text.out
    said = {"ja": "スマートフォン側で管理", "en": "kept by the phone"}[lang]
    assert said in text.out
    data = run_cli("--sim", "--profile", "android", "status", "--json").json
    assert data["pins"] == {}
    card = run_cli("--sim", "status", "--json").json
    assert set(card["pins"]) == {"auth", "sign", "card_info", "juki"}
