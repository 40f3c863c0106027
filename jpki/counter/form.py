"""The clerk's form: what the resident knows or the card face shows, checked and ready for the
diagnosis.

The fields are dates only (a PIN is never asked for, for any purpose): the birth date and the
card's issue date (together they let the expiry rules run), the expiry printed on the card
face, the certificate expiry written on the card, and the end of a period of stay. Bad input
becomes :class:`FormError` with messages for the page; it never reaches the diagnosis.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from jpki.diagnosis import Circumstances, CircumstancesError, check_circumstances
from jpki.errors import InputError
from jpki.rules import RulesInputError
from jpki.texts import Msg

__all__ = ["FIELDS", "CounterInputs", "FormError", "FormProblem", "parse_form"]

FIELDS = ("birth", "card_issued", "card_expiry_printed", "cert_expiry_written", "residence_until")
"""The form's field names, in page order."""

_MAX_LENGTH = 32
_EARLIEST = date(1900, 1, 1)
_LATEST = date(2199, 12, 31)
_SEPARATORS = re.compile(r"[/.年月]")


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One thing wrong with the form.

    :param field: the field concerned, or None for the form as a whole.
    :param message: what to tell the clerk (``counter.form.*``).
    """

    field: str | None
    message: Msg


class FormError(InputError):
    """The form cannot be used; :attr:`problems` says why, field by field."""

    def __init__(self, problems: tuple[FormProblem, ...]) -> None:
        super().__init__("; ".join(problem.message.key for problem in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CounterInputs:
    """The dates the clerk entered (all optional).

    :param birth: the resident's date of birth.
    :param card_issued: the day the card was issued (with *birth*: the expiry rules run).
    :param card_expiry_printed: the expiry printed on the card face.
    :param cert_expiry_written: the certificate expiry written on the card.
    :param residence_until: the end of the period of stay.
    """

    birth: date | None = None
    card_issued: date | None = None
    card_expiry_printed: date | None = None
    cert_expiry_written: date | None = None
    residence_until: date | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing was entered."""
        return all(getattr(self, f.name) is None for f in fields(self))

    def values(self) -> dict[str, str]:
        """The dates as the form shows them (``YYYY-MM-DD``, empty when not given)."""
        return {
            name: "" if (value := getattr(self, name)) is None else value.isoformat()
            for name in FIELDS
        }

    def circumstances(self) -> Circumstances:
        """The diagnosis circumstances these dates give (see :func:`parse_form` for checks)."""
        return Circumstances(
            birth=self.birth,
            card_issued=self.card_issued,
            residence_until=self.residence_until,
        )


def _parse_date(name: str, raw: str) -> tuple[date | None, FormProblem | None]:
    text = raw.strip()
    if not text:
        return None, None
    if len(text) > _MAX_LENGTH:
        return None, FormProblem(name, Msg("counter.form.not_a_date", value=text[:_MAX_LENGTH]))
    normalised = _SEPARATORS.sub("-", text.replace("日", "")).strip("-")
    parts = normalised.split("-")
    try:
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            raise ValueError(text)
        year, month, day = (int(part) for part in parts)
        value = date(year, month, day)
    except ValueError:
        return None, FormProblem(name, Msg("counter.form.not_a_date", value=text))
    if not _EARLIEST <= value <= _LATEST:
        return None, FormProblem(name, Msg("counter.form.out_of_range", value=value))
    return value, None


def parse_form(values: Mapping[str, str], today: date) -> CounterInputs:
    """The clerk's form as :class:`CounterInputs`, checked against each other and the rules.

    :param values: the submitted fields (others, such as the token, are ignored).
    :param today: the day judged.
    :raises FormError: a value is not a date, is out of range, or the dates cannot belong to
        one card; every problem found is listed.
    """
    parsed: dict[str, date | None] = {}
    problems: list[FormProblem] = []
    for name in FIELDS:
        value, problem = _parse_date(name, values.get(name, ""))
        parsed[name] = value
        if problem is not None:
            problems.append(problem)
    if problems:
        raise FormError(tuple(problems))
    inputs = CounterInputs(**parsed)
    if inputs.birth is not None and inputs.birth > today:
        raise FormError((FormProblem("birth", Msg("counter.form.birth_in_future")),))
    if (inputs.birth is None) != (inputs.card_issued is None):
        missing = "card_issued" if inputs.card_issued is None else "birth"
        raise FormError((FormProblem(missing, Msg("counter.form.birth_and_issue_together")),))
    try:
        check_circumstances(inputs.circumstances(), today)
    except CircumstancesError:
        together = Msg("counter.form.birth_and_issue_together")
        raise FormError((FormProblem(None, together),)) from None
    except RulesInputError as exc:
        key = f"counter.form.problem.{exc.problem.value}"
        raise FormError((FormProblem(None, Msg(key)),)) from None
    return inputs
