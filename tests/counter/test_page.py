"""The page and the integrators' API render the one diagnosis: same JSON as ``jpki diagnose``."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

from jpki.texts import Msg, render
from tests.counter.rig import Rig


def _text(key: str, lang: str, **params: object) -> str:
    return html.escape(render(Msg(f"counter.{key}", **params), lang), quote=False)


def test_the_report_api_is_the_json_of_jpki_diagnose(rig: Rig, jpki: Callable[..., object]) -> None:
    api = rig.client.get("/api/readers/r0/report?lang=en")
    assert api.status_code == 200
    cli = jpki(
        "--sim",
        "--profile",
        "blocked",
        "--lang",
        "en",
        "diagnose",
        "--json",
        "--today",
        "2026-11-22",
    )
    assert api.json() == cli.json()  # type: ignore[attr-defined]


def test_the_page_shows_each_finding_in_the_diagnosis_own_words(rig: Rig) -> None:
    for lang in ("ja", "en"):
        report = rig.client.get(f"/api/readers/r0/report?lang={lang}").json()
        page = html.unescape(rig.client.get(f"/?lang={lang}").text)
        assert f'lang="{lang}"' in page
        for finding in report["findings"]:
            assert finding["message"] in page
            if finding["action"]:
                assert finding["action"] in page
        assert 'class="verdict verdict-action_needed"' in page
        # The severity tags are the text report's own words (one catalog for both).
        tags = re.findall(r'<span class="tag">([^<]*)</span>', page)
        assert tags == [
            render(Msg(f"diagnosis.severity.{finding['severity']}"), lang)
            for finding in report["findings"]
        ]
        assert _text("verdict.action_needed", lang) in page


def test_japanese_by_default_english_on_the_switch(rig: Rig) -> None:
    page = rig.client.get("/").text
    assert "対応が必要です" in page and 'href="/?lang=en"' in page
    english = rig.client.get("/?lang=en").text
    assert "Action needed" in english and "対応が必要です" not in english
    assert rig.client.get("/?lang=xx").text.count("対応が必要です") == 1  # unknown: the default


def test_readers_api_lists_the_reader_without_resident_data(rig: Rig) -> None:
    body = rig.client.get("/api/readers").json()
    assert body == {
        "readers": [
            {
                "id": "r0",
                "name": "Simulated reader",
                "card_present": True,
                "state": "ready",
                "severity": "action_needed",
            }
        ]
    }


def test_the_timeline_is_inline_svg_with_today(rig: Rig) -> None:
    page = rig.client.get("/?lang=en").text
    svg = re.search(r"<svg[^>]*class=\"timeline\".*?</svg>", page, re.S)
    assert svg is not None
    assert "today 2026-11-22" in svg.group(0)
    assert "User-auth. certificate" in svg.group(0) and "Signature certificate" in svg.group(0)


def test_the_page_never_asks_for_a_pin(rig: Rig) -> None:
    for lang in ("ja", "en"):
        page = rig.client.get(f"/?lang={lang}").text
        assert 'type="password"' not in page
        names = re.findall(r'<input[^>]*name="([^"]+)"', page)
        assert names and not [name for name in names if "pin" in name.lower()]
        assert set(names) == {
            "token",
            "present",
            "birth",
            "card_issued",
            "card_expiry_printed",
            "cert_expiry_written",
            "residence_until",
        }


def test_the_hand_out_has_findings_contacts_and_no_identifiers(rig: Rig) -> None:
    report = rig.client.get("/api/readers/r0/report?lang=ja").json()
    sheet = rig.client.get("/readers/r0/handout?lang=ja")
    assert sheet.status_code == 200
    text = html.unescape(sheet.text)
    assert "マイナンバーカードの確認結果のご案内" in text
    assert "印刷日: 2026年11月22日" in text
    for finding in report["findings"]:
        assert finding["message"] in text
    assert "03-5803-1666" in text and "0120-95-0178" in text and "戸籍住民課" in text
    card = report["card"]
    for secret in (
        card["card_record"]["serial"],
        card["auth_certificate"]["subject"],
        card["auth_certificate"]["serial"],
        card["auth_certificate"]["sha256_fingerprint"],
    ):
        assert secret not in text
    assert "handout.css" in text and "@page" in rig.client.get("/static/handout.css").text


def test_the_hand_out_follows_the_chosen_language(rig: Rig) -> None:
    english = rig.client.get("/readers/r0/handout?lang=en").text
    assert "Your My Number Card: what we found" in english and "Printed on 2026-11-22" in english
    assert "確認結果のご案内" not in english


def test_events_stream_is_server_sent_events(rig: Rig) -> None:
    with rig.client.stream("GET", "/api/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 2000"
        assert next(lines) == "event: hello"
        assert json.loads(next(lines)[6:]) == {"version": rig.desk.version}
        rig.source.set_present(False)
        seen = []
        for line in lines:
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if seen[-1]["event"] == "card_out":
                    break
        assert seen[-1] == {"event": "card_out", "reader": "r0"}


def test_static_files_come_from_the_package(rig: Rig) -> None:
    for name, kind in (
        ("counter.js", "javascript"),
        ("counter.css", "text/css"),
        ("handout.js", "javascript"),
        ("favicon.svg", "image/svg+xml"),
    ):
        answer = rig.client.get(f"/static/{name}")
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
    assert rig.client.get("/static/../app.py").status_code == 404
