"""A resident register through the rules: one result row per resident, a monthly summary.

The per-resident engine (:func:`~jpki.rules.evaluate`) is the reference: :func:`reference_row`
formats its report. :class:`FastRows` gives the same rows, byte for byte, much faster for the
common case (a birthday other than 29 February, no period of stay, no application receipt date,
a card issued outside April-June 2022, no issue date on the day before a birthday), using plain
year arithmetic and a cache keyed by expiry date; every other row goes to the reference. A
property test compares the two on random rows.

Input columns (a header row; dates ``YYYY-MM-DD``): ``birth`` and ``card_issued`` required;
``cert_issued`` (both certificates, when renewed at the counter), ``residence_until``,
``application_received`` optional; ``name`` (or any identifier) is passed through.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from jpki.texts import Msg

from .dates import end_of_month_after, renewal_window_start
from .engine import evaluate
from .errors import RulesInputError
from .ids import Decision
from .inputs import ExpiryInputs
from .report import ExpiryReport

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

INPUT_COLUMNS = ("birth", "card_issued", "cert_issued", "residence_until", "application_received")
REQUIRED_COLUMNS = ("birth", "card_issued")
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
)
"""The result of one resident; ``unconfirmed`` lists the decisions (``;``-separated) behind the
expiries, windows and states (the health-insurance grace always rests on one: not listed)."""

_ALWAYS = Decision.HEALTH_INSURANCE_GRACE


class RowError(ValueError):
    """A row that cannot be computed; *reason* says why in words, *detail* in English."""

    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


Fields = Sequence[str]
"""The five input columns of one row, in :data:`INPUT_COLUMNS` order ('' when empty)."""


def _date(text: str, column: str, required: bool = False) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise RowError(Msg("rules.batch.missing", column=column), f"{column} is missing")
        return None
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
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


def inputs_of(fields: Fields) -> ExpiryInputs:
    """The engine's inputs for one row.

    :raises RowError: a missing or malformed date, or dates that contradict each other.
    """
    birth = _date(fields[0], "birth", required=True)
    issued = _date(fields[1], "card_issued", required=True)
    certs = _date(fields[2], "cert_issued")
    assert birth is not None and issued is not None  # noqa: S101 - required above
    try:
        return ExpiryInputs(
            birth=birth,
            card_issued=issued,
            auth_cert_issued=certs,
            sign_cert_issued=certs,
            residence_until=_date(fields[3], "residence_until"),
            application_received=_date(fields[4], "application_received"),
        )
    except RulesInputError as exc:
        raise RowError(exc.problem.msg, str(exc)) from exc


def format_report(report: ExpiryReport) -> tuple[str, ...]:
    """The :data:`OUTPUT_COLUMNS` of one report."""
    values: list[str] = []
    decisions: set[Decision] = set()
    for item in report.items:
        expiry = item.expiry_date
        values.append("" if expiry is None else expiry.isoformat())
        window = item.renewal_from
        values.append("" if window is None else window.value.isoformat())
        values.append(item.state.value.value)
        for result in (item.expiry, item.renewal_from, item.state):
            if result is not None:
                decisions |= result.decisions
    values.append(report.health_insurance_until.value.isoformat())
    values.append(";".join(sorted(decisions - {_ALWAYS})))
    return tuple(values)


def reference_row(fields: Fields, today: date) -> tuple[str, ...]:
    """One row through the per-resident engine: the reference for :class:`FastRows`.

    :raises RowError: the row cannot be computed.
    """
    inputs = inputs_of(fields)
    try:
        report = evaluate(inputs, today)
    except RulesInputError as exc:
        raise RowError(exc.problem.msg, str(exc)) from exc
    return format_report(report)


_THRESHOLD_CHANGE = date(2022, 4, 1).toordinal()
_RECEIPT_CERTAIN = date(2022, 7, 1).toordinal()
_FIRST_CARD = date(2016, 1, 1).toordinal()
_LATEST = date(2199, 12, 31).toordinal()
_EARLIEST = date(1868, 1, 1).toordinal()
_CACHE_LIMIT = 200_000


class FastRows:
    """:func:`reference_row` for many rows on one day, fast (see the module docstring).

    Memory stays flat: the caches hold at most a few hundred thousand dates, whatever the
    number of rows.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self._today = today.toordinal()
        self._in_force = self._today >= _FIRST_CARD  # else the reference refuses every row
        self._expiry: dict[date, tuple[str, str, int, int]] = {}
        self._grace: dict[date, str] = {}
        self.fast = 0
        self.slow = 0

    def _window(self, expiry: date) -> tuple[str, str, int, int]:
        cached = self._expiry.get(expiry)
        if cached is None:
            if len(self._expiry) > _CACHE_LIMIT:
                self._expiry.clear()
            start = renewal_window_start(expiry)
            cached = (expiry.isoformat(), start.isoformat(), start.toordinal(), expiry.toordinal())
            self._expiry[expiry] = cached
        return cached

    def _state(self, issued: int, window: tuple[str, str, int, int]) -> str:
        today = self._today
        if today < issued:
            return "not_yet_issued"
        if today > window[3]:
            return "expired"
        if today >= window[2]:
            return "renewable"
        return "valid"

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

    def _fast(self, fields: Fields) -> tuple[str, ...] | None:
        birth_text, issued_text, cert_text, stay, received = fields
        if (
            not self._in_force
            or stay
            or received
            or len(birth_text) != 10
            or len(issued_text) != 10
        ):
            return None
        if birth_text[4] != "-" or issued_text[4] != "-" or birth_text[7] != "-":
            return None
        if issued_text[7] != "-" or birth_text[5:] in ("02-29", "01-01"):
            return None  # 29 February is a decision; for 1 January an age starts in December
        try:
            birth = date.fromisoformat(birth_text)
            issued = date.fromisoformat(issued_text)
            cert = issued
            if cert_text:
                if len(cert_text) != 10 or cert_text[4] != "-" or cert_text[7] != "-":
                    return None
                cert = date.fromisoformat(cert_text)
        except ValueError:
            return None
        born, made, certified = birth.toordinal(), issued.toordinal(), cert.toordinal()
        if made < _FIRST_CARD or made < born or certified < made or certified > _LATEST:
            return None
        if born < _EARLIEST:
            return None
        if made < _THRESHOLD_CHANGE:
            threshold = 20
        elif made >= _RECEIPT_CERTAIN:
            threshold = 18
        else:
            return None
        month, day = birth.month, birth.day
        birthday = date(issued.year, month, day).toordinal()
        if made == birthday - 1:
            return None  # the day an age is reached is a decision here: the reference flags it
        age = issued.year - birth.year - (1 if made < birthday - 1 else 0)
        years = 10 if age >= threshold else 5
        card = date(issued.year + (1 if birthday <= made else 0) + years - 1, month, day)
        if certified > card.toordinal():
            return None
        cert_birthday = date(cert.year, month, day).toordinal()
        if certified == cert_birthday - 1:
            return None
        cert_age = cert.year - birth.year - (1 if certified < cert_birthday - 1 else 0)
        auth = date(cert.year + (1 if cert_birthday <= certified else 0) + 4, month, day)
        if auth > card:
            auth = card
        card_window = self._window(card)
        auth_window = self._window(auth)
        grace = self._grace.get(auth)
        if grace is None:
            if len(self._grace) > _CACHE_LIMIT:
                self._grace.clear()
            grace = end_of_month_after(auth, 3).isoformat()
            self._grace[auth] = grace
        auth_state = self._state(certified, auth_window)
        if cert_age >= 15:
            sign = (auth_window[0], auth_window[1], auth_state)
        else:
            sign = ("", "", "not_issued")
        return (
            card_window[0],
            card_window[1],
            self._state(made, card_window),
            auth_window[0],
            auth_window[1],
            auth_state,
            *sign,
            grace,
            "",
        )


