"""The timeline picture, drawn from the report JSON."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from jpki.counter.form import CounterInputs
from jpki.counter.timeline import Bar, timeline_bars, timeline_svg
from jpki.diagnosis import Circumstances, default_municipality, diagnose, read_facts
from sim import open_simulated_card
from tests.counter.rig import TODAY

SVG = "{http://www.w3.org/2000/svg}"


def _report(profile: str, circumstances: Circumstances | None = None) -> dict[str, object]:
    with open_simulated_card(profile=profile) as card:
        facts = read_facts(card)
    diagnosis = diagnose(
        facts,
        TODAY,
        circumstances=circumstances or Circumstances(),
        municipality=default_municipality(),
    )
    return dict(diagnosis.to_json("en"))


def test_the_chip_dates_make_the_bars() -> None:
    card, auth, sign = timeline_bars(_report("blocked"), CounterInputs())
    assert card == Bar("card", None, date(2032, 12, 1), date(2032, 9, 2))
    assert auth == Bar("auth", date(2023, 1, 16), date(2027, 12, 1), date(2027, 9, 2))
    # Not readable without its password: at most the auth certificate's expiry.
    assert sign == Bar("sign", date(2023, 1, 16), date(2027, 12, 1), None, at_most=True)


def test_the_rules_dates_make_the_signature_bar_exact() -> None:
    report = _report(
        "blocked", Circumstances(birth=date(1978, 12, 1), card_issued=date(2022, 12, 1))
    )
    card, _, sign = timeline_bars(report, CounterInputs(card_expiry_printed=date(2032, 12, 1)))
    assert card.start == date(2022, 12, 1) and card.marker == date(2032, 12, 1)
    assert sign == Bar("sign", date(2023, 1, 16), date(2027, 12, 1), date(2027, 9, 2))


def test_a_card_without_a_signature_certificate_says_so() -> None:
    _, _, sign = timeline_bars(_report("under15"), CounterInputs())
    assert sign.absent


def test_the_svg_is_well_formed_with_today_and_the_windows() -> None:
    svg = timeline_svg(_report("renewable"), CounterInputs(), "ja")
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    texts = [element.text or "" for element in root.iter(f"{SVG}text")]
    assert "本日 2026年11月22日" in texts
    assert "マイナンバーカード" in texts and "署名用電子証明書" in texts
    windows = [r for r in root.iter(f"{SVG}rect") if "tl-window" in r.get("class", "")]
    assert len(windows) == 2  # card and user-authentication certificate
    today = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "tl-today")
    window = windows[1]
    # The renewable profile's certificate window has begun: today lies inside it.
    assert (
        float(window.get("x"))
        <= float(today.get("x1"))
        <= float(window.get("x")) + float(window.get("width"))
    )
    assert "style=" not in svg  # colours come from the stylesheet (no inline style under CSP)


def test_odd_report_values_draw_no_markup_of_their_own() -> None:
    report = {
        "today": "2026-11-22",
        "card": {
            "card_expiry": "<script>alert(1)</script>",
            "auth_certificate": {"not_before": "x", "expiry_date": '2027-12-01"><b>'},
            "availability": {"sign_certificate": "<i>"},
        },
        "expected": {"card": "<b>", "sign_cert": {"expiry": {"value": "<u>"}}},
    }
    svg = timeline_svg(report, CounterInputs(), "en")
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    assert "<script" not in svg and "<b>" not in svg and "<u>" not in svg
    texts = [element.text or "" for element in root.iter(f"{SVG}text")]
    assert "expiry not readable" in texts


def test_no_timeline_for_a_card_that_is_not_a_my_number_card() -> None:
    from jpki.counter.view import report_view
    from jpki.diagnosis import CardFacts, ChipKind

    diagnosis = diagnose(
        CardFacts(ChipKind.NOT_A_MY_NUMBER_CARD), TODAY, municipality=default_municipality()
    )
    view = report_view(diagnosis, CounterInputs(), "ja")
    assert view.timeline == "" and view.severity == "action_needed"
    assert report_view(
        diagnose(_facts_of("adult"), TODAY, municipality=default_municipality()),
        CounterInputs(),
        "ja",
    ).timeline.startswith("<svg")


def _facts_of(profile: str) -> object:
    with open_simulated_card(profile=profile) as card:
        return read_facts(card)


def test_the_diagnosis_key_dates_come_first() -> None:
    report = _report("blocked")
    assert report["timeline"]["card"]["expiry"] == "2032-12-01"  # type: ignore[index]
    report["timeline"] = {
        "today": "2026-11-22",
        "card": {"expiry": "2031-01-01", "renewal_from": "2030-10-02", "basis": "computed"},
        "auth_cert": None,
        "sign_cert": {"expiry": "2027-06-30", "renewal_from": "2027-04-01", "basis": "computed"},
    }
    card, auth, sign = timeline_bars(report, CounterInputs())
    assert (card.end, card.renewal_from) == (date(2031, 1, 1), date(2030, 10, 2))
    assert auth.end == date(2027, 12, 1)  # no key dates: the chip's certificate
    assert sign == Bar("sign", None, date(2027, 6, 30), date(2027, 4, 1))
