"""What the templates show, made from the report JSON and the page's texts.

The page, ``jpki diagnose --json`` and the text report render the same
:class:`~jpki.diagnosis.Diagnosis`: the findings' wording is taken from
:meth:`~jpki.diagnosis.Diagnosis.to_json` as it is, never rewritten here. The page's own texts
(headings, buttons, labels, the hand-out's boilerplate) come from the ``counter`` catalogs of
:mod:`jpki.texts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jpki.diagnosis import Diagnosis
from jpki.texts import Msg, render

from .form import CounterInputs
from .timeline import timeline_svg

__all__ = ["ReportView", "Texts", "face_checks", "pick", "report_view"]


class Texts:
    """The page's texts in one language: ``t("button.clear")`` renders ``counter.button.clear``.

    :param lang: the catalog language.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        """The ``counter`` text *key* with *params*."""
        return render(Msg(f"counter.{key}", **params), self.lang)

    def key(self, key: str, **params: object) -> str:
        """The text *key* of any domain (``diagnosis.severity.ok``): words the page shares
        with the text report come from the report's own catalog."""
        return render(Msg(key, **params), self.lang)

    def msg(self, message: Msg) -> str:
        """Any message, in this language."""
        return render(message, self.lang)

    def date(self, day: date) -> str:
        """A date as this language writes it."""
        return render(day, self.lang)


def pick(value: object, lang: str) -> str:
    """A municipality value in *lang*: ``{"ja": ..., "en": ...}`` picks, plain text stays."""
    if isinstance(value, Mapping):
        chosen = value.get(lang) or value.get("en") or next(iter(value.values()), "")
        return str(chosen)
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class ReportView:
    """One reader's report, ready for a template.

    :param report: :meth:`Diagnosis.to_json` in the page's language.
    :param counts: the number of findings by severity value.
    :param timeline: the timeline picture (SVG markup).
    :param face: what the dates read off the card face say beside the chip's.
    """

    report: dict[str, Any]
    counts: dict[str, int]
    timeline: str
    face: tuple[str, ...]

    @property
    def severity(self) -> str:
        """The overall severity value (``ok``, ``attention``, ``action_needed``)."""
        return str(self.report["severity"])

    @property
    def today(self) -> date | None:
        """The day judged."""
        return _iso(self.report.get("today"))

    @property
    def findings(self) -> list[dict[str, Any]]:
        """The findings, worst first, as the JSON has them."""
        return list(self.report["findings"])

    @property
    def to_act(self) -> list[dict[str, Any]]:
        """The findings that come with something to do."""
        return [finding for finding in self.findings if finding.get("action")]

    @property
    def municipality(self) -> dict[str, Any]:
        """The municipality configuration the report used."""
        return dict(self.report.get("municipality") or {})


def _iso(value: object) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def face_checks(report: Mapping[str, Any], inputs: CounterInputs) -> tuple[Msg, ...]:
    """The card-face dates the clerk entered, compared with the chip's."""
    card: Mapping[str, Any] = report.get("card") or {}
    notes: list[Msg] = []
    chip_card = _iso(card.get("card_expiry"))
    printed = inputs.card_expiry_printed
    if printed is not None and chip_card is not None:
        key = "card_same" if printed == chip_card else "card_differs"
        notes.append(Msg(f"counter.face.{key}", printed=printed, chip=chip_card))
    auth: Mapping[str, Any] = card.get("auth_certificate") or {}
    chip_cert = _iso(auth.get("expiry_date"))
    written = inputs.cert_expiry_written
    if written is not None and chip_cert is not None:
        key = "cert_same" if written == chip_cert else "cert_differs"
        notes.append(Msg(f"counter.face.{key}", written=written, chip=chip_cert))
    return tuple(notes)


def report_view(diagnosis: Diagnosis, inputs: CounterInputs, lang: str) -> ReportView:
    """The report of one reader in *lang*, from the one JSON form of the diagnosis."""
    report: dict[str, Any] = dict(diagnosis.to_json(lang))
    counts: dict[str, int] = {}
    for finding in report["findings"]:
        severity = str(finding["severity"])
        counts[severity] = counts.get(severity, 0) + 1
    card = report.get("card") or {}
    # A card without the JPKI application has no dates to draw.
    drawable = card.get("chip") != "not_a_my_number_card"
    return ReportView(
        report=report,
        counts=counts,
        timeline=timeline_svg(report, inputs, lang) if drawable else "",
        face=tuple(render(note, lang) for note in face_checks(report, inputs)),
    )
