"""Japanese eras and the ``EYYYYMMDD`` birth-date form of the signature certificate.

The signature certificate carries the birth date as one era digit followed by the Gregorian date:
``1`` Meiji, ``2`` Taisho, ``3`` Showa, ``4`` Heisei, ``5`` Reiwa, ``0`` unknown. An era begins on
the day its first year was proclaimed, so the last day of one era's reign and the first day of the
next can share a Gregorian date (1912-07-30, 1926-12-25): such a day belongs to the new era.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum

__all__ = ["Era", "era_birth_date", "era_of", "parse_era_birth_date"]


class Era(IntEnum):
    """A Japanese era, valued by its digit in the certificate's birth date."""

    UNKNOWN = 0
    MEIJI = 1
    TAISHO = 2
    SHOWA = 3
    HEISEI = 4
    REIWA = 5

    @property
    def start(self) -> date | None:
        """First Gregorian day of the era; ``None`` for :attr:`UNKNOWN`."""
        return _STARTS.get(self)


_STARTS: dict[Era, date] = {
    # Meiji was proclaimed on 1868-10-23 (Gregorian), before Japan adopted the Gregorian calendar.
    Era.MEIJI: date(1868, 10, 23),
    Era.TAISHO: date(1912, 7, 30),
    Era.SHOWA: date(1926, 12, 25),
    Era.HEISEI: date(1989, 1, 8),
    Era.REIWA: date(2019, 5, 1),
}
_NEWEST_FIRST = sorted(_STARTS.items(), key=lambda item: item[1], reverse=True)


def _require_date(value: object) -> date:
    # datetime is a subclass of date; a time of day here is a caller mistake, not a birth date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a datetime.date, got {type(value).__name__}")
    return value


def era_of(day: date) -> Era:
    """Return the era ``day`` falls in; :attr:`Era.UNKNOWN` before Meiji."""
    day = _require_date(day)
    for era, start in _NEWEST_FIRST:
        if day >= start:
            return era
    return Era.UNKNOWN


def era_birth_date(day: date) -> str:
    """Return ``day`` as ``EYYYYMMDD`` (era digit, then the Gregorian date), e.g. ``419900102``."""
    day = _require_date(day)
    return f"{int(era_of(day))}{day.year:04d}{day.month:02d}{day.day:02d}"


def parse_era_birth_date(text: str) -> tuple[Era, date]:
    """Parse ``EYYYYMMDD`` into its era and Gregorian date.

    Raises ValueError unless ``text`` is nine ASCII digits holding a valid date whose era digit
    is ``0`` (unknown) or the era that date falls in.
    """
    if len(text) != 9 or not text.isascii() or not text.isdigit():
        raise ValueError(f"birth date {text!r} is not nine digits EYYYYMMDD")
    try:
        era = Era(int(text[0]))
    except ValueError as exc:
        raise ValueError(f"birth date {text!r} has an unknown era digit {text[0]}") from exc
    try:
        day = date(int(text[1:5]), int(text[5:7]), int(text[7:9]))
    except ValueError as exc:
        raise ValueError(f"birth date {text!r} is not a valid Gregorian date") from exc
    if era is not Era.UNKNOWN and era is not era_of(day):
        raise ValueError(f"birth date {text!r}: {day.isoformat()} is not in era {era.name}")
    return era, day
