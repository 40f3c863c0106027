"""The desk's safety rules, each with a test that fails when the rule is removed."""

from __future__ import annotations

import html
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jpki.counter.desk import SlotState
from jpki.counter.security import CSP
from tests.counter.rig import ORIGIN, PORT, Rig

# --- Host (DNS rebinding) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["attacker.example", f"attacker.example:{PORT}", "127.0.0.1:9999", "127.0.0.2:8765", ""],
)
def test_a_host_other_than_the_bound_loopback_name_is_refused(rig: Rig, host: str) -> None:
    for path in ("/", "/api/readers", "/api/readers/r0/report", "/readers/r0/handout"):
        answer = rig.client.get(path, headers={"host": host})
        assert answer.status_code == 421, path
        assert "loopback" in answer.text
        assert "findings" not in answer.text and "Simulated reader" not in answer.text


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}"])
def test_the_loopback_names_are_answered(rig: Rig, host: str) -> None:
    assert rig.client.get("/api/readers", headers={"host": host}).status_code == 200


# --- Origin and token on every state change -----------------------------------------------


@pytest.mark.parametrize("origin", [None, "http://attacker.example", "null", f"{ORIGIN}.evil"])
def test_a_state_change_without_the_page_origin_is_refused(rig: Rig, origin: str | None) -> None:
    headers = {} if origin is None else {"origin": origin}
    for path in ("/readers/r0/clear", "/readers/r0/inputs", "/sim/card", "/readers/r0/read"):
        answer = rig.client.post(
            path, data={"token": rig.token, "birth": "1980-01-01"}, headers=headers
        )
        assert answer.status_code == 403, path
    reader = rig.reader()
    assert reader.state is SlotState.READY and reader.diagnosis is not None
    assert reader.inputs.empty and rig.source.present


@pytest.mark.parametrize("token", [None, "", "wrong", "t" * 42])
def test_a_state_change_without_the_session_token_is_refused(rig: Rig, token: str | None) -> None:
    data = {} if token is None else {"token": token}
    for path in ("/readers/r0/clear", "/sim/card", "/readers/r0/read"):
        answer = rig.client.post(path, data=data, headers={"origin": ORIGIN})
        assert answer.status_code == 403, path
        assert "トークン" in answer.text
    assert rig.reader().state is SlotState.READY and rig.source.present


def test_the_token_is_also_accepted_as_a_header(rig: Rig) -> None:
    answer = rig.client.post(
        "/readers/r0/clear",
        headers={"origin": ORIGIN, "x-counter-token": rig.token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert rig.reader().state is SlotState.CLEARED


def test_the_page_carries_the_token_for_its_forms(rig: Rig) -> None:
    page = rig.client.get("/").text
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S)
    assert len(forms) >= 4
    for form in forms:
        assert f'name="token" value="{rig.token}"' in form


# --- Content-Security-Policy and headers ---------------------------------------------------


def test_every_answer_carries_the_strict_headers(rig: Rig) -> None:
    answers = [
        rig.client.get("/"),
        rig.client.get("/static/counter.js"),
        rig.client.get("/api/readers/r0/report"),
        rig.client.get("/readers/r0/handout"),
        rig.client.get("/nowhere"),
        rig.client.get("/", headers={"host": "attacker.example"}),
        rig.client.post("/readers/r0/clear", headers={"origin": ORIGIN}),
    ]
    for answer in answers:
        assert answer.headers["content-security-policy"] == CSP
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["x-frame-options"] == "DENY"


def test_the_policy_allows_nothing_inline_and_nothing_from_the_network() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "font-src", "img-src", "connect-src"):
        assert directives[name] == "'self'", name
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CSP and "http" not in CSP and "data:" not in CSP


def test_pages_have_no_inline_script_or_style_and_load_nothing_from_outside(rig: Rig) -> None:
    for path in ("/", "/?lang=en", "/readers/r0/handout", "/readers/r0/panel"):
        page = rig.client.get(path).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son[a-z]+=", page), "inline event handler"
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert url.startswith(("/", "#")), url


# --- Bad input never a server error --------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "birth",
                "card_issued",
                "card_expiry_printed",
                "cert_expiry_written",
                "residence_until",
            ]
        ),
        st.one_of(
            st.text(max_size=50),
            st.dates().map(lambda d: d.isoformat()),
            st.sampled_from(["2026-02-30", "0000-01-01", "9999-12-31", "1980/4/1", "１９８０"]),
        ),
    )
)
def test_no_form_input_gives_a_server_error(rig: Rig, values: dict[str, str]) -> None:
    answer = rig.post("/readers/r0/inputs", values)
    assert answer.status_code in (303, 400), answer.status_code  # type: ignore[attr-defined]
    if answer.status_code == 400:  # type: ignore[attr-defined]
        assert 'class="form-errors"' in answer.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"birth": "1980-13-45"}, "「1980-13-45」は日付として読み取れません"),
        ({"birth": "1980-01-01"}, "生年月日とカードの発行日は、両方入力するか"),
        ({"birth": "2030-01-01", "card_issued": "2031-01-01"}, "生年月日が本日より後"),
        ({"birth": "1990-01-01", "card_issued": "1985-01-01"}, "カードの発行日が生年月日より前"),
        ({"residence_until": "1800-01-01"}, "1800年1月1日は、この画面で扱える範囲"),
    ],
)
def test_bad_input_gets_a_clear_message_in_the_page(
    rig: Rig, values: dict[str, str], expected: str
) -> None:
    answer = rig.post("/readers/r0/inputs", values)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    page = html.unescape(answer.text)  # type: ignore[attr-defined]
    assert expected in page
    for value in values.values():
        assert f'value="{value}"' in page  # what the clerk typed is kept
    assert rig.reader().inputs.empty and rig.reader().diagnosis is not None


# --- Nothing about a resident in the logs --------------------------------------------------


def test_nothing_about_the_resident_reaches_the_logs(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    report = rig.client.get("/api/readers/r0/report").json()
    rig.post("/readers/r0/inputs", {"birth": "1978-12-01", "card_issued": "2022-12-01"})
    rig.post("/readers/r0/inputs", {"birth": "1978-13-01"})
    rig.client.get("/readers/r0/handout")
    rig.post("/sim/card", {"present": "0"})
    rig.wait_for(lambda reader: reader.state is SlotState.EMPTY)
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )
    card = report["card"]
    for secret in (
        "1978-12-01",
        "1978-13-01",
        card["card_record"]["serial"],
        card["auth_certificate"]["subject"],
        card["auth_certificate"]["serial"],
    ):
        assert secret not in logged
