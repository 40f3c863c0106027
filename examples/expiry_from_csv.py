"""Compute card and certificate expiry dates for a list of residents, from a CSV file.

No card is involved: this is the rules engine (:mod:`jpki.rules`), pure functions on dates,
started from whatever each row knows (:func:`jpki.rules.evaluate_known`). Each row gets the
expiry and the first day of the renewal window of the card and of both certificates, their
state on ``--today``, an ``unconfirmed`` column naming the decisions a value rests on (points
the public texts leave open, such as 29 February birthdays; see docs/rules.md) and a
``missing`` column naming the inputs a value not computed needs. A row with impossible dates is
reported in the ``error`` column; the other rows are still computed.

Input columns (a header row; dates ``YYYY-MM-DD``; names are free text; every date optional)::

    name, birth                          card_issued = the day J-LIS made the card
    card_issued, card_expiry             card_expiry = the date printed on the card face
    residence_until                      end of a foreign resident's period of stay
    cert_issued                          the certificates' issue date, when they were renewed
                                         at the counter (default: card_issued)
    application_received                 the day J-LIS received the application

This example shows the library; for a whole register (a million rows in seconds, a monthly
summary and chart) use ``jpki expiry --csv FILE``.

Run (after ``scripts/bootstrap``; or ``PYTHONPATH=. python3 examples/...``)::

    .venv/bin/python examples/expiry_from_csv.py examples/residents.csv --today 2026-11-22
    .venv/bin/python examples/expiry_from_csv.py examples/residents.csv --table
    .venv/bin/python examples/expiry_from_csv.py residents.csv -o expiry.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from jpki.rules import (
    JST,
    Decision,
    KnownDates,
    KnownItem,
    KnownReport,
    Missing,
    NotIssued,
    RuleResult,
    RulesInputError,
    evaluate_known,
)
from jpki.rules.batch import OUTPUT_COLUMNS

REQUIRED = ("name",)
OPTIONAL = ("birth", "card_issued", "card_expiry", "residence_until", "cert_issued")
OPTIONAL += ("application_received",)
COLUMNS = (
    "name",
    *(column for column in OUTPUT_COLUMNS if column != "health_insurance_until"),
    "error",
)
"""The library's result columns (:data:`jpki.rules.batch.OUTPUT_COLUMNS`, less the insurance
grace), after the name and before an ``error`` column for a row that cannot be computed."""


class RowError(ValueError):
    """A row that cannot be computed (the message goes to the ``error`` column)."""


def _optional_date(row: Mapping[str, str], column: str) -> date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(f"{column} '{text}' is not a date (YYYY-MM-DD)") from None


def inputs_from_row(row: Mapping[str, str]) -> KnownDates:
    """What one CSV row knows.

    :raises RowError: a malformed date.
    """
    certs = _optional_date(row, "cert_issued")
    return KnownDates(
        birth=_optional_date(row, "birth"),
        card_issued=_optional_date(row, "card_issued"),
        card_expiry=_optional_date(row, "card_expiry"),
        auth_cert_issued=certs,
        sign_cert_issued=certs,
        residence_until=_optional_date(row, "residence_until"),
        application_received=_optional_date(row, "application_received"),
    )


def _shown_decisions(report: KnownReport) -> set[Decision]:
    """The decisions behind the values this example prints (not the insurance grace)."""
    return {
        decision
        for key, result in report.results().items()
        if key != "health_insurance_until"
        for decision in result.decisions
    }


def _expiry_text(item: KnownItem) -> str:
    expiry = item.expiry
    if isinstance(expiry, Missing):
        return ""
    if isinstance(expiry.value, NotIssued):
        return f"not issued ({expiry.value.reason.value})"
    return expiry.value.isoformat()


def _missing(report: KnownReport) -> str:
    """``card_expiry: card_issued | card_expiry`` for each value not computed."""
    parts = []
    for item in report.items:
        if isinstance(item.expiry, Missing):
            needs = " | ".join(
                "+".join(k.value for k in group) for group in item.expiry.alternatives
            )
            parts.append(f"{item.item.value}_expiry: {needs}")
    return "; ".join(parts)


def result_row(name: str, report: KnownReport) -> dict[str, str]:
    """The output columns of one resident."""
    row = {"name": name, "error": ""}
    for item in report.items:
        key = item.item.value
        row[f"{key}_expiry"] = _expiry_text(item)
        window = item.renewal_from
        row[f"{key}_renewal_from"] = (
            window.value.isoformat() if isinstance(window, RuleResult) else ""
        )
        state = item.state
        row[f"{key}_state"] = state.value.value if isinstance(state, RuleResult) else ""
    row["unconfirmed"] = ";".join(sorted(_shown_decisions(report)))
    row["missing"] = _missing(report)
    return row


def compute(rows: Iterable[Mapping[str, str]], today: date) -> Iterator[dict[str, str]]:
    """One output row per input row; a bad row gets its ``error`` column filled."""
    for row in rows:
        name = (row.get("name") or "").strip()
        try:
            report = evaluate_known(inputs_from_row(row), today)
        except (RowError, RulesInputError) as exc:
            yield {column: "" for column in COLUMNS} | {"name": name, "error": str(exc)}
            continue
        yield result_row(name, report)


def _width(text: str) -> int:
    """Columns *text* takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_table(rows: list[dict[str, str]], out: TextIO) -> None:
    """The rows as an aligned text table (errors listed below it)."""
    columns = [c for c in COLUMNS if c not in ("error", "missing")]
    headers = {c: c.replace("_renewal_from", "_from").replace("_cert", "") for c in columns}
    widths = {c: max(_width(headers[c]), *(_width(r[c]) for r in rows)) for c in columns}

    def line(cells: Mapping[str, str]) -> str:
        return "  ".join(cells[c] + " " * (widths[c] - _width(cells[c])) for c in columns)

    print(line(headers).rstrip(), file=out)
    for row in rows:
        print(line(row).rstrip(), file=out)
    for row in rows:
        if row["error"]:
            print(f"{row['name']}: {row['error']}", file=out)


def write_csv(rows: list[dict[str, str]], out: TextIO) -> None:
    """The rows as CSV with a header row."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    """Read the CSV, compute every row, write CSV (or a table); 2 on a bad file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="the residents (see the columns above)")
    parser.add_argument(
        "--today", type=date.fromisoformat, help="the day to judge (default: today in Japan)"
    )
    parser.add_argument("--table", action="store_true", help="print a table instead of CSV")
    parser.add_argument("-o", "--output", type=Path, help="write the CSV here (default: stdout)")
    args = parser.parse_args(argv)
    today = args.today or datetime.now(JST).date()
    with args.csv.open(encoding="utf-8-sig", newline="") as handle:  # -sig: Excel's BOM
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
        if missing:
            print(f"{args.csv}: missing column(s) {', '.join(missing)}", file=sys.stderr)
            return 2
        results = list(compute(reader, today))
    if args.table:
        print(f"as of {today}")
        write_table(results, sys.stdout)
        return 0
    if args.output is None:
        write_csv(results, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as out:
            write_csv(results, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
