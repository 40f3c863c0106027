"""The counter desk in a real browser (headless Chromium), on simulated cards served through
pcscd: the ``jpki counter`` command as a user starts it, watching the vpcd readers.

Screenshots and the hand-out PDFs are kept in ``test-artifacts/counter/``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import WebDriverWait

from tests.counter.browser import (
    ARTIFACTS,
    START,
    CounterServer,
    poppler,
    serve_card,
    start_counter,
)

pytestmark = pytest.mark.pcsc

READER = "Virtual PCD 00 00"
SECOND = "Virtual PCD 00 01"
#: What the tests saw of the residents (identifiers read through the API, dates typed): none
#: of it may appear in the server's log.
SEEN: set[str] = {"1978-12-01", "1978-02-30", "2022-12-01"}


@pytest.fixture(scope="module")
def desk(
    pcsc_readers: tuple[str, ...], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CounterServer]:
    """``jpki --debug counter`` watching pcscd's readers, in an empty home directory."""
    home = tmp_path_factory.mktemp("counter-home")
    server = start_counter(home, "--idle-minutes", "30")
    try:
        yield server
    finally:
        code = server.stop()
        assert code in (0, 130), server.output()


_SWAPPED = (NoSuchElementException, StaleElementReferenceException)


def _wait(browser: Any, condition: Any, what: str) -> Any:
    try:
        # The page script swaps panels in as events arrive: an element found a moment ago
        # may be gone; look again.
        patient = WebDriverWait(browser, START, ignored_exceptions=_SWAPPED)
        return patient.until(condition, message=what)
    except TimeoutException:
        browser.save_screenshot(str(ARTIFACTS / "failure.png"))
        print(browser.current_url, browser.page_source, browser.get_log("browser"))
        raise


def _panel(browser: Any, reader: str) -> Any:
    return browser.find_element(By.XPATH, f"//section[h2[contains(., '{reader}')]]")


def _state(browser: Any, reader: str) -> str:
    try:
        return str(_panel(browser, reader).get_attribute("data-state"))
    except Exception:  # noqa: BLE001 - the panel is being swapped by the page script
        return ""


def _api(desk: CounterServer, path: str) -> Any:
    with urllib.request.urlopen(f"{desk.url}{path}", timeout=START) as answer:  # noqa: S310
        body = json.load(answer)
    card = body.get("card") if isinstance(body, dict) else None
    if card:
        SEEN.add(card["card_record"]["serial"])
        SEEN.add(card["auth_certificate"]["serial"])
        SEEN.add(card["auth_certificate"]["subject"])
    return body


def _reader_id(desk: CounterServer, name: str) -> str:
    return next(r["id"] for r in _api(desk, "/api/readers")["readers"] if r["name"] == name)


def _shot(browser: Any, name: str) -> Path:
    path = ARTIFACTS / name
    browser.save_screenshot(str(path))
    return path


def _no_policy_violations(browser: Any) -> None:
    log = browser.get_log("browser")
    assert not [e for e in log if "Content Security Policy" in e["message"]], log
    # The clerk's form answers bad input with 400 (the page with the message): not an error.
    errors = [e for e in log if e["level"] == "SEVERE" and "status of 400" not in e["message"]]
    assert not errors, log


def test_a_card_put_on_shows_its_report_and_taken_away_clears_it(
    browser: Any, desk: CounterServer
) -> None:
    browser.get(f"{desk.url}/")
    _wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-live"), "live")
    assert _state(browser, READER) == "empty"
    card = serve_card("adult")
    try:
        _wait(browser, lambda b: _state(b, READER) == "ready", "the report appears")
        panel = _panel(browser, READER)
        verdict = panel.find_element(By.CLASS_NAME, "verdict")
        assert "verdict-ok" in verdict.get_attribute("class")
        assert "問題ありません" in verdict.text
        report = _api(desk, f"/api/readers/{_reader_id(desk, READER)}/report?lang=ja")
        shown = [f.text for f in panel.find_elements(By.CSS_SELECTOR, ".finding .message")]
        assert shown == [f["message"] for f in report["findings"]]
        assert panel.find_element(By.CSS_SELECTOR, "svg.timeline").is_displayed()
        _shot(browser, "01-card-in.png")
    finally:
        card.take_away()
    _wait(browser, lambda b: _state(b, READER) == "empty", "the page clears")
    panel = _panel(browser, READER)
    assert not panel.find_elements(By.CLASS_NAME, "verdict")
    assert not panel.find_elements(By.CLASS_NAME, "finding")
    assert "カードをリーダーに置いてください" in panel.text
    _shot(browser, "02-card-out.png")
    _no_policy_violations(browser)


@contextlib.contextmanager
def _report_shown(browser: Any, desk: CounterServer, page: str = "/") -> Iterator[None]:
    """The desk's *page* open, a blocked card put on the first reader and its report shown;
    the card is taken away at the end."""
    browser.get(f"{desk.url}{page}")
    card = serve_card("blocked")
    try:
        _wait(browser, lambda b: _state(b, READER) == "ready", "the report appears")
        yield
    finally:
        card.take_away()


