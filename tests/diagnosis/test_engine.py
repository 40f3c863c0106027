"""The diagnosis engine on hand-made facts: every finding code, its severity and its wording."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from jpki.certificate import IssuerClass
from jpki.cli.errors import ExitCode
from jpki.diagnosis import (
    CardFacts,
    ChainFacts,
    ChipKind,
    Circumstances,
    CircumstancesError,
    Diagnosis,
    Finding,
    FindingCode,
    PinFact,
    Problem,
    Remedy,
    Severity,
    default_municipality,
    diagnose,
    render_text,
)
from jpki.ids import PinKind, TokenKind
from jpki.models import Availability
from jpki.rules import Decision, RulesInputError, convenience_store_usable_from

Kit = Any

ADULT_BIRTH = date(1985, 4, 12)
ADULT_CARD_ISSUED = date(2024, 6, 3)


def run(kit: Kit, facts: CardFacts | None = None, **circumstances: Any) -> Diagnosis:
    return diagnose(
        facts if facts is not None else kit.facts(),
        kit.today,
        circumstances=Circumstances(**circumstances),
    )


def codes(diagnosis: Diagnosis) -> set[str]:
    return {code.value for code in diagnosis.codes}


@dataclass(frozen=True)
class Words:
    """A finding's words in both languages, as shown (rendered at the edge)."""

    ja: str
    en: str


@dataclass(frozen=True)
class Shown:
    """A finding as the report shows it: its judgment, its words, its JSON details."""

    finding: Finding
    message: Words
    action: Words | None
    details: dict[str, Any]

    @property
    def severity(self) -> Severity:
        return self.finding.severity

    @property
    def decisions(self) -> frozenset[Decision]:
        return self.finding.decisions

    @property
    def remedy(self) -> Remedy | None:
        return self.finding.remedy


def show(diagnosis: Diagnosis, found: Finding) -> Shown:
    ja, en = diagnosis.action(found, "ja"), diagnosis.action(found, "en")
    return Shown(
        found,
        Words(diagnosis.message(found, "ja"), diagnosis.message(found, "en")),
        None if ja is None or en is None else Words(ja, en),
        found.details_json(),
    )


def finding(diagnosis: Diagnosis, code: FindingCode) -> Any:
    found = diagnosis.finding(code)
    assert found is not None, f"{code} not in {codes(diagnosis)}"
    return show(diagnosis, found)


def action_ja(diagnosis: Diagnosis, code: FindingCode) -> str:
    text = finding(diagnosis, code).action
    assert text is not None
    return str(text.ja)


# -- the scenarios, by the codes they must produce -------------------------------------------


def _healthy_card(kit: Kit) -> CardFacts:
    return kit.facts()


@dataclass(frozen=True)
class Scenario:
    """Hand-made facts and the dates staff gave; the codes and exit status they must give."""

    expected: set[str]
    exit_status: int
    facts: Callable[[Kit], CardFacts] = _healthy_card
    known: dict[str, Any] = field(default_factory=dict)

    def diagnose(self, kit: Kit) -> Diagnosis:
        return run(kit, self.facts(kit), **self.known)


