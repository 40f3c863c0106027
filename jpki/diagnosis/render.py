"""The text report: one line per finding, worst first, in Japanese or English.

Each finding reads ``[要対応] what is the case. → what to do, where and when``; a finding
resting on an unconfirmed reading of the rules carries ``※`` (``(unconfirmed)``). The report
opens with the day and the overall result and ends with the general notes (lost card, fees,
whom to call).
"""

from __future__ import annotations

from .findings import Finding, Severity
from .report import Diagnosis
from .text import Lang, Text, ja_date

__all__ = ["render_finding", "render_text"]

_UNCONFIRMED = Text("※", "(unconfirmed)")


def render_finding(finding: Finding, lang: Lang | str) -> str:
    """One finding as one line."""
    parts = [f"[{finding.severity.label.get(lang)}]"]
    if finding.unconfirmed:
        parts.append(_UNCONFIRMED.get(lang))
    parts.append(finding.message.get(lang))
    if finding.action is not None:
        parts.append(f"→ {finding.action.get(lang)}")
    return " ".join(parts)


def render_text(diagnosis: Diagnosis, lang: Lang | str) -> list[str]:
    """The whole report as lines of text."""
    language = Lang(lang)
    today = diagnosis.today
    counts = {
        severity: sum(1 for f in diagnosis.findings if f.severity is severity)
        for severity in Severity
    }
    action, attention = counts[Severity.ACTION_NEEDED], counts[Severity.ATTENTION]
    overall = diagnosis.severity.label
    lines = [
        Text(
            f"マイナンバーカード診断（{ja_date(today)}時点）",
            f"My Number Card diagnosis as of {today.isoformat()}",
        ).get(language),
        Text(
            f"判定: {overall.ja}（要対応 {action}件、注意 {attention}件）",
            f"Result: {overall.en} ({action} action needed, {attention} attention)",
        ).get(language),
        "",
    ]
    lines.extend(render_finding(finding, language) for finding in diagnosis.findings)
    if diagnosis.notes:
        lines.append("")
        bullet = "・" if language is Lang.JA else "- "
        lines.extend(f"{bullet}{note.get(language)}" for note in diagnosis.notes)
    return lines
