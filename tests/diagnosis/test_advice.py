"""Advice that does not contradict itself, and the guidance's facts where they apply (issue 16).

Every case is built from hand-made facts and judged on a fixed day; the assertions read both
the typed judgment (remedy, codes) and the words staff see.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from jpki.diagnosis import (
    Circumstances,
    Diagnosis,
    FindingCode,
    Note,
    Remedy,
    default_municipality,
    diagnose,
    render_text,
)
from jpki.ids import PinKind, TokenKind
from jpki.models import Availability

Kit = Any


def run(kit: Kit, facts: Any, today: date | None = None, **known: Any) -> Diagnosis:
    return diagnose(facts, today or kit.today, circumstances=Circumstances(**known))


def text(diagnosis: Diagnosis, lang: str = "ja") -> str:
    return "\n".join(render_text(diagnosis, lang))


def remedies(diagnosis: Diagnosis) -> dict[FindingCode, Remedy]:
    return {f.code: f.remedy for f in diagnosis.findings if f.remedy is not None}


# -- convenience-store availability ------------------------------------------------------------


def test_store_availability_skips_the_new_year_closure(kit: Kit) -> None:
    # Issued Tuesday 29 December 2026: no business day until Monday 4 January.
    issued = date(2026, 12, 29)
    facts = kit.facts(auth_certificate=kit.auth(issued, date(2031, 4, 12)))
    diagnosis = run(kit, facts, today=date(2026, 12, 31))
    pending = diagnosis.finding(FindingCode.AUTH_CERT_STORE_PENDING)
    assert pending is not None
    assert pending.details_json()["convenience_store_from"] == "2027-01-05T06:30+09:00"
    assert "コンビニ交付は2027年1月5日の午前6時30分から" in diagnosis.message(pending, "ja")
    # The next morning is no answer during the closure.
    assert "2027年1月1日" not in text(diagnosis)


def test_store_availability_is_not_told_to_face_auth_cards(kit: Kit) -> None:
    facts = kit.facts(
        availability=Availability(kit.auth_only),
        auth_certificate=kit.auth(date(2026, 11, 21), date(2031, 4, 12)),
    )
    told = run(kit, facts)
    assert FindingCode.AUTH_CERT_STORE_PENDING in told.codes
    face = run(kit, facts, face_auth=True)
    assert FindingCode.AUTH_CERT_STORE_PENDING not in face.codes
    assert "午前6時30分から" not in text(face)


def test_store_availability_is_not_told_to_holders_under_15(kit: Kit) -> None:
    facts = kit.card_until(
        date(2031, 8, 20), date(2026, 11, 21), availability=Availability(kit.auth_only)
    )
    child = run(kit, facts, birth=date(2015, 8, 20), card_issued=date(2026, 11, 21))
    assert FindingCode.AUTH_CERT_STORE_PENDING not in child.codes
    assert "コンビニ交付は" not in text(child)
    adult = run(kit, facts, birth=date(1990, 8, 20), card_issued=date(2026, 11, 21))
    assert FindingCode.AUTH_CERT_STORE_PENDING in adult.codes


# -- one remedy when the card and the certificates end together --------------------------------


def test_card_and_certificates_ending_together_have_one_remedy(kit: Kit) -> None:
    diagnosis = run(kit, kit.card_until(date(2027, 1, 10), date(2022, 1, 5)))
    found = remedies(diagnosis)
    assert {
        FindingCode.CARD_RENEWABLE,
        FindingCode.AUTH_CERT_RENEWABLE,
        FindingCode.SIGN_CERT_RENEWABLE,
    } <= set(found)
    assert set(found.values()) == {Remedy.NEW_CARD}
    report = text(diagnosis)
    assert "窓口で更新できます" not in report
    assert "まとめて更新" not in report
    assert "カードの申請をしてください" in report


def test_expired_card_and_certificates_have_one_remedy(kit: Kit) -> None:
    diagnosis = run(kit, kit.expired_card())
    assert set(remedies(diagnosis).values()) == {Remedy.NEW_CARD}
    assert "無料で発行できます" not in text(diagnosis)


def test_certificates_ending_before_the_card_are_renewed_at_the_counter(kit: Kit) -> None:
    facts = kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15)))
    found = remedies(run(kit, facts))
    assert found[FindingCode.AUTH_CERT_RENEWABLE] is Remedy.RENEW_CERTIFICATES
    assert found[FindingCode.SIGN_CERT_RENEWABLE] is Remedy.RENEW_CERTIFICATES
    assert FindingCode.CARD_OK in run(kit, facts).codes


# -- foreign residents --------------------------------------------------------------------------


def ending_with_the_stay(kit: Kit, day: date) -> Diagnosis:
    """A foreign resident's card, issued on 2025-04-15, that ends with the period of stay."""
    return run(kit, kit.card_until(day, date(2025, 4, 15)), residence_until=day)