SCENARIOS: dict[str, Scenario] = {
    "healthy": Scenario({"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, 0),
    "not a card": Scenario(
        {"not_a_my_number_card"}, 11, lambda kit: CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD)
    ),
    "smartphone": Scenario(
        {"smartphone_token"},
        10,
        lambda kit: kit.token_facts(
            TokenKind.ANDROID,
            auth_certificate=None,
            auth_certificate_problem=Problem.PIN_REQUIRED,
            card_record=None,
            card_record_problem=Problem.ABSENT,
        ),
    ),
    "juki card": Scenario(
        {"juki_card"},
        11,
        lambda kit: kit.token_facts(
            TokenKind.JUKI_CARD, auth_certificate=kit.auth(date(2015, 6, 1), date(2018, 6, 1))
        ),
    ),
    "sign blocked, auth last try": Scenario(
        {"sign_pin_blocked", "auth_pin_last_try", "card_ok"},
        11,
        lambda kit: kit.facts(pins=kit.pins(sign=0, auth=1)),
    ),
    "other PINs": Scenario(
        {"card_info_pin_blocked", "juki_pin_last_try", "sign_pin_last_try"},
        11,
        lambda kit: kit.facts(pins=kit.pins(card_info=0, juki=1, sign=1)),
    ),
    "auth and juki blocked, card-info last try": Scenario(
        {"auth_pin_blocked", "juki_pin_blocked", "card_info_pin_last_try"},
        11,
        lambda kit: kit.facts(pins=kit.pins(auth=0, card_info=1, juki=0)),
    ),
    # Expired 2026-10-05: health-insurance checks still work to 2027-01-31 (a decision).
    "auth expired": Scenario(
        {"auth_cert_expired", "sign_cert_expired", "unconfirmed_rule"},
        11,
        lambda kit: kit.facts(auth_certificate=kit.auth(date(2021, 9, 1), date(2026, 10, 5))),
    ),
    "renewable": Scenario(
        {"auth_cert_renewable", "sign_cert_renewable", "card_ok", "pins_ok"},
        10,
        lambda kit: kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15))),
    ),
    "card renewable": Scenario(
        {"card_renewable", "auth_cert_renewable"},
        10,
        lambda kit: kit.card_until(date(2027, 1, 10), date(2022, 1, 5)),
    ),
    "card expired": Scenario(
        {"card_expired", "auth_cert_expired", "sign_cert_expired"},
        11,
        lambda kit: kit.expired_card(),
    ),
    "no card record": Scenario(
        {"card_expiry_unknown", "auth_cert_ok"},
        10,
        lambda kit: kit.facts(card_record=None, card_record_problem=Problem.UNREADABLE),
    ),
    "auth absent": Scenario(
        {"auth_cert_absent", "sign_cert_absent"},
        10,
        lambda kit: kit.facts(
            availability=Availability(bytes(3)),
            auth_certificate=None,
            auth_certificate_problem=Problem.ABSENT,
        ),
    ),
    "auth unreadable": Scenario(
        {"auth_cert_unreadable", "sign_cert_present"},
        10,
        lambda kit: kit.facts(auth_certificate=None, auth_certificate_problem=Problem.UNREADABLE),
    ),
    # Issued Saturday 2026-11-21; 2026-11-23 is a national holiday.
    "new certificate": Scenario(
        {"auth_cert_ok", "auth_cert_store_pending"},
        10,
        lambda kit: kit.facts(auth_certificate=kit.auth(date(2026, 11, 21), date(2031, 4, 12))),
    ),
    "sign absent, reason unknown": Scenario(
        {"sign_cert_absent", "pins_ok"},
        10,
        lambda kit: kit.facts(availability=Availability(kit.auth_only)),
    ),
    "face-auth": Scenario(
        {"sign_cert_absent", "card_ok", "auth_cert_ok"},
        0,
        lambda kit: kit.facts(availability=Availability(kit.auth_only)),
        {"face_auth": True},
    ),
    "dates match the chip": Scenario(
        {"card_ok", "auth_cert_ok", "sign_cert_ok", "pins_ok"},
        0,
        known={"birth": ADULT_BIRTH, "card_issued": ADULT_CARD_ISSUED},
    ),
    "dates do not match": Scenario(
        {"cert_expiry_mismatch", "card_expiry_mismatch"},
        10,
        known={"birth": date(1985, 4, 13), "card_issued": ADULT_CARD_ISSUED},
    ),
    "period of stay": Scenario(
        {"residence_period_limit", "card_ok"},
        10,
        lambda kit: kit.card_until(date(2028, 3, 31), date(2025, 4, 15)),
        {"residence_until": date(2028, 3, 31)},
    ),
    "chain ok": Scenario(
        {"chain_ok"},
        0,
        lambda kit: kit.facts(chain=ChainFacts(None, None, True, IssuerClass.PRODUCTION)),
    ),
    "chain from a simulator": Scenario(
        {"chain_not_production"},
        10,
        lambda kit: kit.facts(chain=ChainFacts(None, None, True, IssuerClass.SIMULATED)),
    ),
    "chain broken": Scenario(
        {"chain_invalid"},
        11,
        lambda kit: kit.facts(
            chain=ChainFacts(None, None, False, IssuerClass.SIMULATED, "no anchor verifies it")
        ),
    ),
}


