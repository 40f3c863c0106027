"""Which notes and facts ``jpki expiry`` gives: they follow the day and never contradict."""

from __future__ import annotations

from datetime import date

from jpki.rules import KnownDates, evaluate_known, explain
from jpki.texts import render

D = date.fromisoformat


def _notes(known: KnownDates, today: str) -> list[str]:
    return [render(note, "ja") for note in explain.notes(evaluate_known(known, D(today)))]


def test_an_expired_card_of_a_national_new_card_pickup_and_express() -> None:
    known = KnownDates(birth=D("1980-10-10"), card_issued=D("2016-05-15"))
    report = evaluate_known(known, D("2026-11-22"))
    assert explain.applicable_facts(report) == [
        "health_insurance",
        "smartphone_cert",
        "card_pickup",
        "express_issuance",
    ]
    notes = _notes(known, "2026-11-22")
    assert any("新しいカードを申請してください" in note for note in notes)
    assert any("マイナンバーカード交付窓口" in note for note in notes)
    assert not any("電子証明書の発行を受けてください" in note for note in notes)


def test_a_card_ending_with_the_stay_is_extended_at_the_counter_not_renewed_by_post() -> None:
    known = KnownDates(
        birth=D("1990-07-07"), card_issued=D("2025-01-10"), residence_until=D("2026-09-30")
    )
    in_window = evaluate_known(known, D("2026-08-01"))
    assert "card_pickup" not in explain.applicable_facts(in_window)
    assert "foreign_language_help" in explain.applicable_facts(in_window)
    before = _notes(known, "2026-08-01")
    assert any("有効期限が切れる前に、新しい在留カード" in note for note in before)
    after = _notes(known, "2026-11-22")
    assert any("有料での再交付" in note for note in after)
    assert not any("新しいカードを申請" in note for note in after)
    assert not any("有効期限が切れる前に" in note for note in after)


def test_health_insurance_follows_the_day() -> None:
    known = KnownDates(birth=D("1980-10-10"), card_issued=D("2020-05-15"))  # certs end 2024-10-10
    valid = _notes(known, "2024-06-01")
    assert any("有効期限が過ぎても、2025年1月31日まで" in note for note in valid)
    grace = _notes(known, "2024-12-01")
    assert any("有効期限は過ぎていますが、2025年1月31日まで" in note for note in grace)
    ended = _notes(known, "2025-02-01")
    assert any("2025年1月31日で終わっています" in note for note in ended)


def test_the_store_date_only_while_it_is_ahead_and_only_for_those_who_may_use_it() -> None:
    adult = KnownDates(birth=D("1980-10-10"), auth_cert_issued=D("2026-12-28"))
    assert any(
        "コンビニ交付は2027年1月4日の朝6時30分から" in n for n in _notes(adult, "2026-12-28")
    )
    assert not any("コンビニ交付は" in n for n in _notes(adult, "2027-02-01"))
    child = KnownDates(birth=D("2015-08-20"), auth_cert_issued=D("2026-12-28"))
    notes = _notes(child, "2026-12-28")
    assert any("15歳以上の方が利用できます" in n for n in notes)
    assert not any("朝6時30分から" in n for n in notes)
    face = KnownDates(birth=D("1980-10-10"), auth_cert_issued=D("2026-12-28"), face_auth=True)
    face_notes = _notes(face, "2026-12-28")
    assert not any("朝6時30分から" in n for n in face_notes)
    assert sum("コンビニ交付" in n for n in face_notes) == 1


def test_moving_abroad_only_when_asked() -> None:
    known = KnownDates(birth=D("1980-10-10"), card_issued=D("2020-05-15"))
    assert not any("03-6734-0170" in n for n in _notes(known, "2026-11-22"))
    abroad = KnownDates(birth=D("1980-10-10"), card_issued=D("2020-05-15"), moving_abroad=True)
    assert any("03-6734-0170" in n for n in _notes(abroad, "2026-11-22"))
    assert not any("03-6734-0170" in n for n in _notes(abroad, "2024-05-26"))