@pytest.mark.parametrize(
    ("day", "codes", "remedy"),
    [
        (
            date(2027, 1, 10),
            (
                FindingCode.CARD_RENEWABLE,
                FindingCode.RESIDENCE_PERIOD_LIMIT,
                FindingCode.AUTH_CERT_RENEWABLE,
            ),
            Remedy.EXTEND_STAY,
        ),
        (
            date(2026, 3, 31),
            (FindingCode.CARD_EXPIRED, FindingCode.AUTH_CERT_EXPIRED),
            Remedy.REISSUE_AFTER_STAY,
        ),
    ],
)
def test_card_ending_with_the_stay_has_one_remedy(
    kit: Kit, day: date, codes: tuple[FindingCode, ...], remedy: Remedy
) -> None:
    found = remedies(ending_with_the_stay(kit, day))
    for code in codes:
        assert found[code] is remedy
    assert set(found.values()) == {remedy}


def test_card_ending_with_the_stay_is_extended_not_reapplied_for(kit: Kit) -> None:
    diagnosis = ending_with_the_stay(kit, date(2027, 1, 10))
    card = diagnosis.finding(FindingCode.CARD_RENEWABLE)
    assert card is not None
    action = diagnosis.action(card, "ja") or ""
    assert "在留期限の延長" in action and "新しい在留カード" in action
    assert "郵送" not in text(diagnosis)
    assert Note.FOREIGN_LANGUAGES in diagnosis.notes
    assert Note.MOVING_ABROAD not in diagnosis.notes
    assert "0120-0178-27" in text(diagnosis)


def test_residence_limit_reads_one_way_only(kit: Kit) -> None:
    diagnosis = ending_with_the_stay(kit, date(2028, 3, 31))
    limit = diagnosis.finding(FindingCode.RESIDENCE_PERIOD_LIMIT)
    assert limit is not None
    said = diagnosis.message(limit, "ja")
    assert "在留期限は2028年3月31日、マイナンバーカードの有効期限は2028年3月31日です" in said
    assert "までに" not in said


# -- renewed-in-the-window flags against the dates ---------------------------------------------


def test_dates_hint_at_a_renewal_in_the_window(kit: Kit) -> None:
    facts = kit.facts(auth_certificate=kit.auth(date(2024, 6, 3), date(2030, 4, 12)))
    diagnosis = run(kit, facts, birth=date(1985, 4, 12), card_issued=date(2024, 6, 3))
    mismatch = diagnosis.finding(FindingCode.CERT_EXPIRY_MISMATCH)
    assert mismatch is not None
    assert mismatch.details_json()["reason"] == "renewed_in_window"
    # The hint is the rules' own verdict on the flag, in the rules' words.
    assert mismatch.details_json()["flag_verdict"] == "likely_by_card"
    assert "3か月未満で更新したと考えられます" in diagnosis.message(mismatch, "ja")
    assert "「3か月未満で更新」の指定" in diagnosis.message(mismatch, "ja")
    assert "--cert-renewed-in-window" in diagnosis.message(mismatch, "en")