def every_scenario(kit: Kit) -> list[Diagnosis]:
    return [scenario.diagnose(kit) for scenario in SCENARIOS.values()]


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_codes_and_exit_status(kit: Kit, name: str) -> None:
    scenario = SCENARIOS[name]
    diagnosis = scenario.diagnose(kit)
    assert scenario.expected <= codes(diagnosis)
    assert diagnosis.exit_status == scenario.exit_status
    ranks = [f.severity.rank for f in diagnosis.findings]
    assert ranks == sorted(ranks, reverse=True), "worst first"


def test_the_scenarios_produce_every_finding_code(kit: Kit) -> None:
    produced: set[str] = set()
    for diagnosis in every_scenario(kit):
        produced |= codes(diagnosis)
    assert {code.value for code in FindingCode} <= produced


# -- details of single findings ----------------------------------------------------------------


def test_healthy_card_says_what_the_chip_cannot_show(kit: Kit) -> None:
    diagnosis = run(kit)
    sign = finding(diagnosis, FindingCode.SIGN_CERT_PRESENT)
    assert sign.severity is Severity.OK
    assert "暗証番号がないと読み取れません" in sign.message.ja
    assert "2029年4月12日" in sign.message.ja
    auth = finding(diagnosis, FindingCode.AUTH_CERT_OK)
    assert auth.details["renewal_from"] == "2029-01-13"
    assert auth.details["days_left"] == (kit.cert_expiry - kit.today).days
    assert diagnosis.severity is Severity.OK


def test_not_a_card_has_only_that_finding(kit: Kit) -> None:
    diagnosis = run(kit, CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD))
    assert diagnosis.codes == (FindingCode.NOT_A_MY_NUMBER_CARD,)
    assert diagnosis.severity is Severity.ACTION_NEEDED


def test_blocked_sign_password_offers_counter_and_store_route(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(pins=kit.pins(sign=0)))
    blocked = finding(diagnosis, FindingCode.SIGN_PIN_BLOCKED)
    assert blocked.severity is Severity.ACTION_NEEDED
    assert blocked.details["convenience_store_route"] == "possible"
    text = action_ja(diagnosis, FindingCode.SIGN_PIN_BLOCKED)
    for phrase in (
        "戸籍住民課窓口（文京シビックセンター2階）",
        "本人確認書類",
        "初期化（再設定）",
        "利用者証明用の暗証番号（数字4桁）",
        "24時間以内",
        "マルチコピー機",
        "午前6時30分～午後11時",
        "水曜日は午後7時30分まで",
    ):
        assert phrase in text
    assert "残り1回" not in text


def test_blocked_pin_warns_when_the_other_pin_has_one_try(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(pins=kit.pins(sign=0, auth=1)))
    assert "残り1回" in action_ja(diagnosis, FindingCode.SIGN_PIN_BLOCKED)
    last = finding(diagnosis, FindingCode.AUTH_PIN_LAST_TRY)
    assert last.severity is Severity.ATTENTION
    assert "あと1回間違えるとロック" in last.message.ja
    assert "入力しないでください" in action_ja(diagnosis, FindingCode.AUTH_PIN_LAST_TRY)


