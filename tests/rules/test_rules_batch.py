"""Resident lists: the fast path is the per-resident engine row for row; the command streams,
reports bad rows by number without stopping, and writes the monthly summary and chart."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jpki.cli.main import main
from jpki.rules.batch import (
    OUTPUT_COLUMNS,
    SUMMARY_COLUMNS,
    FastRows,
    MonthlySummary,
    RowError,
    process,
    reference_row,
)
from jpki.rules.chart import summary_svg

D = date.fromisoformat

_DAYS = st.dates(min_value=D("1925-01-01"), max_value=D("2040-12-31"))
_EDGE_BIRTHS = st.sampled_from(
    [D("2000-02-29"), D("1996-01-01"), D("2004-03-01"), D("2007-06-01"), D("2004-12-31")]
)
_BAD = st.sampled_from(["", " ", "2023-02-30", "x", "20200101", "2020-1-01", " 2020-01-01"])


@st.composite
def _text(draw: st.DrawFn, near: date | None = None, empty: bool = True) -> str:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(_BAD) if empty else draw(_BAD.filter(bool))
    if choice <= 2 and empty:
        return ""
    if near is not None and choice <= 6:
        return (near + timedelta(days=draw(st.integers(-400, 4_000)))).isoformat()
    return draw(_DAYS).isoformat()


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    birth = draw(st.one_of(_EDGE_BIRTHS, st.dates(D("1930-01-01"), D("2025-12-31"))))
    issued = draw(
        st.one_of(
            st.dates(D("2015-12-01"), D("2030-12-31")),
            st.sampled_from([D("2022-04-01"), D("2022-06-30"), D("2022-07-01")]),
            st.just(birth.replace(year=max(birth.year, 2016) + 1) - timedelta(days=1))
            if (birth.month, birth.day) != (2, 29)
            else st.just(D("2024-02-28")),
        )
    )
    birth_text = birth.isoformat() if draw(st.integers(0, 20)) else draw(_BAD)
    issued_text = issued.isoformat() if draw(st.integers(0, 20)) else draw(_BAD)
    expiries = st.one_of(st.just(""), _text(issued + timedelta(days=1_800), empty=False))
    return [
        birth_text,
        issued_text,
        draw(_text(issued)),
        draw(_text(issued)),
        draw(_text(issued - timedelta(days=300))),
        draw(expiries) if draw(st.integers(0, 5)) == 0 else "",
        draw(expiries) if draw(st.integers(0, 5)) == 0 else "",
    ]


def _outcome(compute: object, fields: list[str]) -> tuple[str, ...] | tuple[str, str]:
    assert callable(compute)
    try:
        result: tuple[str, ...] = compute(fields)
    except RowError as exc:
        return ("error", str(exc))
    return result


@settings(max_examples=1000, deadline=None)
@given(rows(), st.dates(D("2014-01-01"), D("2040-12-31")))
def test_fast_path_is_the_per_resident_engine(fields: list[str], today: date) -> None:
    fast = FastRows(today)
    assert _outcome(fast.row, fields) == _outcome(lambda f: reference_row(f, today), fields)


def test_the_fast_path_takes_the_common_rows_and_hands_over_the_rest() -> None:
    fast = FastRows(D("2026-11-22"))
    common = ["1980-10-10", "2020-05-15", "", "", "", "", ""]
    assert fast._fast(common) is not None  # noqa: SLF001
    for handed_over in (
        ["2000-02-29", "2025-06-01", "", "", "", "", ""],  # 29 February: a decision
        ["2004-03-02", "2022-05-20", "", "", "", "", ""],  # 18 with the receipt date unknown
        ["2007-06-01", "2025-05-31", "", "", "", "", ""],  # issued the day an age is reached
        ["1990-01-01", "1989-12-31", "", "", "", "", ""],  # an error: the reference words it
    ):
        assert fast._fast(handed_over) is None  # noqa: SLF001
    with pytest.raises(RowError) as caught:
        fast.row(["1990-01-01", "1989-12-31", "", "", "", "", ""])
    assert "before the birth date" in str(caught.value)


def test_known_rows() -> None:
    fast = FastRows(D("2026-11-22"))
    assert fast.row(["1980-10-10", "2020-05-15", "2024-09-02", "", "", "", ""]) == (
        "2029-10-10", "2029-07-11", "valid",
        "2028-10-10", "2028-07-11", "valid",
        "2028-10-10", "2028-07-11", "valid",
        "2029-01-31", "", "",
    )  # fmt: skip
    assert fast.row(["2015-08-20", "2023-09-05", "", "", "", "", ""])[6:9] == ("", "", "not_issued")
    assert fast.row(["1991-07-07", "2025-01-10", "", "2027-01-31", "", "", ""])[:3] == (
        "2027-01-31",
        "2026-11-01",
        "renewable",
    )
    assert fast.row(["2000-02-29", "2025-06-01", "", "", "", "", ""])[-2] == "feb29"


def test_rows_that_know_only_some_dates() -> None:
    fast = FastRows(D("2026-11-22"))
    face_only = fast.row(["", "", "", "", "", "2029-10-10", ""])
    assert face_only[:3] == ("2029-10-10", "2029-07-11", "valid")
    assert face_only[3:6] == ("", "", "")
    assert face_only[-1] == (
        "auth_cert_expiry: birth+auth_cert_issued | auth_cert_expiry; "
        "sign_cert_expiry: birth+sign_cert_issued | sign_cert_expiry"
    )
    certs_only = fast.row(["1980-10-10", "", "2024-08-01", "", "", "", ""])
    assert certs_only[3] == "2028-10-10" and certs_only[0] == ""
    assert certs_only[-1] == "card_expiry: card_issued | card_expiry"
    # A date on the card wins over the computed one.
    checked = fast.row(["1980-10-10", "2020-05-15", "", "", "", "2030-10-10", ""])
    assert checked[0] == "2030-10-10"
    assert "," not in "".join(checked) and '"' not in "".join(checked)


def test_process_reports_bad_rows_by_number_and_goes_on() -> None:
    header = ["name", "birth", "card_issued"]
    body = [
        ["a", "1980-10-10", "2020-05-15"],
        ["b", "1980-13-10", "2020-05-15"],
        ["c", "", "2020-05-15"],
        ["d"],
        ["e", "1990-05-15", "2025-05-14"],
    ]
    results: list[tuple[int, str]] = []
    errors: list[tuple[int, str]] = []
    done = process(
        body,
        header,
        D("2026-11-22"),
        lambda number, row, values: results.append((number, values[0])),
        lambda number, error: errors.append((number, str(error))),
    )
    assert results == [(2, "2029-10-10"), (6, "2034-05-15")]
    assert [number for number, _ in errors] == [3, 4, 5]
    assert "birth '1980-13-10' is not a date" in errors[0][1]
    assert "nothing can be computed" in errors[1][1]  # the card issue date alone gives nothing
    assert "nothing can be computed" in errors[2][1]
    assert (done.rows, done.computed, done.errors) == (5, 2, 3)


def test_a_missing_required_column_is_refused_before_any_row() -> None:
    with pytest.raises(RowError, match="card_issued"):
        process([], ["name", "birth"], D("2026-11-22"), lambda *_: None, lambda *_: None)


def test_monthly_summary_counts_windows_and_expiries() -> None:
    summary = MonthlySummary()
    fast = FastRows(D("2026-11-22"))
    summary.add(fast.row(["1980-10-10", "2020-05-15", "", "", "", "", ""]))
    summary.add(fast.row(["1980-10-12", "2020-05-15", "", "", "", "", ""]))
    summary.add(fast.row(["2015-08-20", "2023-09-05", "", "", "", "", ""]))
    rows = {row[0]: row for row in summary.rows()}
    # Two cards expire 2029-10 and open their window 2029-07; their certificates 2024-10 / 07.
    assert rows["2029-10"][SUMMARY_COLUMNS.index("card_expires")] == "2"
    assert rows["2029-07"][SUMMARY_COLUMNS.index("card_renewal_opens")] == "2"
    assert rows["2024-10"][SUMMARY_COLUMNS.index("auth_cert_expires")] == "2"
    # The child's signature certificate is not issued: not counted.
    assert rows["2028-08"][SUMMARY_COLUMNS.index("auth_cert_expires")] == "1"
    assert rows["2028-08"][SUMMARY_COLUMNS.index("sign_cert_expires")] == "0"
    assert summary.total("card_expires") == 3


def _register(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "residents.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_csv_results_errors_summary_and_chart(tmp_path: Path) -> None:
    register = _register(
        tmp_path,
        [
            "\ufeffname,birth,card_issued,residence_until,cert_issued",
            '"見本, 太郎",1980-10-10,2020-05-15,,2024-09-02',
            "GARCIA,1991-07-07,2025-01-10,2027-01-31,",
            "見本　誤り,1990-01-01,1989-12-31,,",
            "見本　閏,2000-02-29,2025-06-01,,",
        ],
    )
    out, errors = tmp_path / "out.csv", tmp_path / "errors.csv"
    summary, chart = tmp_path / "summary.csv", tmp_path / "chart.svg"
    code = main(
        ["--lang", "ja", "expiry", "--csv", str(register), "--today", "2026-11-22",
         "-o", str(out), "--errors", str(errors), "--summary", str(summary), "--chart", str(chart)]
    )  # fmt: skip
    assert code == 1  # a bad row: not a clean run, but every other row is there
    results = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["row"] for row in results] == ["2", "3", "5"]
    assert results[0]["name"] == "見本, 太郎"
    assert results[0]["auth_cert_expiry"] == "2028-10-10"
    assert results[1]["card_expiry"] == "2027-01-31"
    assert results[2]["unconfirmed"] == "feb29"
    assert list(results[0])[1:] == ["name", *OUTPUT_COLUMNS]
    reported = list(csv.reader(errors.open(encoding="utf-8")))
    assert reported == [["row", "reason"], ["4", "カードの発行日が生年月日より前です。"]]
    months = list(csv.reader(summary.open(encoding="utf-8")))
    assert months[0] == list(SUMMARY_COLUMNS)
    assert next(r for r in months if r[0] == "2027-01") == ["2027-01", "0", "1", "0", "1", "0", "1"]
    svg = ET.parse(chart).getroot()  # noqa: S314 - our own output
    assert svg.tag.endswith("svg")
    assert "月別の更新手続き開始と有効期限" in chart.read_text(encoding="utf-8")


def test_cli_json_lines_and_errors_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = _register(
        tmp_path, ["birth,card_issued", "1980-10-10,2020-05-15", "2023-02-30,2024-01-01"]
    )
    code = main(
        ["--lang", "en", "expiry", "--csv", str(register), "--today", "2026-11-22",
         "--format", "jsonl"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert lines == [
        {"row": 2, **dict(zip(OUTPUT_COLUMNS, FastRows(D("2026-11-22")).row(
            ["1980-10-10", "2020-05-15", "", "", "", "", ""]), strict=True))}
    ]  # fmt: skip
    err = captured.err.splitlines()
    assert err[0] == "3,birth '2023-02-30' is not a date (YYYY-MM-DD)"
    assert err[1] == "2 rows read: 1 computed, 1 refused."
    assert "\r" not in captured.err  # no progress bar when stderr is not a terminal


def test_cli_bad_files_are_one_line_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing_column = _register(tmp_path, ["name,birth", "a,1980-10-10"])
    assert main(["--lang", "en", "expiry", "--csv", str(missing_column)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s): card_issued" in err and err.count("\n") == 1
    assert main(["--lang", "en", "expiry", "--csv", str(tmp_path / "none.csv")]) == 2
    assert "cannot open the file" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["--lang", "ja", "expiry", "--csv", str(empty)]) == 2
    assert "見出し行を読み取れません" in capsys.readouterr().err
    good = _register(tmp_path, ["birth,card_issued", "1980-10-10,2020-05-15"])
    unwritable = tmp_path / "no" / "such" / "dir.csv"
    assert main(["--lang", "en", "expiry", "--csv", str(good), "-o", str(unwritable)]) == 2
    assert "cannot write the file" in capsys.readouterr().err


def test_chart_for_an_empty_summary_is_still_an_svg() -> None:
    root = ET.fromstring(summary_svg(MonthlySummary(), "en"))  # noqa: S314
    assert root.tag.endswith("svg")


def test_the_example_register_runs(capsys: pytest.CaptureFixture[str]) -> None:
    register = Path(__file__).parents[2] / "examples" / "residents.csv"
    assert main(["--lang", "en", "expiry", "--csv", str(register), "--today", "2026-11-22"]) in (
        0,
        1,
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:2] == ["row", "name"]
    assert len(rows) > 5


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    register = _register(tmp_path, ["birth,card_issued", "1980-10-10,2020-05-15"])
    command = [sys.executable, "-m", "jpki", "--lang", "en", "expiry", "--csv", str(register),
               "--today", "2026-11-22", "-o", str(tmp_path / "out.csv")]  # fmt: skip
    master, slave = pty.openpty()
    try:
        done = subprocess.run(command, stderr=slave, stdout=subprocess.DEVNULL, check=False)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    text = seen.decode()
    assert "\r[" in text and "100%" in text and "1 rows" in text
    piped = subprocess.run(command, capture_output=True, text=True, check=False)
    assert "\r" not in piped.stderr and "%" not in piped.stderr


def test_bounded_caches_give_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from jpki.rules import batch

    monkeypatch.setattr(batch, "_CACHE_LIMIT", 3)
    today = D("2026-11-22")
    fast = FastRows(today)
    for offset in range(0, 3_000, 37):
        birth = (D("1950-01-02") + timedelta(days=offset * 5)).isoformat()
        issued = (D("2016-02-01") + timedelta(days=offset)).isoformat()
        fields = [birth, issued, "", "", "", "", ""]
        assert _outcome(fast.row, fields) == _outcome(lambda f: reference_row(f, today), fields)
    assert len(fast._births) <= 4 and len(fast._window) <= 4  # noqa: SLF001


def test_counting_in_bulk_changes_no_month(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = FastRows(D("2026-11-22"))
    rows = [
        fast.row([(D("1950-03-02") + timedelta(days=37 * n)).isoformat(), "2020-05-15",
                  "", "", "", "", ""])
        for n in range(200)
    ]  # fmt: skip
    whole = MonthlySummary()
    for values in rows:
        whole.add(values)
    monkeypatch.setattr(MonthlySummary, "_BUFFER", 3)
    buffered = MonthlySummary()
    for index, values in enumerate(rows):
        buffered.add(values)
        if index == 100:  # asking midway counts what is buffered and changes nothing after
            assert buffered.total("card_expires") == 101
    assert list(buffered.rows()) == list(whole.rows())
    assert buffered.total("card_expires") == 200
    in_bulk = MonthlySummary()
    in_bulk.add_rows(rows)
    assert list(in_bulk.rows()) == list(whole.rows())


@pytest.mark.parametrize("header", ["name,birth,card_issued", "id,name,birth,card_issued"])
def test_cli_passes_through_names_that_need_quoting(tmp_path: Path, header: str) -> None:
    lead = "" if header.startswith("name") else "7,"
    register = tmp_path / "register.csv"
    register.write_text(
        f"{header}\n"
        f'{lead}"say ""hi""",1980-10-10,2020-05-15\n'
        f'{lead}"two\nlines",1980-10-10,2020-05-15\n'
        f"{lead}plain,1980-10-10,2020-05-15\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    args = ["--lang", "en", "expiry", "--csv", str(register), "--today", "2026-11-22"]
    assert main([*args, "-o", str(out)]) == 0
    results = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [row["name"] for row in results] == ['say "hi"', "two\nlines", "plain"]
    assert {row["card_expiry"] for row in results} == {"2029-10-10"}
    if lead:
        assert [row["id"] for row in results] == ["7", "7", "7"]
