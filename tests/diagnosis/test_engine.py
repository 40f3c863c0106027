"""The diagnosis engine on hand-made facts: every finding code, its severity and its wording."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
from jpki.models import Availability, TokenInfo
from jpki.rules import Decision, RulesInputError, convenience_store_usable_from

Kit = Any
Scenario = Callable[[Kit], Diagnosis]

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

SCENARIOS: dict[str, tuple[Scenario, set[str], int]] = {}


def scenario(name: str, expected: set[str], exit_status: int) -> Callable[[Scenario], Scenario]:
    def register(build: Scenario) -> Scenario:
        SCENARIOS[name] = (build, expected, exit_status)
        return build

    return register


@scenario("healthy", {"card_ok", "auth_cert_ok", "sign_cert_present", "pins_ok"}, 0)
def _healthy(kit: Kit) -> Diagnosis:
    return run(kit)


@scenario("not a card", {"not_a_my_number_card"}, 11)
def _not_a_card(kit: Kit) -> Diagnosis:
    return run(kit, CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD))


@scenario("smartphone", {"smartphone_token"}, 10)
def _smartphone(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        chip=ChipKind.SMARTPHONE,
        token=TokenInfo(TokenKind.ANDROID.value, TokenKind.ANDROID),
        auth_certificate=None,
        auth_certificate_problem=Problem.PIN_REQUIRED,
        card_record=None,
        card_record_problem=Problem.ABSENT,
    )
    return run(kit, facts)


@scenario("juki card", {"juki_card"}, 11)
def _juki(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        chip=ChipKind.JUKI_CARD,
        token=TokenInfo(TokenKind.JUKI_CARD.value, TokenKind.JUKI_CARD),
        auth_certificate=kit.auth(date(2015, 6, 1), date(2018, 6, 1)),
    )
    return run(kit, facts)


@scenario("sign blocked, auth last try", {"sign_pin_blocked", "auth_pin_last_try", "card_ok"}, 11)
def _blocked(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(pins=kit.pins(sign=0, auth=1)))


@scenario("other PINs", {"card_info_pin_blocked", "juki_pin_last_try", "sign_pin_last_try"}, 11)
def _other_pins(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(pins=kit.pins(card_info=0, juki=1, sign=1)))


@scenario(
    "auth and juki blocked, card-info last try",
    {"auth_pin_blocked", "juki_pin_blocked", "card_info_pin_last_try"},
    11,
)
def _auth_blocked(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(pins=kit.pins(auth=0, card_info=1, juki=0)))


@scenario("auth expired", {"auth_cert_expired", "sign_cert_expired", "unconfirmed_rule"}, 11)
def _auth_expired(kit: Kit) -> Diagnosis:
    # Expired 2026-10-05: health-insurance checks still work to 2027-01-31 (a decision).
    return run(kit, kit.facts(auth_certificate=kit.auth(date(2021, 9, 1), date(2026, 10, 5))))


@scenario("renewable", {"auth_cert_renewable", "sign_cert_renewable", "card_ok", "pins_ok"}, 10)
def _renewable(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15))))


@scenario("card renewable", {"card_renewable", "auth_cert_renewable"}, 10)
def _card_renewable(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2022, 1, 5), date(2027, 1, 10)),
        card_record=kit.record(date(2027, 1, 10)),
    )
    return run(kit, facts)


@scenario("card expired", {"card_expired", "auth_cert_expired", "sign_cert_expired"}, 11)
def _card_expired(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2016, 3, 1), date(2021, 3, 1)),
        card_record=kit.record(date(2026, 3, 1)),
    )
    return run(kit, facts)


@scenario("no card record", {"card_expiry_unknown", "auth_cert_ok"}, 10)
def _no_record(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(card_record=None, card_record_problem=Problem.UNREADABLE))


@scenario("auth absent", {"auth_cert_absent", "sign_cert_absent"}, 10)
def _auth_absent(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        availability=Availability(bytes(3)),
        auth_certificate=None,
        auth_certificate_problem=Problem.ABSENT,
    )
    return run(kit, facts)


@scenario("auth unreadable", {"auth_cert_unreadable", "sign_cert_present"}, 10)
def _auth_unreadable(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(auth_certificate=None, auth_certificate_problem=Problem.UNREADABLE))


@scenario("new certificate", {"auth_cert_ok", "auth_cert_store_pending"}, 10)
def _store_pending(kit: Kit) -> Diagnosis:
    # Issued Saturday 2026-11-21; 2026-11-23 is a national holiday.
    return run(kit, kit.facts(auth_certificate=kit.auth(date(2026, 11, 21), date(2031, 4, 12))))


@scenario("sign absent, reason unknown", {"sign_cert_absent", "pins_ok"}, 10)
def _sign_absent(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(availability=Availability(kit.auth_only)))


@scenario("face-auth", {"sign_cert_absent", "card_ok", "auth_cert_ok"}, 0)
def _face_auth(kit: Kit) -> Diagnosis:
    return run(kit, kit.facts(availability=Availability(kit.auth_only)), face_auth=True)


@scenario("dates match the chip", {"card_ok", "auth_cert_ok", "sign_cert_ok", "pins_ok"}, 0)
def _dates_match(kit: Kit) -> Diagnosis:
    return run(kit, birth=ADULT_BIRTH, card_issued=ADULT_CARD_ISSUED)


@scenario("dates do not match", {"cert_expiry_mismatch", "card_expiry_mismatch"}, 10)
def _dates_differ(kit: Kit) -> Diagnosis:
    return run(kit, birth=date(1985, 4, 13), card_issued=ADULT_CARD_ISSUED)


@scenario("period of stay", {"residence_period_limit", "card_ok"}, 10)
def _residence(kit: Kit) -> Diagnosis:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2025, 4, 15), date(2028, 3, 31)),
        card_record=kit.record(date(2028, 3, 31)),
    )
    return run(kit, facts, residence_until=date(2028, 3, 31))


@scenario("chain ok", {"chain_ok"}, 0)
def _chain_ok(kit: Kit) -> Diagnosis:
    chain = ChainFacts(None, None, True, IssuerClass.PRODUCTION)
    return run(kit, kit.facts(chain=chain))


@scenario("chain from a simulator", {"chain_not_production"}, 10)
def _chain_sim(kit: Kit) -> Diagnosis:
    chain = ChainFacts(None, None, True, IssuerClass.SIMULATED)
    return run(kit, kit.facts(chain=chain))


@scenario("chain broken", {"chain_invalid"}, 11)
def _chain_broken(kit: Kit) -> Diagnosis:
    chain = ChainFacts(None, None, False, IssuerClass.SIMULATED, "no anchor verifies it")
    return run(kit, kit.facts(chain=chain))


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_codes_and_exit_status(kit: Kit, name: str) -> None:
    build, expected, exit_status = SCENARIOS[name]
    diagnosis = build(kit)
    assert expected <= codes(diagnosis)
    assert diagnosis.exit_status == exit_status
    ranks = [f.severity.rank for f in diagnosis.findings]
    assert ranks == sorted(ranks, reverse=True), "worst first"


def test_the_scenarios_produce_every_finding_code(kit: Kit) -> None:
    produced: set[str] = set()
    for build, _, _ in SCENARIOS.values():
        produced |= codes(build(kit))
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
    assert expired.decisions == {Decision.HEALTH_INSURANCE_GRACE}
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
    assert not finding(diagnosis, FindingCode.AUTH_CERT_EXPIRED).decisions
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
    facts = kit.facts(
        auth_certificate=kit.auth(date(2022, 1, 5), date(2027, 1, 10)),
        card_record=kit.record(date(2027, 1, 10)),
    )
    diagnosis = run(kit, facts)
    assert "カードの申請" in action_ja(diagnosis, FindingCode.AUTH_CERT_RENEWABLE)
    card = action_ja(diagnosis, FindingCode.CARD_RENEWABLE)
    assert "郵送" in card and "無料" in card and "予約制" in card


def test_expired_card_needs_a_new_card(kit: Kit) -> None:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2016, 3, 1), date(2021, 3, 1)),
        card_record=kit.record(date(2026, 3, 1)),
    )
    diagnosis = run(kit, facts)
    assert "新しいカードの申請が必要" in action_ja(diagnosis, FindingCode.CARD_EXPIRED)
    assert "新しいカード" in action_ja(diagnosis, FindingCode.AUTH_CERT_EXPIRED)


def test_expired_card_of_a_foreign_resident_is_reissued_for_a_fee(kit: Kit) -> None:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2025, 4, 15), date(2026, 3, 31)),
        card_record=kit.record(date(2026, 3, 31)),
    )
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


def test_sign_absent_for_an_under_15_is_expected(kit: Kit) -> None:
    facts = kit.facts(
        availability=Availability(kit.auth_only),
        auth_certificate=kit.auth(date(2023, 9, 5), date(2028, 8, 20)),
        card_record=kit.record(date(2028, 8, 20)),
    )
    diagnosis = run(kit, facts, birth=date(2015, 8, 20), card_issued=date(2023, 9, 5))
    absent = finding(diagnosis, FindingCode.SIGN_CERT_ABSENT)
    assert absent.severity is Severity.OK
    assert absent.details["reason"] == "under_15"
    assert "15歳未満" in absent.message.ja
    assert diagnosis.exit_status == 0


def test_sign_absent_after_turning_15_can_be_applied_for(kit: Kit) -> None:
    facts = kit.facts(
        availability=Availability(kit.auth_only),
        auth_certificate=kit.auth(date(2023, 9, 5), date(2028, 8, 20)),
        card_record=kit.record(date(2028, 8, 20)),
    )
    diagnosis = run(kit, facts, birth=date(2011, 8, 20), card_issued=date(2023, 9, 5))
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
    renewable = run(
        kit,
        birth=date(1982, 1, 15),
        card_issued=date(2022, 12, 1),
        auth_cert_issued=date(2024, 6, 3),
        sign_cert_issued=date(2022, 12, 1),
    )
    assert finding(renewable, FindingCode.SIGN_CERT_RENEWABLE).details["expiry"] == "2027-01-15"
    expired = run(
        kit,
        birth=date(1982, 1, 15),
        card_issued=date(2021, 12, 1),
        auth_cert_issued=date(2024, 6, 3),
        sign_cert_issued=date(2021, 12, 1),
    )
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
    facts = kit.facts(
        auth_certificate=kit.auth(date(2025, 6, 1), date(2030, 2, 28)),
        card_record=kit.record(date(2035, 2, 28)),
    )
    diagnosis = run(kit, facts, birth=date(2000, 2, 29), card_issued=date(2025, 6, 1))
    sign = finding(diagnosis, FindingCode.SIGN_CERT_OK)
    assert Decision.FEB29 in sign.decisions
    unconfirmed = finding(diagnosis, FindingCode.UNCONFIRMED_RULE)
    assert "feb29" in unconfirmed.details["decisions"]
    assert "2月29日" in unconfirmed.message.ja
    assert diagnosis.decisions[Decision.FEB29] == (FindingCode.SIGN_CERT_OK,)


def test_residence_period_limit_explains_the_extension(kit: Kit) -> None:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2025, 4, 15), date(2028, 3, 31)),
        card_record=kit.record(date(2028, 3, 31)),
    )
    diagnosis = run(kit, facts, residence_until=date(2028, 3, 31))
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
    for build, _, _ in SCENARIOS.values():
        diagnosis = build(kit)
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

    for build, _, _ in SCENARIOS.values():
        diagnosis = build(kit)
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
    for build, _, _ in SCENARIOS.values():
        diagnosis = build(kit)
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
    for diagnosis in [build(kit) for build, _, _ in SCENARIOS.values()] + extra:
        for found in diagnosis.findings:
            for value in found.details.values():
                check(value)
