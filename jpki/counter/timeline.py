"""The timeline picture: the card, the two certificates, their renewal windows and today, as SVG.

Drawn on the server from the report JSON (:meth:`jpki.diagnosis.Diagnosis.to_json`): its key
dates (``timeline``: each item's expiry and renewal window), the start dates from the chip
(``card``) and the rules (``expected``, when the birth and issue dates were given), and the
dates the clerk read off the card face. Colours and fonts come from the page's
stylesheet through classes (the page's Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from jpki.texts import Msg, render

from .form import CounterInputs

__all__ = ["Bar", "timeline_bars", "timeline_svg"]

_WIDTH = 760
_LABEL = 200
_ROW = 46
_TOP = 34
_MARGIN_DAYS = 120


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of the timeline.

    :param key: ``card``, ``auth`` or ``sign`` (the row's label is ``counter.timeline.KEY``).
    :param start: when it began, if known (else the bar starts at the picture's left edge).
    :param end: its expiry, if known.
    :param renewal_from: the first day of its renewal window.
    :param at_most: the expiry is only an upper bound (drawn dashed).
    :param absent: there is no such thing on the card.
    :param marker: a date the clerk read off the card face, drawn as a mark.
    """

    key: str
    start: date | None = None
    end: date | None = None
    renewal_from: date | None = None
    at_most: bool = False
    absent: bool = False
    marker: date | None = None


def _day(value: object) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _value(item: object, key: str) -> date | None:
    """``item[key]["value"]`` (a rules result) or ``item[key]`` as a date."""
    if not isinstance(item, Mapping):
        return None
    found = item.get(key)
    if isinstance(found, Mapping):
        return _day(found.get("value"))
    return _day(found)


def timeline_bars(report: Mapping[str, Any], inputs: CounterInputs) -> tuple[Bar, ...]:
    """The rows to draw, from the report JSON and the clerk's inputs."""
    card: Mapping[str, Any] = report.get("card") or {}
    expected: Mapping[str, Any] = report.get("expected") or {}
    keys: Mapping[str, Any] = report.get("timeline") or {}
    auth: Mapping[str, Any] = card.get("auth_certificate") or {}
    availability: Mapping[str, Any] = card.get("availability") or {}
    rules_card = expected.get("card") or {}
    rules_sign = expected.get("sign_cert") or {}

    def issued(item: object) -> date | None:
        return _day(item.get("issued")) if isinstance(item, Mapping) else None

    def key(item: str, name: str) -> date | None:
        dates = keys.get(item)
        return _day(dates.get(name)) if isinstance(dates, Mapping) else None

    card_bar = Bar(
        "card",
        start=issued(rules_card),
        end=key("card", "expiry") or _day(card.get("card_expiry")) or _value(rules_card, "expiry"),
        renewal_from=key("card", "renewal_from")
        or _day(card.get("card_renewal_from"))
        or _value(rules_card, "renewal_from"),
        marker=inputs.card_expiry_printed,
    )
    auth_bar = Bar(
        "auth",
        start=_day(auth.get("not_before")),
        end=key("auth_cert", "expiry") or _day(auth.get("expiry_date")),
        renewal_from=key("auth_cert", "renewal_from") or _day(auth.get("renewal_from")),
        absent=card.get("auth_certificate_problem") == "absent",
    )
    sign_end = key("sign_cert", "expiry") or _value(rules_sign, "expiry")
    if sign_end is not None:
        sign_bar = Bar(
            "sign",
            start=issued(rules_sign),
            end=sign_end,
            renewal_from=key("sign_cert", "renewal_from") or _value(rules_sign, "renewal_from"),
            marker=inputs.cert_expiry_written,
        )
    elif availability.get("sign_certificate") is False:
        sign_bar = Bar("sign", absent=True, marker=inputs.cert_expiry_written)
    else:
        # The chip shows the signature certificate's expiry only with its password; it never
        # ends after the user-authentication certificate.
        sign_bar = Bar(
            "sign",
            start=auth_bar.start,
            end=auth_bar.end,
            at_most=auth_bar.end is not None,
            marker=inputs.cert_expiry_written,
        )
    return (card_bar, auth_bar, sign_bar)


