"""The text report: one line per finding, worst first, in the language asked for.

Each finding reads ``[要対応] what is the case. → what to do, where and when``; a finding
resting on an unconfirmed reading of the rules carries ``※`` (``(unconfirmed)``). The report
opens with the day and the overall result and ends with the general notes (lost card, fees,
whom to call). It shows the same :class:`~jpki.diagnosis.result.Diagnosis` as ``--json``.
"""

from __future__ import annotations

from jpki.texts import Msg, language, render

from . import words
from .findings import Finding, Severity
from .result import Diagnosis

__all__ = ["render_finding", "render_text"]


def render_finding(diagnosis: Diagnosis, finding: Finding, lang: str) -> str:
    """One finding as one line."""
    chosen = language(lang)
    parts = [f"[{words.severity_label(finding.severity, chosen)}]"]
    if finding.unconfirmed:
        parts.append(words.unconfirmed_mark(chosen))
    parts.append(diagnosis.message(finding, chosen))
    action = diagnosis.action(finding, chosen)
    if action is not None:
        parts.append(f"→ {action}")
    return " ".join(parts)


def render_text(diagnosis: Diagnosis, lang: str) -> list[str]:
    """The whole report as lines of text.

    :raises ValueError: no texts in *lang*.
    """
    chosen = language(lang)
    counts = {
        severity: sum(1 for f in diagnosis.findings if f.severity is severity)
        for severity in Severity
    }
    lines = [
        render(Msg("diagnosis.report.title", today=diagnosis.today), chosen),
        render(
            Msg(
                "diagnosis.report.result",
                overall=words.severity_label(diagnosis.severity, chosen),
                action=counts[Severity.ACTION_NEEDED],
                attention=counts[Severity.ATTENTION],
            ),
            chosen,
        ),
        "",
    ]
    lines.extend(render_finding(diagnosis, finding, chosen) for finding in diagnosis.findings)
    notes = diagnosis.note_texts(chosen)
    if notes:
        bullet = render(Msg("diagnosis.report.bullet"), chosen)
        lines.append("")
        lines.extend(f"{bullet}{note}" for note in notes)
    return lines