def test_both_jpki_pins_blocked_leaves_only_the_counter(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(pins=kit.pins(sign=0, auth=0)))
    for code in (FindingCode.AUTH_PIN_BLOCKED, FindingCode.SIGN_PIN_BLOCKED):
        text = action_ja(diagnosis, code)
        assert "どちらもロック" in text
        assert "マルチコピー機" not in text
        assert finding(diagnosis, code).details["convenience_store_route"] == "other_blocked"


def test_auth_pin_store_route_needs_the_signature_certificate(kit: Kit) -> None:
    facts = kit.facts(availability=Availability(kit.auth_only), pins=kit.pins(auth=0))
    diagnosis = run(kit, facts)
    text = action_ja(diagnosis, FindingCode.AUTH_PIN_BLOCKED)
    assert "署名用電子証明書が搭載されていない" in text
    assert "マルチコピー機" not in text


@pytest.mark.parametrize("kind", [PinKind.CARD_INFO, PinKind.JUKI])
def test_four_digit_pins_are_reset_at_the_counter_only(kit: Kit, kind: PinKind) -> None:
    diagnosis = run(kit, kit.facts(pins=kit.pins(**{kind.json_key: 0})))
    code = FindingCode.pin_blocked(kind)
    text = action_ja(diagnosis, code)
    assert "戸籍住民課窓口" in text
    assert "コンビニ" not in text
    assert finding(diagnosis, code).details["convenience_store_route"] == "not_applicable"


@pytest.mark.parametrize("kind", list(PinKind))
def test_every_pin_has_blocked_and_last_try_codes(kit: Kit, kind: PinKind) -> None:
    blocked = run(kit, kit.facts(pins=kit.pins(**{kind.json_key: 0})))
    assert finding(blocked, FindingCode.pin_blocked(kind)).severity is Severity.ACTION_NEEDED
    last = run(kit, kit.facts(pins=kit.pins(**{kind.json_key: 1})))
    assert finding(last, FindingCode.pin_last_try(kind)).severity is Severity.ATTENTION
    assert FindingCode.PINS_OK not in last.codes


def test_spent_tries_still_ok_and_say_they_come_back(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(pins=kit.pins(sign=3)))
    ok = finding(diagnosis, FindingCode.PINS_OK)
    assert "署名用 3/5回" in ok.message.ja
    assert "元に戻ります" in ok.message.ja
    assert ok.details["sign"] == 3


def test_unqueried_pins_are_left_out(kit: Kit) -> None:
    pins = (*kit.pins()[:2], PinFact(PinKind.CARD_INFO, None, Problem.ABSENT))
    diagnosis = run(kit, kit.facts(pins=pins))
    assert "券面事項入力補助用" not in finding(diagnosis, FindingCode.PINS_OK).message.ja


def test_expired_auth_certificate_is_reissued_free_and_flags_the_insurance_grace(
    kit: Kit,
) -> None:
    diagnosis = run(kit, kit.facts(auth_certificate=kit.auth(date(2021, 9, 1), date(2026, 10, 5))))
    expired = finding(diagnosis, FindingCode.AUTH_CERT_EXPIRED)
    assert "2026年10月5日" in expired.message.ja
    assert "2027年1月31日" in expired.message.ja  # end of October + 3 months
    # The grace is a value staff double-check; the smartphone-certificate sentence of the
    # remedy is advice resting on a decision too (marked, listed with the notes).
    assert expired.decisions == {
        Decision.HEALTH_INSURANCE_GRACE,
        Decision.SMARTPHONE_CERT_ON_RENEWAL,
    }
    assert "無料" in action_ja(diagnosis, FindingCode.AUTH_CERT_EXPIRED)
    sign = finding(diagnosis, FindingCode.SIGN_CERT_EXPIRED)
    assert sign.details["basis"] == "capped_by_auth"
    unconfirmed = finding(diagnosis, FindingCode.UNCONFIRMED_RULE)
    assert unconfirmed.severity is Severity.ATTENTION
    assert unconfirmed.details["decisions"] == ["health_insurance_grace"]
    assert "利用者証明用電子証明書" in unconfirmed.message.ja
    text = "\n".join(render_text(diagnosis, "ja"))
    assert "[要対応] ※ 利用者証明用電子証明書の有効期限（2026年10月5日）" in text