_SUMMARY_KINDS = (
    ("card_renewal_opens", 1),
    ("card_expires", 0),
    ("auth_cert_renewal_opens", 4),
    ("auth_cert_expires", 3),
    ("sign_cert_renewal_opens", 7),
    ("sign_cert_expires", 6),
)
SUMMARY_COLUMNS = ("month", *(name for name, _ in _SUMMARY_KINDS))


@dataclass
class MonthlySummary:
    """How many renewal windows open and how many expiries fall in each month (``YYYY-MM``)."""

    counts: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name, _ in _SUMMARY_KINDS}
    )

    def add(self, values: Sequence[str]) -> None:
        """Count one result row (empty dates are not counted)."""
        for name, index in _SUMMARY_KINDS:
            value = values[index]
            if value:
                self.counts[name][value[:7]] += 1

    def months(self) -> list[str]:
        """Every month with a count, in order."""
        return sorted({month for counter in self.counts.values() for month in counter})

    def rows(self) -> Iterator[tuple[str, ...]]:
        """:data:`SUMMARY_COLUMNS` for each month, in order."""
        for month in self.months():
            yield (month, *(str(self.counts[name][month]) for name, _ in _SUMMARY_KINDS))

    def total(self, name: str) -> int:
        """The count of one kind over all months."""
        return sum(self.counts[name].values())


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a run did: rows read, computed, refused; the fast path's share."""

    rows: int
    computed: int
    errors: int
    fast: int
    summary: MonthlySummary


def process(
    rows: Iterable[Sequence[str]],
    header: Sequence[str],
    today: date,
    on_result: Callable[[int, Sequence[str], tuple[str, ...]], None],
    on_error: Callable[[int, RowError], None],
) -> BatchResult:
    """Run every row through :class:`FastRows`; a bad row goes to *on_error*, never stops.

    :param rows: the data rows (after the header); row numbers count the header as row 1, as a
        spreadsheet shows them.
    :param header: the column names (``birth``, ``card_issued``, ... in any order).
    :param on_result: called with the row number, the row and its :data:`OUTPUT_COLUMNS`.
    :raises RowError: (with row number 1) when a required column is missing from *header*.
    """
    names = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise RowError(
            Msg("rules.batch.missing_columns", columns=", ".join(missing)),
            f"missing column(s) {', '.join(missing)}",
        )
    positions = [names.index(name) if name in names else -1 for name in INPUT_COLUMNS]
    engine = FastRows(today)
    summary = MonthlySummary()
    count = errors = 0
    width = len(names)
    for number, row in enumerate(rows, start=2):
        count += 1
        if len(row) < width:
            row = [*row, *([""] * (width - len(row)))]
        fields = [row[index] if index >= 0 else "" for index in positions]
        try:
            values = engine.row(fields)
        except RowError as exc:
            errors += 1
            on_error(number, exc)
            continue
        summary.add(values)
        on_result(number, row, values)
    return BatchResult(count, count - errors, errors, engine.fast, summary)
