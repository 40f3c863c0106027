"""Diagnose a My Number Card for counter staff: what is wrong, what to do, where and when.

Read the facts without any PIN (:func:`read_facts`), judge them with the expiry rules
(:func:`diagnose`), then render the same :class:`Diagnosis` as text (:func:`render_text`) or
JSON (:meth:`Diagnosis.to_json`). Finding codes are listed in :mod:`jpki.diagnosis.findings`;
the JSON schema in :mod:`jpki.diagnosis.report`; the municipality file in
:mod:`jpki.diagnosis.municipality`.
"""

from __future__ import annotations

from .circumstances import (
    Circumstances,
    CircumstancesError,
    RuleInputs,
    check_circumstances,
    rule_inputs,
)
from .engine import diagnose
from .facts import CardFacts, ChainFacts, ChipKind, PinFact, Problem
from .findings import Finding, FindingCode, Severity
from .municipality import (
    Contact,
    Municipality,
    MunicipalityError,
    default_municipality,
    load_municipality,
    parse_municipality,
)
from .reader import read_facts, read_session_facts
from .render import render_finding, render_text
from .report import SCHEMA, Diagnosis
from .text import Lang, Text

__all__ = [
    "SCHEMA",
    "CardFacts",
    "ChainFacts",
    "ChipKind",
    "Circumstances",
    "CircumstancesError",
    "Contact",
    "Diagnosis",
    "Finding",
    "FindingCode",
    "Lang",
    "Municipality",
    "MunicipalityError",
    "PinFact",
    "Problem",
    "RuleInputs",
    "Severity",
    "Text",
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