def test_long_expired_certificate_has_no_grace_left(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(auth_certificate=kit.auth(date(2019, 10, 1), date(2024, 8, 8))))
    decisions = finding(diagnosis, FindingCode.AUTH_CERT_EXPIRED).decisions
    assert Decision.HEALTH_INSURANCE_GRACE not in decisions
    assert "health_insurance_until" not in finding(diagnosis, FindingCode.AUTH_CERT_EXPIRED).details
    assert FindingCode.UNCONFIRMED_RULE not in diagnosis.codes


def test_renewable_certificates_say_from_when_where_and_free(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15))))
    renewable = finding(diagnosis, FindingCode.AUTH_CERT_RENEWABLE)
    assert "2026年10月16日から" in renewable.message.ja
    assert "あと54日" in renewable.message.ja
    text = action_ja(diagnosis, FindingCode.AUTH_CERT_RENEWABLE)
    assert "2つの電子証明書をまとめて" in text
    assert "無料" in text
    assert "通知書が届く前でも" in text
    assert renewable.action.en.startswith("Renew both certificates at the Family Register")
    sign = finding(diagnosis, FindingCode.SIGN_CERT_RENEWABLE)
    assert sign.details["basis"] == "capped_by_auth"
    assert "暗証番号がないと読み取れません" in sign.message.ja


def test_certificates_ending_with_the_card_come_with_the_new_card(kit: Kit) -> None:
    diagnosis = SCENARIOS["card renewable"].diagnose(kit)
    assert "カードの申請" in action_ja(diagnosis, FindingCode.AUTH_CERT_RENEWABLE)
    card = action_ja(diagnosis, FindingCode.CARD_RENEWABLE)
    assert "郵送" in card and "無料" in card and "予約制" in card


def test_expired_card_needs_a_new_card(kit: Kit) -> None:
    diagnosis = SCENARIOS["card expired"].diagnose(kit)
    assert "新しいカードの申請が必要" in action_ja(diagnosis, FindingCode.CARD_EXPIRED)
    assert "新しいカード" in action_ja(diagnosis, FindingCode.AUTH_CERT_EXPIRED)


def test_expired_card_of_a_foreign_resident_is_reissued_for_a_fee(kit: Kit) -> None:
    facts = kit.card_until(date(2026, 3, 31), date(2025, 4, 15))
    diagnosis = run(kit, facts, residence_until=date(2026, 3, 31))
    assert "有料" in action_ja(diagnosis, FindingCode.CARD_EXPIRED)
    assert FindingCode.RESIDENCE_PERIOD_LIMIT not in diagnosis.codes


def test_missing_card_record_uses_the_computed_expiry_when_dates_are_given(kit: Kit) -> None:
    facts = kit.facts(card_record=None, card_record_problem=Problem.ABSENT)
    diagnosis = run(kit, facts, birth=ADULT_BIRTH, card_issued=ADULT_CARD_ISSUED)
    card = finding(diagnosis, FindingCode.CARD_OK)
    assert card.details["basis"] == "computed"
    assert card.details["expiry"] == "2034-04-12"
    assert "計算した日付" in card.message.ja


def test_store_pending_names_the_first_morning(kit: Kit) -> None:
    issued = date(2026, 11, 21)
    diagnosis = run(kit, kit.facts(auth_certificate=kit.auth(issued, date(2031, 4, 12))))
    usable = convenience_store_usable_from(issued).value.date()
    assert usable > kit.today
    pending = finding(diagnosis, FindingCode.AUTH_CERT_STORE_PENDING)
    assert pending.details["convenience_store_from"] == f"{usable}T06:30+09:00"
    assert f"{usable.month}月{usable.day}日の午前6時30分から" in pending.message.ja