def test_dates_contradicting_the_renewal_flag_are_said(kit: Kit) -> None:
    diagnosis = run(
        kit,
        kit.facts(),
        birth=date(1985, 4, 12),
        card_issued=date(2024, 6, 3),
        certs_renewed_in_window=True,
    )
    mismatch = diagnosis.finding(FindingCode.CERT_EXPIRY_MISMATCH)
    assert mismatch is not None
    assert mismatch.details_json()["reason"] == "renewed_early"
    assert mismatch.details_json()["renewed_in_window_given"] is True
    # The certificates were issued with the card: the flag cannot hold (the rules' verdict).
    assert mismatch.details_json()["flag_verdict"] == "contradicted_no_renewal"
    said = diagnosis.message(mismatch, "ja")
    assert "3か月未満で更新」と指定されていますが" in said
    assert "考えられます(「3か月未満で更新」の指定" not in said


# -- the signature certificate's first day ------------------------------------------------------


def test_new_signature_certificate_works_online_after_24_hours(kit: Kit) -> None:
    facts = kit.facts(auth_certificate=kit.auth(kit.today, date(2031, 4, 12)))
    diagnosis = run(kit, facts)
    pending = diagnosis.finding(FindingCode.SIGN_CERT_PENDING)
    assert pending is not None
    assert pending.details_json()["usable_from"] == "2026-11-23"
    assert "翌日（24時間経過後）の2026年11月23日から" in diagnosis.message(pending, "ja")


def test_no_next_day_notice_for_old_or_absent_signature_certificates(kit: Kit) -> None:
    assert FindingCode.SIGN_CERT_PENDING not in run(kit, kit.facts()).codes
    facts = kit.facts(
        availability=Availability(kit.auth_only),
        auth_certificate=kit.auth(kit.today, date(2031, 4, 12)),
    )
    assert FindingCode.SIGN_CERT_PENDING not in run(kit, facts).codes


# -- smartphone certificates, health insurance, express issuance, moving abroad ----------------


def test_smartphone_token_shows_no_pin_counters(kit: Kit) -> None:
    facts = kit.token_facts(
        TokenKind.ANDROID,
        auth_certificate=None,
        card_record=None,
        pins=kit.pins(auth=0, sign=1),
    )
    diagnosis = run(kit, facts)
    assert not any("pin" in code.value for code in diagnosis.codes)
    token = diagnosis.finding(FindingCode.SMARTPHONE_TOKEN)
    assert token is not None
    assert "スマホ用電子証明書" in diagnosis.message(token, "ja")
    assert "表示しません" in diagnosis.message(token, "ja")


def test_renewing_certificates_mentions_the_smartphone_certificate(kit: Kit) -> None:
    facts = kit.facts(auth_certificate=kit.auth(date(2022, 12, 5), date(2027, 1, 15)))
    diagnosis = run(kit, facts)
    renewable = diagnosis.finding(FindingCode.AUTH_CERT_RENEWABLE)
    assert renewable is not None
    assert "スマホ用電子証明書" in (diagnosis.action(renewable, "ja") or "")


def test_expired_card_is_no_health_insurance_card(kit: Kit) -> None:
    diagnosis = run(kit, kit.expired_card())
    card = diagnosis.finding(FindingCode.CARD_EXPIRED)
    assert card is not None
    assert "マイナ保険証" in diagnosis.message(card, "ja")
    # No grace is promised on a card that has expired itself.
    auth = diagnosis.finding(FindingCode.AUTH_CERT_EXPIRED)
    assert auth is not None and "health_insurance_until" not in auth.details
    # A new card is picked up at the pick-up counter, by appointment, after the letter.
    action = diagnosis.action(card, "ja") or ""
    assert "「ご案内」" in action and "交付窓口" in action and "予約" in action