def _text_width(text: str) -> float:
    """About how wide *text* is drawn at the dates' size (full-width characters twice)."""
    return sum(13.0 if ord(char) > 0x2000 else 7.0 for char in text)


def _span(bars: tuple[Bar, ...], today: date) -> tuple[date, date]:
    days = [today]
    for bar in bars:
        days.extend(d for d in (bar.start, bar.end, bar.renewal_from, bar.marker) if d)
    low, high = min(days), max(days)
    return low - timedelta(days=_MARGIN_DAYS), high + timedelta(days=_MARGIN_DAYS)


def timeline_svg(report: Mapping[str, Any], inputs: CounterInputs, lang: str) -> str:
    """The timeline as an inline ``<svg>`` element, labelled in *lang*."""
    today = _day(report.get("today")) or date.today()
    bars = timeline_bars(report, inputs)
    low, high = _span(bars, today)
    scale = (_WIDTH - _LABEL - 20) / max(1, (high - low).days)

    def x(day: date) -> float:
        return round(_LABEL + (day - low).days * scale, 1)

    def text(key: str, **params: object) -> str:
        return escape(render(Msg(f"counter.timeline.{key}", **params), lang))

    height = _TOP + _ROW * len(bars) + 30
    title = text("title")
    label = quoteattr(render(Msg("counter.timeline.title"), lang))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" aria-label={label}>',
        f"<title>{title}</title>",
    ]
    bottom = height - 24
    for year in range(low.year + 1, high.year + 1):
        at = x(date(year, 1, 1))
        parts.append(f'<line class="tl-grid" x1="{at}" y1="{_TOP - 8}" x2="{at}" y2="{bottom}"/>')
        parts.append(f'<text class="tl-year" x="{at}" y="{height - 8}">{year}</text>')
    for index, bar in enumerate(bars):
        top = _TOP + index * _ROW
        parts.append(f'<text class="tl-label" x="8" y="{top + 18}">{text(bar.key)}</text>')
        note = f'<text class="tl-note" x="{_LABEL}" y="{top + 18}">'
        if bar.absent:
            parts.append(f"{note}{text('absent')}</text>")
            continue
        if bar.end is None:
            parts.append(f"{note}{text('unknown')}</text>")
        else:
            left = x(bar.start) if bar.start else _LABEL
            right = x(bar.end)
            kind = "tl-bar tl-at-most" if bar.at_most else "tl-bar"
            parts.append(
                f'<rect class="{kind} tl-{bar.key}" x="{left}" y="{top + 4}" '
                f'width="{max(1.0, right - left):.1f}" height="18" rx="3"/>'
            )
            if bar.renewal_from is not None and bar.renewal_from <= bar.end:
                start = x(bar.renewal_from)
                parts.append(
                    f'<rect class="tl-window" x="{start}" y="{top + 4}" '
                    f'width="{max(2.0, right - start):.1f}" height="18" rx="3"/>'
                )
            ends = text("ends_at_most" if bar.at_most else "ends", day=bar.end)
            if bar.renewal_from is not None and not bar.at_most:
                ends = f"{ends} · {text('renewal_from', day=bar.renewal_from)}"
            anchor = "end" if right + _text_width(ends) > _WIDTH else "start"
            label_x = right if anchor == "end" else right + 4
            parts.append(
                f'<text class="tl-date" x="{label_x}" y="{top + 36}" text-anchor="{anchor}">'
                f"{ends}</text>"
            )
        if bar.marker is not None:
            at = x(bar.marker)
            parts.append(
                f'<path class="tl-marker" d="M{at} {top + 1} l5 -6 h-10 z">'
                f"<title>{text('marker', day=bar.marker)}</title></path>"
            )
    now = x(today)
    parts.append(
        f'<line class="tl-today" x1="{now}" y1="{_TOP - 14}" x2="{now}" y2="{height - 24}"/>'
    )
    parts.append(
        f'<text class="tl-today-label" x="{now}" y="{_TOP - 18}" text-anchor="middle">'
        f"{text('today', day=today)}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
