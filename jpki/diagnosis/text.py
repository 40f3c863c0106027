"""Wording that exists in Japanese and English, picked at rendering time.

A diagnosis is built once with both languages in it; the text report and ``--json`` then choose
the language, so both render the same object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum, unique

__all__ = ["Lang", "Text", "en_date", "ja_date"]


@unique
class Lang(StrEnum):
    """A language reports are written in."""

    JA = "ja"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of wording in both languages.

    :param ja: the Japanese wording (polite counter language).
    :param en: the English wording.
    """

    ja: str
    en: str

    def get(self, lang: Lang | str) -> str:
        """The wording in *lang* (``ja`` or ``en``).

        :raises ValueError: any other language.
        """
        return self.ja if Lang(lang) is Lang.JA else self.en

    def __add__(self, other: Text) -> Text:
        """Both wordings joined: Japanese without a separator, English with a space."""
        return Text.join((self, other))

    @classmethod
    def join(cls, parts: Iterable[Text | None], *, ja_sep: str = "", en_sep: str = " ") -> Text:
        """Join the non-empty *parts* (None and empty wordings are skipped)."""
        kept = [part for part in parts if part is not None and (part.ja or part.en)]
        return cls(
            ja_sep.join(part.ja for part in kept if part.ja),
            en_sep.join(part.en for part in kept if part.en),
        )


def ja_date(day: date) -> str:
    """A date as Japanese documents write it: ``2026年11月22日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(day: date) -> str:
    """A date as the English reports write it: ISO ``2026-11-22``."""
    return day.isoformat()
