"""A resident register through the rules: one result row per resident, a monthly summary.

The per-resident engine (:func:`~jpki.rules.evaluate_known`, which runs
:func:`~jpki.rules.evaluate` when the birth and card issue dates are known) is the reference:
:func:`reference_row` formats its report. :class:`FastRows` gives the same rows, byte for
byte, much faster for the common case (a birthday other than 29 February, a card issued since
2016, no issue date on the day an age is reached, no 18- or 19-year-old in April-June 2022
without the receipt date, no date read on the card), using arithmetic on the date text and
caches keyed by date; every other row goes to the reference. A
property test compares the two on random rows.

Input columns (a header row; dates ``YYYY-MM-DD``): ``birth``, ``card_issued``, ``cert_issued``
(both certificates, when renewed at the counter), ``residence_until``, ``application_received``,
``card_expiry`` (printed on the card), ``cert_expiry`` (written on the card); the header needs
enough of them to compute something (``birth`` with ``card_issued`` or ``cert_issued``, or an
expiry). ``name`` (or ``id``) is passed through. A row from which nothing can be computed is an
error; a value that cannot be computed is empty and ``missing`` names what it needs.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter

from jpki.texts import Msg

from .dates import end_of_month_after, renewal_window_start
from .errors import RulesInputError
from .ids import Decision
from .known import KnownDates, KnownReport, Missing, evaluate_known
from .results import RuleResult

__all__ = [
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "SUMMARY_COLUMNS",
    "BatchResult",
    "FastRows",
    "MonthlySummary",
    "RowError",
    "process",
    "reference_row",
]

INPUT_COLUMNS = (
    "birth",
    "card_issued",
    "cert_issued",
    "residence_until",
    "application_received",
    "card_expiry",
    "cert_expiry",
)
_ENOUGH = ({"birth", "card_issued"}, {"birth", "cert_issued"}, {"card_expiry"}, {"cert_expiry"})
OUTPUT_COLUMNS = (
    "card_expiry",
    "card_renewal_from",
    "card_state",
    "auth_cert_expiry",
    "auth_cert_renewal_from",
    "auth_cert_state",
    "sign_cert_expiry",
    "sign_cert_renewal_from",
    "sign_cert_state",
    "health_insurance_until",
    "unconfirmed",
    "missing",
)
"""The result of one resident; ``unconfirmed`` lists the decisions (``;``-separated) behind the
expiries, windows and states (the health-insurance grace always rests on one: not listed);
``missing`` what each value not computed needs (``card_expiry: card_issued | card_expiry``)."""

_ALWAYS = Decision.HEALTH_INSURANCE_GRACE
_FIRST_CARD_DAY = date(2016, 1, 1)
_FIRST_CARD = _FIRST_CARD_DAY.isoformat()
_THRESHOLD_CHANGE = "2022-04-01"
_RECEIPT_CERTAIN = "2022-07-01"
_EARLIEST = "1868-01-01"
_LATEST = "2199-12-31"


class RowError(ValueError):
    """A row that cannot be computed; *reason* says why in words, *detail* in English."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


Fields = Sequence[str]
"""The input columns of one row, in :data:`INPUT_COLUMNS` order ('' when empty)."""


