"""Dates as the command line takes and shows them: calendar days in Japan (JST)."""

from __future__ import annotations

import argparse
from datetime import date

from jpki.jst import today_jst

__all__ = ["iso_date", "today_jst"]


def iso_date(text: str) -> date:
    """argparse type for ``YYYY-MM-DD`` with a clear message for impossible dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a valid date (use YYYY-MM-DD, e.g. 2025-04-01)"
        ) from None
