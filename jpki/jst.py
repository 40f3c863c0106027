"""Japan Standard Time: the one time zone every JPKI date is read in (UTC+9, no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["JST", "today_jst"]

JST = timezone(timedelta(hours=9), "JST")


def today_jst(now: datetime | None = None) -> date:
    """The calendar date in Japan at *now* (default: the current time)."""
    return (now or datetime.now(UTC)).astimezone(JST).date()