def issued_without_a_signature_certificate(kit: Kit, birth: date) -> Diagnosis:
    """A card issued on 2023-09-05 with no signature certificate, to a holder born on *birth*."""
    facts = kit.card_until(
        date(2028, 8, 20), date(2023, 9, 5), availability=Availability(kit.auth_only)
    )
    return run(kit, facts, birth=birth, card_issued=date(2023, 9, 5))


def test_sign_absent_for_an_under_15_is_expected(kit: Kit) -> None:
    diagnosis = issued_without_a_signature_certificate(kit, birth=date(2015, 8, 20))
    absent = finding(diagnosis, FindingCode.SIGN_CERT_ABSENT)
    assert absent.severity is Severity.OK
    assert absent.details["reason"] == "under_15"
    assert "15歳未満" in absent.message.ja
    assert diagnosis.exit_status == 0


def test_sign_absent_after_turning_15_can_be_applied_for(kit: Kit) -> None:
    diagnosis = issued_without_a_signature_certificate(kit, birth=date(2011, 8, 20))
    absent = finding(diagnosis, FindingCode.SIGN_CERT_ABSENT)
    assert absent.severity is Severity.ATTENTION
    assert "15歳になられている" in action_ja(diagnosis, FindingCode.SIGN_CERT_ABSENT)


def test_sign_absent_without_dates_lists_the_possible_reasons(kit: Kit) -> None:
    diagnosis = run(kit, kit.facts(availability=Availability(kit.auth_only)))
    absent = finding(diagnosis, FindingCode.SIGN_CERT_ABSENT)
    assert absent.details == {"reason": "unknown", "availability": "008F00"}
    assert "顔認証マイナンバーカード" in absent.message.ja
    assert "15歳未満" in absent.message.ja


def test_face_auth_card_skips_pins(kit: Kit) -> None:
    facts = kit.facts(availability=Availability(kit.auth_only), pins=kit.pins(auth=0))
    diagnosis = run(kit, facts, face_auth=True)
    absent = finding(diagnosis, FindingCode.SIGN_CERT_ABSENT)
    assert absent.details["reason"] == "face_auth"
    assert "コンビニ交付" in absent.message.ja
    assert not any("pin" in code for code in codes(diagnosis))


def test_sign_certificate_from_dates_is_marked_as_computed(kit: Kit) -> None:
    diagnosis = run(kit, birth=ADULT_BIRTH, card_issued=ADULT_CARD_ISSUED)
    sign = finding(diagnosis, FindingCode.SIGN_CERT_OK)
    assert sign.details["basis"] == "computed"
    assert sign.details["expiry"] == "2029-04-12"
    assert sign.details["issue_date_assumed"] is True
    assert "入力された生年月日と発行日から計算" in sign.message.ja
    built = diagnosis.rule_inputs
    assert built is not None and built.auth_issued_from_chip
    assert built.inputs.auth_cert_issued == ADULT_CARD_ISSUED


def test_sign_certificate_renewable_and_expired_from_dates(kit: Kit) -> None:
    # The signature certificate was issued earlier than the auth one: it ends a birthday sooner.
    def signature_certificate_of(issued: date) -> Diagnosis:
        """The card and its signature certificate issued on *issued*, the auth one 2024-06-03."""
        return run(
            kit,
            birth=date(1982, 1, 15),
            card_issued=issued,
            auth_cert_issued=date(2024, 6, 3),
            sign_cert_issued=issued,
        )

    renewable = signature_certificate_of(date(2022, 12, 1))
    assert finding(renewable, FindingCode.SIGN_CERT_RENEWABLE).details["expiry"] == "2027-01-15"
    expired = signature_certificate_of(date(2021, 12, 1))
    sign = finding(expired, FindingCode.SIGN_CERT_EXPIRED)
    assert sign.details["expiry"] == "2026-01-15"
    assert "無料" in action_ja(expired, FindingCode.SIGN_CERT_EXPIRED)