def test_lost_card_notes_name_express_issuance_and_the_line_abroad(kit: Kit) -> None:
    # The moving-abroad note is for holders who say they plan to move.
    assert Note.MOVING_ABROAD not in run(kit, kit.facts()).notes
    diagnosis = run(kit, kit.facts(), moving_abroad=True)
    report = text(diagnosis)
    assert "特急発行" in report and "2,000円" in report
    assert "国外転出" in report and "03-6734-0170" in report
    plain = replace(
        default_municipality(),
        abroad_dial=None,
        express_reissue_fee_yen=None,
        express_reissue_fee_without_certificates_yen=None,
    )
    shorter = diagnose(
        kit.facts(), kit.today, circumstances=Circumstances(moving_abroad=True), municipality=plain
    )
    words = text(shorter)
    # Without the municipality's own fees, the rules' express fees (express_fee) are said.
    assert "特急発行" in words and "2,000円" in words and "1,800円" in words
    assert "国外転出" in words and "03-6734-0170" not in words


def test_unreadable_chip_offers_express_reissue(kit: Kit) -> None:
    from jpki.diagnosis import Problem

    facts = kit.facts(auth_certificate=None, auth_certificate_problem=Problem.UNREADABLE)
    diagnosis = run(kit, facts)
    found = diagnosis.finding(FindingCode.AUTH_CERT_UNREADABLE)
    assert found is not None
    assert "特急発行" in (diagnosis.action(found, "ja") or "")


# -- Japanese staff read -------------------------------------------------------------------------

ALLOWED_LATIN = re.compile(r"^(e-Tax|NFC|J-LIS|ATM|IC|PIN|--[a-z][a-z0-9-]*)$")


@pytest.mark.parametrize(
    "known",
    [
        {},
        {"birth": date(2000, 2, 29), "card_issued": date(2025, 6, 1)},
        {"birth": date(1985, 4, 13), "card_issued": date(2024, 6, 3)},
        {"residence_until": date(2027, 1, 10)},
        {"face_auth": True},
    ],
)
def test_japanese_report_has_no_english_and_no_internal_ids(
    kit: Kit, known: dict[str, Any]
) -> None:
    facts = kit.facts(
        auth_certificate=kit.auth(date(2021, 9, 1), date(2026, 10, 5)),
        pins=kit.pins(sign=0, auth=1, juki=1),
    )
    if known.get("face_auth"):
        facts = kit.facts(availability=Availability(kit.auth_only))
    if "birth" in known:
        facts = (
            kit.card_until(date(2035, 2, 28), date(2025, 6, 1), date(2030, 2, 28))
            if known["birth"].month == 2
            else kit.facts()
        )
    diagnosis = run(kit, facts, **known)
    report = text(diagnosis)
    leftovers = [
        word
        for word in re.findall(r"[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z]", report)
        if not ALLOWED_LATIN.match(word)
    ]
    assert not leftovers, leftovers
    assert "feb29" not in report and "[feb28]" not in report
    for finding in diagnosis.findings:
        assert finding.code.value not in report


def test_every_pin_kind_has_words(kit: Kit) -> None:
    for kind in PinKind:
        diagnosis = run(kit, kit.facts(pins=kit.pins(**{kind.json_key: 0})))
        blocked = diagnosis.finding(FindingCode.pin_blocked(kind))
        assert blocked is not None
        assert "ロックされています" in diagnosis.message(blocked, "ja")
        assert "is blocked" in diagnosis.message(blocked, "en")


def test_health_insurance_note_where_the_certificate_matters(kit: Kit) -> None:
    expired_cert = run(
        kit, kit.facts(auth_certificate=kit.auth(date(2021, 9, 1), date(2026, 10, 5)))
    )
    assert Note.HEALTH_INSURANCE in expired_cert.notes
    assert "マイナ保険証" in text(expired_cert)
    assert Note.HEALTH_INSURANCE not in run(kit, kit.facts()).notes
    expired_card = run(kit, kit.expired_card())
    assert Note.HEALTH_INSURANCE not in expired_card.notes


def test_card_lapsed_with_the_stay_is_reissued_for_a_fee(kit: Kit) -> None:
    report = text(ending_with_the_stay(kit, date(2026, 3, 31)))
    assert "有料での再交付" in report and "新しい在留カード" in report
    assert "郵送" not in report and "無料で発行できます" not in report
