"""Dates as the command line takes and shows them: calendar days in Japan (JST)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

__all__ = ["iso_date", "today_jst"]


def today_jst() -> date:
    """The calendar date in Japan now (:func:`jpki.jst.today_jst`; ``datetime`` is imported
    when a date is needed, not by every command whose options take one)."""
    from jpki.jst import today_jst as today

    return today()


def iso_date(text: str) -> date:
    """argparse type for ``YYYY-MM-DD`` with a clear message for impossible dates."""
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a valid date (use YYYY-MM-DD, e.g. 2025-04-01)"
        ) from None