def test_mismatch_names_the_likely_reason(kit: Kit) -> None:
    diagnosis = run(kit, birth=date(1985, 4, 13), card_issued=ADULT_CARD_ISSUED)
    mismatch = finding(diagnosis, FindingCode.CERT_EXPIRY_MISMATCH)
    assert mismatch.details["actual"] == "2029-04-12"
    assert mismatch.details["expected"] == "2029-04-13"
    assert mismatch.details["reason"] == "residence_limited"
    assert "考えられる理由" in mismatch.message.ja
    assert "カードに記録された日付が正式な有効期限" in action_ja(
        diagnosis, FindingCode.CERT_EXPIRY_MISMATCH
    )


def test_feb29_birth_flags_the_unconfirmed_reading(kit: Kit) -> None:
    facts = kit.card_until(date(2035, 2, 28), date(2025, 6, 1), date(2030, 2, 28))
    diagnosis = run(kit, facts, birth=date(2000, 2, 29), card_issued=date(2025, 6, 1))
    sign = finding(diagnosis, FindingCode.SIGN_CERT_OK)
    assert Decision.FEB29 in sign.decisions
    unconfirmed = finding(diagnosis, FindingCode.UNCONFIRMED_RULE)
    assert "feb29" in unconfirmed.details["decisions"]
    assert "2月29日" in unconfirmed.message.ja
    assert diagnosis.decisions[Decision.FEB29] == (FindingCode.SIGN_CERT_OK,)


def test_residence_period_limit_explains_the_extension(kit: Kit) -> None:
    diagnosis = SCENARIOS["period of stay"].diagnose(kit)
    limit = finding(diagnosis, FindingCode.RESIDENCE_PERIOD_LIMIT)
    assert "自動的に更新されません" in limit.message.ja
    assert "新しい在留カード" in action_ja(diagnosis, FindingCode.RESIDENCE_PERIOD_LIMIT)


def test_impossible_dates_raise() -> None:
    with pytest.raises(CircumstancesError):
        Circumstances(birth=date(1990, 1, 1))
    with pytest.raises(CircumstancesError):
        Circumstances(application_received=date(2020, 1, 1))


def test_contradicting_dates_raise_rules_input_error(kit: Kit) -> None:
    with pytest.raises(RulesInputError):
        run(kit, birth=date(2025, 1, 1), card_issued=date(2024, 6, 3))


def test_severity_exit_statuses_are_the_cli_exit_codes() -> None:
    assert Severity.OK.exit_status == ExitCode.OK
    assert Severity.ATTENTION.exit_status == ExitCode.ATTENTION
    assert Severity.ACTION_NEEDED.exit_status == ExitCode.ACTION_NEEDED


def test_every_finding_has_both_languages(kit: Kit) -> None:
    for diagnosis in every_scenario(kit):
        for each in diagnosis.findings:
            found = show(diagnosis, each)
            assert found.message.ja and found.message.en
            assert "{" not in found.message.ja + found.message.en
            if each.remedy is not None:
                assert found.action is not None
                assert found.action.ja and found.action.en
            else:
                assert found.action is None
            assert diagnosis.finding_json(each, "en")["message"] == found.message.en


def test_engine_is_pure(kit: Kit) -> None:
    facts = kit.facts(pins=kit.pins(sign=0))
    first = diagnose(facts, kit.today)
    second = diagnose(facts, kit.today)
    assert first.to_json("ja") == second.to_json("ja")
    later = diagnose(facts, kit.today + timedelta(days=1))
    assert later.today != first.today


