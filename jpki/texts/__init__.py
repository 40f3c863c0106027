"""One way to say things in every language: message catalogs, and the messages that name them.

Every sentence the toolkit shows a person lives in a catalog: one folder per language beside
this module (``ja/``, ``en/``), one JSON file per domain in it (``cli.json``,
``diagnosis.json``, ...), each a flat object from a key to a template. A :class:`Msg` names a
catalog entry (``"cli.pin.blocked"`` is the key ``pin.blocked`` of ``cli.json``) and the values
it needs; it is rendered only where it is shown, in the language of that place, so a result can
carry messages and be printed as text, JSON or a web page alike.

Templates use :meth:`str.format` fields (``{remaining}``). A template that depends on a count is
an object of plural forms (``{"one": ..., "other": ...}``) chosen by the ``count`` value. Values
are rendered in the same language: a :class:`Msg` recursively, a :class:`~datetime.date` with the
catalog's ``common.date`` template, a list or tuple joined with ``common.join``.

Adding a language is adding a folder of catalogs: no code changes. A key missing from a
language falls back to English; the tests require every key in every language.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from functools import cache

# Kept off the start-up path (each costs milliseconds, and --help renders texts): json is
# imported when a catalog is read, datetime is looked up only if some module has loaded it.
TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help
if TYPE_CHECKING:
    from datetime import date

__all__ = [
    "DEFAULT_LANGUAGE",
    "Joined",
    "Msg",
    "catalog",
    "default_language",
    "language",
    "languages",
    "render",
]

DEFAULT_LANGUAGE = "en"
"""The language used when none is asked for and the locale names none we have."""

_HERE = os.path.dirname(os.path.abspath(__file__))

Template = str | dict[str, str]


class Msg:
    """A sentence to be said: a catalog key and the values it names, rendered at the edge.

    :param key: ``domain.key`` (``"cli.pin.blocked"``).
    :param params: the values the template names; see :func:`render` for how each is shown.
    """

    __slots__ = ("key", "params")

    key: str
    params: Mapping[str, object]

    def __init__(self, key: str, /, **params: object) -> None:
        if "." not in key:
            raise ValueError(f"a message key is 'domain.key', not {key!r}")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Msg is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))

    def __repr__(self) -> str:
        params = "".join(f", {name}={value!r}" for name, value in self.params.items())
        return f"Msg({self.key!r}{params})"

    def render(self, lang: str) -> str:
        """This message in *lang*."""
        return render(self, lang)


class Joined:
    """Several pieces said one after the other, joined with a catalog's separator.

    :param parts: messages or plain values; ``None`` and pieces that render empty are left out.
    :param separator: the key of the separator (``common.sentences``: no space in Japanese,
        one space in English).
    """

    __slots__ = ("parts", "separator")

    def __init__(self, parts: Iterable[object], separator: str = "common.sentences") -> None:
        self.parts = tuple(part for part in parts if part is not None)
        self.separator = separator

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.separator) == (
            other.parts,
            other.separator,
        )

    def __hash__(self) -> int:
        return hash((self.parts, self.separator))

    def __repr__(self) -> str:
        return f"Joined({self.parts!r}, {self.separator!r})"

    def render(self, lang: str) -> str:
        """The pieces in *lang*, joined."""
        return render(self, lang)


@cache
def languages() -> tuple[str, ...]:
    """The languages that have catalogs, sorted (``("en", "ja")``)."""
    return tuple(
        sorted(
            name
            for name in os.listdir(_HERE)
            if len(name) == 2 and os.path.isdir(os.path.join(_HERE, name))
        )
    )


def language(code: str) -> str:
    """The catalog language for *code* (``"ja"``, ``"JA"``, ``"ja_JP.UTF-8"`` -> ``"ja"``).

    :raises ValueError: no catalog for that language.
    """
    short = code.strip().lower()[:2]
    if short not in languages():
        raise ValueError(f"no texts in language {code!r} (have: {', '.join(languages())})")
    return short


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale (LC_ALL, LC_MESSAGES or LANG) when we have it, else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            short = value.lower()[:2]
            return short if short in languages() else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@cache
def catalog(lang: str, domain: str) -> Mapping[str, Template]:
    """The templates of one domain in one language (empty when that file does not exist)."""
    path = os.path.join(_HERE, lang, f"{domain}.json")
    import json

    try:
        with open(path, encoding="utf-8") as stream:
            loaded: dict[str, Template] = json.load(stream)
    except FileNotFoundError:
        return {}
    return loaded


def _template(key: str, lang: str) -> Template:
    domain, _, name = key.partition(".")
    for candidate in (lang, DEFAULT_LANGUAGE):
        found = catalog(candidate, domain).get(name)
        if found is not None:
            return found
    raise KeyError(f"no text {key!r} in any catalog")


def _plural(forms: dict[str, str], count: object) -> str:
    if count == 1 and "one" in forms:
        return forms["one"]
    return forms["other"]


def _date_type() -> type[date] | tuple[()]:
    """:class:`datetime.date`, or nothing to match when no module has imported datetime (then
    no value can be a date)."""
    module = sys.modules.get("datetime")
    if module is None:
        return ()
    date_type: type[date] = module.date
    return date_type


def render(value: object, lang: str) -> str:
    """*value* as text in *lang*.

    A :class:`Msg` is looked up and filled in; :class:`Joined` pieces are joined; a date follows
    ``common.date``; a list or tuple is rendered item by item and joined with ``common.join``;
    ``None`` is empty; anything else is ``str(value)`` (names, numbers, paths are the same in
    every language).
    """
    if isinstance(value, Msg):
        template = _template(value.key, lang)
        if isinstance(template, dict):
            template = _plural(template, value.params.get("count"))
        if not value.params:
            return template
        fields: dict[str, str] = {name: render(v, lang) for name, v in value.params.items()}
        return template.format_map(fields)
    if isinstance(value, Joined):
        pieces = (render(part, lang) for part in value.parts)
        return render(Msg(value.separator), lang).join(piece for piece in pieces if piece)
    if isinstance(value, _date_type()):
        return render(
            Msg(
                "common.date",
                year=value.year,
                month=value.month,
                day=value.day,
                iso=value.isoformat(),
            ),
            lang,
        )
    if isinstance(value, list | tuple):
        return render(Msg("common.join"), lang).join(render(item, lang) for item in value)
    if value is None:
        return ""
    return str(value)
