"""Diagnose a My Number Card for counter staff: what is wrong, what to do, where and when.

Read the facts without any PIN (:func:`read_facts`, :mod:`jpki.diagnosis.collect`), judge them
with the expiry rules (:func:`diagnose`, :mod:`jpki.diagnosis.judge`), then show the same
:class:`Diagnosis` as text (:func:`render_text`) or JSON (:meth:`Diagnosis.to_json`). Findings
carry judgments (codes, remedies, dates, counts), never words: the words come from the
``diagnosis`` message catalogs (:mod:`jpki.diagnosis.words`) and the municipality file when a
diagnosis is shown. Finding codes are listed in :mod:`jpki.diagnosis.findings`; the JSON schema
in :mod:`jpki.diagnosis.result`; the municipality file in :mod:`jpki.diagnosis.municipality`.

What staff know is the rules' own :class:`jpki.rules.KnownDates` (:mod:`jpki.diagnosis.given`).
:class:`Circumstances`, :class:`CircumstancesError` and :func:`check_circumstances` keep the
earlier names working for forms written against them: :class:`Circumstances` is ``KnownDates``
with the form's checks (the birth and card issue dates together).

Importing this package loads none of its modules: each name below is imported on first use, so
that ``jpki status``, which reads the facts (:mod:`~jpki.diagnosis.collect`), does not pay for
the judge, the rules' reports, the municipality file and the text report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jpki.lazy import lazy_attributes

if TYPE_CHECKING:
    from .collect import read_facts, read_session_facts
    from .facts import CardFacts, ChainFacts, ChipKind, PinFact, Problem
    from .findings import Basis, Finding, FindingCode, Remedy, Severity, StoreRoute
    from .given import (
        Circumstances,
        CircumstancesError,
        GivenDates,
        RuleInputs,
        check_circumstances,
        rule_inputs,
    )
    from .judge import diagnose
    from .municipality import (
        Contact,
        Localized,
        Municipality,
        MunicipalityError,
        default_municipality,
        load_municipality,
        parse_municipality,
    )
    from .notes import Note
    from .result import SCHEMA, Diagnosis, KeyDates, Timeline
    from .text_report import render_finding, render_text

__all__ = [
    "SCHEMA",
    "Basis",
    "CardFacts",
    "ChainFacts",
    "ChipKind",
    "Circumstances",
    "CircumstancesError",
    "Contact",
    "Diagnosis",
    "Finding",
    "FindingCode",
    "KeyDates",
    "GivenDates",
    "Localized",
    "Municipality",
    "MunicipalityError",
    "Note",
    "PinFact",
    "Problem",
    "Remedy",
    "RuleInputs",
    "Severity",
    "StoreRoute",
    "Timeline",
    "check_circumstances",
    "default_municipality",
    "diagnose",
    "load_municipality",
    "parse_municipality",
    "read_facts",
    "read_session_facts",
    "render_finding",
    "render_text",
    "rule_inputs",
]

# Public name -> the module of this package that defines it.
_LAZY: dict[str, str] = {
    "Basis": "findings",
    "CardFacts": "facts",
    "ChainFacts": "facts",
    "ChipKind": "facts",
    "Circumstances": "given",
    "CircumstancesError": "given",
    "Contact": "municipality",
    "Diagnosis": "result",
    "Finding": "findings",
    "FindingCode": "findings",
    "GivenDates": "given",
    "KeyDates": "result",
    "Localized": "municipality",
    "Municipality": "municipality",
    "MunicipalityError": "municipality",
    "Note": "notes",
    "PinFact": "facts",
    "Problem": "facts",
    "Remedy": "findings",
    "RuleInputs": "given",
    "SCHEMA": "result",
    "Severity": "findings",
    "StoreRoute": "findings",
    "Timeline": "result",
    "check_circumstances": "given",
    "default_municipality": "municipality",
    "diagnose": "judge",
    "load_municipality": "municipality",
    "parse_municipality": "municipality",
    "read_facts": "collect",
    "read_session_facts": "collect",
    "render_finding": "text_report",
    "render_text": "text_report",
    "rule_inputs": "given",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
