"""The monthly summary as an SVG bar chart, written by hand (no plotting dependency).

Two bars a month: renewal windows opening and expiries, of the card and the user-authentication
certificate together (the signature certificate follows the user-authentication one in nearly
every case and would double the bars). Titles and legends are messages, rendered in the
caller's language.
"""

from __future__ import annotations

from html import escape

from jpki.texts import Msg, render

from .batch import MonthlySummary

__all__ = ["summary_svg"]

_WIDTH_PER_MONTH = 14
_HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 40, 48
_COLOURS = ("#2f6db5", "#d0632b")


def summary_svg(summary: MonthlySummary, lang: str) -> str:
    """The chart as an SVG document (UTF-8 text)."""
    months = summary.months()
    opening = [
        summary.counts["card_renewal_opens"][m] + summary.counts["auth_cert_renewal_opens"][m]
        for m in months
    ]
    expiring = [
        summary.counts["card_expires"][m] + summary.counts["auth_cert_expires"][m] for m in months
    ]
    peak = max([1, *opening, *expiring])
    plot_width = max(1, len(months)) * _WIDTH_PER_MONTH
    width = _LEFT + plot_width + _RIGHT
    plot_height = _HEIGHT - _TOP - _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_HEIGHT}" '
        f'viewBox="0 0 {width} {_HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{_HEIGHT}" fill="white"/>',
        f'<text x="{_LEFT}" y="16" font-size="13">'
        f"{escape(render(Msg('rules.chart.title'), lang))}</text>",
    ]
    for index, (label, colour) in enumerate(
        zip(
            (render(Msg("rules.chart.opening"), lang), render(Msg("rules.chart.expiring"), lang)),
            _COLOURS,
            strict=True,
        )
    ):
        x = _LEFT + index * 180
        parts.append(f'<rect x="{x}" y="24" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="33">{escape(label)}</text>')
    base = _TOP + plot_height
    parts.append(
        f'<line x1="{_LEFT}" y1="{base}" x2="{_LEFT + plot_width}" y2="{base}" stroke="#444"/>'
    )
    parts.append(f'<text x="{_LEFT - 6}" y="{_TOP + 4}" text-anchor="end">{peak}</text>')
    parts.append(f'<text x="{_LEFT - 6}" y="{base}" text-anchor="end">0</text>')
    bar = (_WIDTH_PER_MONTH - 2) / 2
    for index, month in enumerate(months):
        x = _LEFT + index * _WIDTH_PER_MONTH + 1
        for offset, (value, colour) in enumerate(
            ((opening[index], _COLOURS[0]), (expiring[index], _COLOURS[1]))
        ):
            height = plot_height * value / peak
            parts.append(
                f'<rect x="{x + offset * bar:.1f}" y="{base - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{month}: {value}</title></rect>'
            )
        if month.endswith("-01"):
            parts.append(f'<text x="{x}" y="{base + 14}" font-size="10">{escape(month[:4])}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
