"""Rule inputs written as ISO dates in tests: ``birth="1980-10-10"``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any


def iso_dates(fields: Mapping[str, Any]) -> dict[str, Any]:
    """*fields* with every plain string read as a ``YYYY-MM-DD`` date; enums (a ``StrEnum`` is a
    string too), flags and dates stay as they are."""
    return {
        name: date.fromisoformat(value) if type(value) is str else value
        for name, value in fields.items()
    }
