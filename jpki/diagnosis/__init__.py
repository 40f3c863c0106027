"""Diagnose a My Number Card for counter staff: what is wrong, what to do, where and when.

Read the facts without any PIN (:func:`read_facts`, :mod:`jpki.diagnosis.collect`), judge them
with the expiry rules (:func:`diagnose`, :mod:`jpki.diagnosis.judge`), then show the same
:class:`Diagnosis` as text (:func:`render_text`) or JSON (:meth:`Diagnosis.to_json`). Findings
carry judgments (codes, remedies, dates, counts), never words: the words come from the
``diagnosis`` message catalogs (:mod:`jpki.diagnosis.words`) and the municipality file when a
diagnosis is shown. Finding codes are listed in :mod:`jpki.diagnosis.findings`; the JSON schema
in :mod:`jpki.diagnosis.result`; the municipality file in :mod:`jpki.diagnosis.municipality`.
"""

from __future__ import annotations

from .circumstances import (
    Circumstances,
    CircumstancesError,
    GivenDates,
    RuleInputs,
    check_circumstances,
    rule_inputs,
)
from .collect import read_facts, read_session_facts
from .facts import CardFacts, ChainFacts, ChipKind, PinFact, Problem
from .findings import Basis, Finding, FindingCode, Remedy, Severity, StoreRoute
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