def test_blocked_card_shows_action_needed_and_the_language_switch(
    browser: Any, desk: CounterServer
) -> None:
    with _report_shown(browser, desk):
        verdict = _panel(browser, READER).find_element(By.CLASS_NAME, "verdict")
        assert "verdict-action_needed" in verdict.get_attribute("class")
        assert "対応が必要です" in verdict.text
        tags = [t.text for t in _panel(browser, READER).find_elements(By.CLASS_NAME, "tag")]
        assert tags[0] == "要対応"
        _shot(browser, "03-blocked-ja.png")
        browser.find_element(By.ID, "lang-en").click()
        _wait(
            browser,
            lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
            "English",
        )
        _wait(browser, lambda b: _state(b, READER) == "ready", "the report in English")
        panel = _panel(browser, READER)
        assert "Action needed" in panel.find_element(By.CLASS_NAME, "verdict").text
        report = _api(desk, f"/api/readers/{_reader_id(desk, READER)}/report?lang=en")
        shown = [f.text for f in panel.find_elements(By.CSS_SELECTOR, ".finding .message")]
        assert shown == [f["message"] for f in report["findings"]]
        assert "対応が必要です" not in browser.find_element(By.TAG_NAME, "main").text
        _shot(browser, "04-blocked-en.png")
        _no_policy_violations(browser)


def test_the_clerk_s_form_recomputes_and_explains_bad_input(
    browser: Any, desk: CounterServer
) -> None:
    with _report_shown(browser, desk, "/?lang=ja"):
        form = _panel(browser, READER).find_element(By.CSS_SELECTOR, "form.inputs")
        form.find_element(By.NAME, "birth").send_keys("1978-02-30")
        form.find_element(By.CSS_SELECTOR, "button.recompute").click()
        errors = _wait(browser, lambda b: b.find_element(By.CLASS_NAME, "form-errors"), "errors")
        assert "「1978-02-30」は日付として読み取れません" in errors.text
        _shot(browser, "05-form-error.png")
        form = _panel(browser, READER).find_element(By.CSS_SELECTOR, "form.inputs")
        birth = form.find_element(By.NAME, "birth")
        birth.clear()
        birth.send_keys("1978-12-01")
        form.find_element(By.NAME, "card_issued").send_keys("2022-12-01")
        form.find_element(By.CSS_SELECTOR, "button.recompute").click()
        _wait(
            browser,
            lambda b: _panel(b, READER).find_elements(
                By.CSS_SELECTOR, "[data-code='sign_cert_ok']"
            ),
            "the recomputed report",
        )
        assert not browser.find_elements(By.CLASS_NAME, "form-errors")
        report = _api(desk, f"/api/readers/{_reader_id(desk, READER)}/report")
        assert report["expected"]["inputs"]["birth"] == "1978-12-01"
    _wait(browser, lambda b: _state(b, READER) == "empty", "the page clears")
    assert "1978-12-01" not in browser.page_source


def _print_pdf(browser: Any, name: str) -> Path:
    options = PrintOptions()
    options.page_width = 21.0
    options.page_height = 29.7
    options.background = True
    pdf = ARTIFACTS / name
    pdf.write_bytes(base64.b64decode(browser.print_page(options)))
    return pdf


def _pages_as_images(pdf: Path) -> list[Path]:
    prefix = pdf.with_suffix("")
    for old in pdf.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run([poppler("pdftoppm"), "-r", "110", "-png", str(pdf), str(prefix)], check=True)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "ja",
            [
                "マイナンバーカードの確認結果のご案内",
                "印刷日: 2026年11月22日",
                "要対応",
                "03-5803-1666",
                "0120-95-0178",
                "戸籍住民課",
                "お持ちいただくもの",
            ],
        ),
        (
            "en",
            [
                "Your My Number Card: what we found",
                "Printed on 2026-11-22",
                "ACTION NEEDED",
                "03-5803-1666",
                "0120-95-0178",
                "What to bring",
            ],
        ),
    ],
)
def test_the_hand_out_prints_to_one_a4_page(
    browser: Any, desk: CounterServer, lang: str, expected: list[str]
) -> None:
    with _report_shown(browser, desk):
        ident = _reader_id(desk, READER)
        report = _api(desk, f"/api/readers/{ident}/report?lang={lang}")
        browser.get(f"{desk.url}/readers/{ident}/handout?lang={lang}")
        pdf = _print_pdf(browser, f"handout-{lang}.pdf")
        _no_policy_violations(browser)
    images = _pages_as_images(pdf)
    assert len(images) == 1, f"{len(images)} pages"
    text = _pdf_text(pdf)
    flat = "".join(text.split())
    for phrase in expected:
        assert "".join(phrase.split()) in flat, phrase
    blocked = report["findings"][0]
    assert "".join(blocked["message"].split())[:40] in flat
    card_facts = report["card"]
    for secret in (
        card_facts["card_record"]["serial"],
        card_facts["auth_certificate"]["serial"],
        card_facts["auth_certificate"]["subject"].split("=")[1].split(",")[0],
    ):
        assert secret not in flat


def test_two_readers_side_by_side(browser: Any, desk: CounterServer) -> None:
    first = serve_card("adult", 35963)
    second = serve_card("blocked", 35964)
    try:
        browser.get(f"{desk.url}/")
        _wait(
            browser, lambda b: _state(b, READER) == "ready" and _state(b, SECOND) == "ready", "both"
        )
        left, right = _panel(browser, READER), _panel(browser, SECOND)
        assert "verdict-ok" in left.find_element(By.CLASS_NAME, "verdict").get_attribute("class")
        assert "verdict-action_needed" in right.find_element(
            By.CLASS_NAME, "verdict"
        ).get_attribute("class")
        assert (
            left.location["y"] == right.location["y"] and left.location["x"] < right.location["x"]
        )
        _shot(browser, "06-two-readers.png")
    finally:
        first.take_away()
        second.take_away()


def test_nothing_about_residents_in_the_log_or_on_disk(desk: CounterServer, browser: Any) -> None:
    # Runs after the others in this module: every card and form above went through this server.
    log = desk.output()
    assert len(SEEN) > 3, "the tests above read no report"
    for secret in SEEN:
        assert secret not in log
    assert "GET /" not in log and "POST /" not in log  # no access log
    assert sorted(p.name for p in desk.home.rglob("*")) == []