def _date(text: str, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) != 10 or text[4] != "-" or text[7] != "-":  # noqa: PLR2004
        raise RowError(
            Msg("rules.batch.bad_date", column=column, value=text),
            f"{column} '{text}' is not a date (YYYY-MM-DD)",
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(
            Msg("rules.batch.bad_date", column=column, value=text),
            f"{column} '{text}' is not a date (YYYY-MM-DD)",
        ) from None


def known_of(fields: Fields) -> KnownDates:
    """What one row knows.

    :raises RowError: a malformed date.
    """
    dates = [_date(text, column) for text, column in zip(fields, INPUT_COLUMNS, strict=True)]
    birth, issued, certs, stay, received, card_expiry, cert_expiry = dates
    return KnownDates(
        birth=birth,
        card_issued=issued,
        card_expiry=card_expiry,
        auth_cert_issued=certs,
        sign_cert_issued=certs,
        auth_cert_expiry=cert_expiry,
        sign_cert_expiry=cert_expiry,
        residence_until=stay,
        application_received=received,
    )


def _missing(missing: Missing) -> str:
    return " | ".join("+".join(known.value for known in group) for group in missing.alternatives)


def format_known(report: KnownReport) -> tuple[str, ...]:
    """The :data:`OUTPUT_COLUMNS` of one report."""
    values: list[str] = []
    needs: list[str] = []
    for item in report.items:
        expiry = item.expiry_date
        values.append("" if expiry is None else expiry.isoformat())
        window = item.renewal_from
        values.append(window.value.isoformat() if isinstance(window, RuleResult) else "")
        state = item.state
        values.append(state.value.value if isinstance(state, RuleResult) else "")
        if isinstance(item.expiry, Missing):
            needs.append(f"{item.item.value}_expiry: {_missing(item.expiry)}")
    grace = report.health_insurance_until
    values.append(grace.value.isoformat() if isinstance(grace, RuleResult) else "")
    decisions = {
        decision
        for key, result in report.results().items()
        if key != "health_insurance_until"
        for decision in result.decisions
    }
    values.append(";".join(sorted(decisions - {_ALWAYS})))
    values.append("; ".join(needs))
    return tuple(values)


def reference_row(fields: Fields, today: date) -> tuple[str, ...]:
    """One row through the per-resident engine: the reference for :class:`FastRows`.

    :raises RowError: the row cannot be computed (a malformed date, dates that contradict each
        other, or nothing computable).
    """
    known = known_of(fields)
    try:
        report = evaluate_known(known, today)
    except RulesInputError as exc:
        raise RowError(exc.problem.msg, str(exc)) from exc
    if all(isinstance(item.expiry, Missing) for item in report.items):
        needs = [_missing(item.expiry) for item in report.items if isinstance(item.expiry, Missing)]
        raise RowError(Msg("rules.batch.nothing"), f"nothing can be computed: {'; '.join(needs)}")
    return format_known(report)


_CACHE_LIMIT = 150_000
"""Entries per cache; a real register has a few tens of thousands of distinct dates."""


def _day_before(month_day: str) -> str:
    """``MM-DD`` of the day before the birthday *month_day* in a common year (not 01-01)."""
    day = date(2001, int(month_day[:2]), int(month_day[3:])) - timedelta(days=1)
    return day.strftime("%m-%d")


_ODD_EDGES = ("01-01", "03-01")
"""Birthdays whose eve is not in the same year (1 January) or moves with leap years (1 March):
the reference decides on those edge days."""
_Birth = tuple[int, str, str, frozenset[str]]
_Issue = tuple[int, str, int]


class FastRows:
    """:func:`reference_row` for many rows on one day, fast (see the module docstring).

    ISO dates compare as text, so most of the work is on the strings themselves: the expiry is
    the year computed from the issue year and the birthday's ``MM-DD``; windows, states and the
    health-insurance grace come from caches keyed by date text. Memory stays flat: each cache
    is cleared when it passes 150 000 entries, whatever the number of rows.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self._today = today.isoformat()
        self._in_force = today >= _FIRST_CARD_DAY  # else the reference refuses every row
        self._births: dict[str, _Birth | None] = {}
        self._issues: dict[str, _Issue | None] = {}
        self._window: dict[str, tuple[str, str, str]] = {}
        days = [
            f"{month:02d}-{day:02d}"
            for month in range(1, 13)
            for day in range(1, calendar.monthrange(2001, month)[1] + 1)
        ]
        # The day before each birthday, as MM-DD: an issue day after it has reached the age of
        # that year. 1 January's is 31 December of the year before: every day of the year is
        # after it ("00-00"), and 31 December reaches the next age (an edge, below).
        self._before = {day: _day_before(day) if day != "01-01" else "00-00" for day in days}
        self._edges = {day: frozenset({self._before[day]}) for day in days}
        self._edges["01-01"] = frozenset({"12-31"})
        self._edges["03-01"] = frozenset({"02-28", "02-29"})
        self.fast = 0
        self.slow = 0

    def row(self, fields: Fields) -> tuple[str, ...]:
        """The :data:`OUTPUT_COLUMNS` of one row.

        :raises RowError: the row cannot be computed.
        """
        result = self._fast(fields)
        if result is None:
            self.slow += 1
            return reference_row(fields, self.today)
        self.fast += 1
        return result

    def _is_date(self, text: str) -> bool:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":  # noqa: PLR2004
            return False
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True

    def _birth(self, text: str) -> _Birth | None:
        """Year, ``MM-DD``, the day before the birthday and the edge days, or None when the
        reference must decide (not a date, born on 29 February, out of range)."""
        if text in self._births:
            return self._births[text]
        known: _Birth | None = None
        month_day = text[5:]
        if self._is_date(text) and month_day != "02-29" and text >= _EARLIEST:
            known = (int(text[:4]), month_day, self._before[month_day], self._edges[month_day])
        if len(self._births) > _CACHE_LIMIT:
            self._births.clear()
        self._births[text] = known
        return known

    def _issue(self, text: str) -> _Issue | None:
        """Year, ``MM-DD`` and the age threshold of an issue date (0: unknown without the
        receipt date), or None when the reference must decide."""
        if text in self._issues:
            return self._issues[text]
        known: _Issue | None = None
        if self._is_date(text) and _FIRST_CARD <= text <= _LATEST:
            if text < _THRESHOLD_CHANGE:
                threshold = 20
            elif text >= _RECEIPT_CERTAIN:
                threshold = 18
            else:
                threshold = 0
            known = (int(text[:4]), text[5:], threshold)
        if len(self._issues) > _CACHE_LIMIT:
            self._issues.clear()
        self._issues[text] = known
        return known

    def _expiry(self, expiry: str) -> tuple[str, str, str]:
        """The renewal window's first day, the state on the day judged (once issued) and the
        health-insurance grace after it (used for the user-authentication certificate)."""
        if len(self._window) > _CACHE_LIMIT:
            self._window.clear()
        day = date.fromisoformat(expiry)
        start = renewal_window_start(day).isoformat()
        grace = end_of_month_after(day, 3).isoformat()
        today = self._today
        if today > expiry:
            state = "expired"
        elif today >= start:
            state = "renewable"
        else:
            state = "valid"
        self._window[expiry] = (start, state, grace)
        return start, state, grace

    def _fast(self, fields: Fields) -> tuple[str, ...] | None:  # noqa: C901, PLR0911, PLR0912
        # One function, caches in locals: this runs once per resident.
        birth_text, issued, cert, stay, received, card_expiry, cert_expiry = fields
        if card_expiry or cert_expiry:
            return None  # dates read on the card are checked by the reference
        birth = self._births.get(birth_text) or self._birth(birth_text)
        made = self._issues.get(issued) or self._issue(issued)
        if birth is None or made is None or not self._in_force or issued < birth_text:
            return None
        born, month_day, before, edges = birth
        year, on, threshold = made
        # Ages are reached the day before the birthday; on that very day the other reading
        # (on the birthday) gives one year less, which matters only at a threshold age.
        edge = on in edges
        if edge and month_day in _ODD_EDGES:
            return None
        certified = None
        if cert:
            certified = self._issues.get(cert) or self._issue(cert)
            if certified is None or cert < issued:
                return None
        else:
            cert = issued
        if stay:
            if not self._is_date(stay) or stay < cert or stay > _LATEST:
                return None
        age = year - born - (0 if on >= before else 1)
        if edge and age in (18, 20):  # noqa: PLR2004 - the card's thresholds: a decision
            return None
        if received:
            if not self._is_date(received) or received > issued or received < birth_text:
                return None
            threshold = 20 if received < _THRESHOLD_CHANGE else 18
        elif not threshold:
            if 18 <= age < 20:  # noqa: PLR2004
                return None  # 18 or 19 with the receipt date unknown: a decision
            threshold = 18
        first_birthday = year + (1 if month_day <= on else 0)  # the first after issue
        card = f"{first_birthday + (9 if age >= threshold else 4)}-{month_day}"
        if stay and stay < card:
            card = stay
        if cert > card:
            return None
        if certified is None:  # the certificates were issued with the card
            if edge and age == 15:  # noqa: PLR2004
                return None  # the signature certificate's age 15 on the day it is reached
            signs = age >= 15  # noqa: PLR2004
            auth = f"{first_birthday + 4}-{month_day}"
        else:
            cert_year, cert_on, _ = certified
            cert_age = cert_year - born - (0 if cert_on >= before else 1)
            if cert_on in edges and (month_day in _ODD_EDGES or cert_age == 15):  # noqa: PLR2004
                return None  # the signature certificate's age 15 on the day it is reached
            signs = cert_age >= 15  # noqa: PLR2004
            auth = f"{cert_year + (1 if month_day <= cert_on else 0) + 4}-{month_day}"
        if auth > card:
            auth = card
        window = self._window
        card_start, card_state, _ = window.get(card) or self._expiry(card)
        auth_start, auth_state, grace = window.get(auth) or self._expiry(auth)
        today = self._today
        if today < issued:
            card_state = "not_yet_issued"
        if today < cert:
            auth_state = "not_yet_issued"
        if signs:
            return (card, card_start, card_state, auth, auth_start, auth_state, auth, auth_start,
                    auth_state, grace, "", "")  # fmt: skip
        return (card, card_start, card_state, auth, auth_start, auth_state, "", "", "not_issued",
                grace, "", "")  # fmt: skip


_SUMMARY_KINDS = (
    ("card_renewal_opens", 1),
    ("card_expires", 0),
    ("auth_cert_renewal_opens", 4),
    ("auth_cert_expires", 3),
    ("sign_cert_renewal_opens", 7),
    ("sign_cert_expires", 6),
)
SUMMARY_COLUMNS = ("month", *(name for name, _ in _SUMMARY_KINDS))


class MonthlySummary:
    """How many renewal windows open and how many expiries fall in each month (``YYYY-MM``).

    Rows are counted by their card, user-authentication and signature expiry dates: a few
    thousand distinct dates in a real register, whatever its size, so memory stays flat. Rows
    are kept in a short buffer and counted in bulk (:meth:`Counter.update` runs in C); the months
    (and each date's renewal window) are worked out once per date, when they are asked for.
    """

    _BUFFER = 8_192

    def __init__(self) -> None:
        self._expiries: tuple[Counter[str], ...] = tuple(Counter() for _ in _EXPIRY_COLUMNS)
        self._buffer: list[tuple[str, ...]] = []
        self._counts: dict[str, Counter[str]] | None = None

    def add(self, values: tuple[str, ...]) -> None:
        """Count one result row of :data:`OUTPUT_COLUMNS` (empty dates are not counted)."""
        buffer = self._buffer
        buffer.append(values)
        if len(buffer) >= self._BUFFER:
            self.add_rows(buffer)
            buffer.clear()

    def add_rows(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Count many result rows at once (what :meth:`add` does for each)."""
        for counter, column in zip(self._expiries, _EXPIRY_COLUMNS, strict=True):
            counter.update(map(itemgetter(column), rows))
        self._counts = None

    @property
    def counts(self) -> dict[str, Counter[str]]:
        """For each kind of :data:`SUMMARY_COLUMNS` (after ``month``), the count per month."""
        if self._buffer:
            self.add_rows(self._buffer)
            self._buffer.clear()
        if self._counts is None:
            counts: dict[str, Counter[str]] = {name: Counter() for name, _ in _SUMMARY_KINDS}
            for (opens, expires), counter in zip(_PAIRS, self._expiries, strict=True):
                for expiry, count in counter.items():
                    if not expiry:
                        continue
                    start = renewal_window_start(date.fromisoformat(expiry)).isoformat()
                    counts[expires][expiry[:7]] += count
                    counts[opens][start[:7]] += count
            self._counts = counts
        return self._counts

    def months(self) -> list[str]:
        """Every month with a count, in order."""
        return sorted({month for counter in self.counts.values() for month in counter})

    def rows(self) -> Iterator[tuple[str, ...]]:
        """:data:`SUMMARY_COLUMNS` for each month, in order."""
        counts = self.counts
        for month in self.months():
            yield (month, *(str(counts[name][month]) for name, _ in _SUMMARY_KINDS))

    def total(self, name: str) -> int:
        """The count of one kind over all months."""
        return sum(self.counts[name].values())


_EXPIRY_COLUMNS = (0, 3, 6)
"""Where the card, user-authentication and signature expiries stand in :data:`OUTPUT_COLUMNS`."""
_PAIRS = (
    ("card_renewal_opens", "card_expires"),
    ("auth_cert_renewal_opens", "auth_cert_expires"),
    ("sign_cert_renewal_opens", "sign_cert_expires"),
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a run did: rows read, computed, refused; the fast path's share."""

    rows: int
    computed: int
    errors: int
    fast: int
    summary: MonthlySummary


_COUNT_MASK = 0x1FFF
"""Rows are counted into the summary 8 192 at a time."""


def process(
    rows: Iterable[list[str]],
    header: Sequence[str],
    today: date,
    on_result: Callable[[int, Sequence[str], tuple[str, ...]], None],
    on_error: Callable[[int, RowError], None],
) -> BatchResult:
    """Run every row through :class:`FastRows`; a bad row goes to *on_error*, never stops.

    :param rows: the data rows (after the header), as lists :func:`csv.reader` makes: when a
        column is missing, an empty cell is appended to each; row numbers count the header as
        row 1, as a spreadsheet shows them.
    :param header: the column names (``birth``, ``card_issued``, ... in any order).
    :param on_result: called with the row number, the row and its :data:`OUTPUT_COLUMNS`.
    :raises RowError: (with row number 1) when a required column is missing from *header*.
    """
    names = [name.strip().lower() for name in header]
    if not any(enough <= set(names) for enough in _ENOUGH):
        missing = [name for name in ("birth", "card_issued") if name not in names]
        raise RowError(
            Msg("rules.batch.missing_columns", columns=", ".join(missing)),
            f"missing column(s) {', '.join(missing)}",
        )
    width = len(names)
    # A column not in the file reads an empty cell: one is appended to each row (the row is
    # ours: the reader makes a new list each time), and the picker takes it as the last cell.
    present = [names.index(name) if name in names else None for name in INPUT_COLUMNS]
    pick = itemgetter(*(-1 if index is None else index for index in present))
    append_empty = any(index is None for index in present)
    need = max(index for index in present if index is not None) + 1
    padding = [""] * (width + 1)
    engine = FastRows(today)
    fast, row_of = engine._fast, engine.row  # noqa: SLF001 - the hot loop skips one call
    summary = MonthlySummary()
    counted: list[tuple[str, ...]] = []  # counted into the summary in bulk
    count_later = counted.append
    errors = 0
    number = 1
    for number, row in enumerate(rows, start=2):
        if len(row) < need:
            cells = [*row, *padding[len(row) : need]]
        else:
            cells = row
        if append_empty:
            cells.append("")
        fields = pick(cells)
        values = fast(fields)
        if values is None:
            try:
                values = row_of(fields)
            except RowError as exc:
                errors += 1
                on_error(number, exc)
                continue
        count_later(values)
        if not number & _COUNT_MASK:
            summary.add_rows(counted)
            counted.clear()
        on_result(number, row, values)
    summary.add_rows(counted)
    count = number - 1
    return BatchResult(count, count - errors, errors, count - engine.slow, summary)