def test_custom_municipality_is_used_in_actions(kit: Kit) -> None:
    office = default_municipality()
    from dataclasses import replace

    from jpki.diagnosis import Localized

    other = replace(office, location=Localized.of(ja="本庁舎1階", en="1st floor, main building"))
    diagnosis = diagnose(kit.facts(pins=kit.pins(juki=0)), kit.today, municipality=other)
    assert "戸籍住民課窓口（本庁舎1階）" in action_ja(diagnosis, FindingCode.JUKI_PIN_BLOCKED)


@pytest.mark.parametrize(
    "dates",
    [
        {"birth": ADULT_BIRTH, "card_issued": ADULT_CARD_ISSUED},
        {"birth": date(1985, 4, 13), "card_issued": ADULT_CARD_ISSUED},
        {
            "birth": date(1982, 1, 15),
            "card_issued": date(2022, 12, 1),
            "auth_cert_issued": date(2024, 6, 3),
            "sign_cert_issued": date(2022, 12, 1),
        },
    ],
)
def test_the_rules_own_inputs_are_taken_as_they_are(kit: Kit, dates: dict[str, Any]) -> None:
    from jpki.rules import ExpiryInputs

    facts = kit.facts(pins=kit.pins(sign=1))
    by_rules = diagnose(facts, kit.today, circumstances=ExpiryInputs(**dates))
    by_circumstances = diagnose(facts, kit.today, circumstances=Circumstances(**dates))
    assert by_rules.to_json("ja") == by_circumstances.to_json("ja")
    built = by_rules.rule_inputs
    assert built is not None
    # The chip's issue date fills in what the rules' inputs left open, nothing else.
    assert built.inputs.auth_cert_issued == dates.get("auth_cert_issued", kit.cert_issued)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_scenario_renders_to_plain_json_in_the_language(kit: Kit, lang: str) -> None:
    import json

    for diagnosis in every_scenario(kit):
        rendered = diagnosis.to_json(lang)
        assert json.loads(json.dumps(rendered, ensure_ascii=False)) == rendered
        assert rendered["lang"] == lang
        for each, shown in zip(diagnosis.findings, rendered["findings"], strict=True):
            assert shown["message"] == diagnosis.message(each, lang)
            assert shown["action"] == diagnosis.action(each, lang)
            assert shown["remedy"] == (None if each.remedy is None else each.remedy.value)
        timeline = rendered["timeline"]
        assert timeline["today"] == kit.today.isoformat()
        for item in ("card", "auth_cert", "sign_cert"):
            dates = timeline[item]
            if dates is not None:
                for key in ("expiry", "renewal_from", "renewal_until"):
                    assert date.fromisoformat(dates[key])
                assert dates["renewal_from"] <= dates["renewal_until"]


def test_text_report_and_json_say_the_same(kit: Kit) -> None:
    for diagnosis in every_scenario(kit):
        lines = "\n".join(render_text(diagnosis, "ja"))
        for shown in diagnosis.to_json("ja")["findings"]:
            assert shown["message"] in lines
            if shown["action"] is not None:
                assert shown["action"] in lines
        for note in diagnosis.to_json("ja")["notes"]:
            assert note in lines


def test_an_unknown_language_is_refused(kit: Kit) -> None:
    with pytest.raises(ValueError, match="no texts in language"):
        run(kit).to_json("xx")


def test_findings_carry_judgments_not_words(kit: Kit) -> None:
    import re
    from enum import Enum

    identifier = re.compile(r"^[A-Za-z0-9_.:+-]*$")

    def check(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                check(item)
        elif isinstance(value, str) and not isinstance(value, Enum):
            assert identifier.match(value), f"words in a finding: {value!r}"
        else:
            assert value is None or isinstance(value, date | int | bool | Enum), value

    extra = [
        run(kit, birth=date(1985, 4, 13), card_issued=ADULT_CARD_ISSUED),
        run(kit, kit.facts(chain=ChainFacts(None, None, False, IssuerClass.TEST, "no anchor"))),
    ]
    for diagnosis in every_scenario(kit) + extra:
        for found in diagnosis.findings:
            for value in found.details.values():
                check(value)
