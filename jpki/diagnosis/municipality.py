"""Where residents go: the municipal counter, its hours, phones and fees, from a JSON file.

The packaged default is Bunkyo City (``municipalities/bunkyo.json``, values from its FAQ and
guidebook). Any other municipality is a JSON file with the same keys:

- ``id``: a short name (``bunkyo``).
- ``name``, ``office``, ``counter``, ``location``, ``address``, ``counter_hours``,
  ``convenience_store_hours``: objects from a language to a non-empty string; ``ja`` and ``en``
  are required, any other language the toolkit has texts in may be added (``{"ja": ...,
  "en": ..., "vi": ...}``) and is used for reports in that language.
- ``phone``: the office's main number (digits and hyphens).
- ``call_centre``, ``free_dial``: ``{"name": {"ja", "en"}, "phone": ..., "hours": {"ja", "en"}}``
  (the municipality's My Number card call centre; the national free dial, also for suspending a
  lost card).
- ``reissue_fee_yen``, ``reissue_fee_without_certificates_yen``: whole yen, the re-issue fees
  when a card was lost by the holder's own fault (with and without certificates).

Optional keys (the notes that use them are shorter without them):

- ``abroad_dial``: a contact, the line for suspending a lost card of a resident who moved
  abroad (国外転出者向け専用ダイヤル, guidebook 15-4).
- ``foreign_language_dial``: a contact, the free dial in foreign languages (guidebook p.19).
- ``express_reissue_fee_yen``, ``express_reissue_fee_without_certificates_yen``: the re-issue
  fees with express issuance (特急発行); both or neither.

Keys starting with ``_`` are comments and ignored; any other unknown key is an error, so a typo
cannot silently drop a value.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jpki.errors import JpkiError
from jpki.files import read_limited
from jpki.rules import JsonValue
from jpki.texts import DEFAULT_LANGUAGE, Msg, languages, render

__all__ = [
    "DEFAULT_MUNICIPALITY",
    "Contact",
    "Localized",
    "Municipality",
    "MunicipalityError",
    "default_municipality",
    "load_municipality",
    "parse_municipality",
]

DEFAULT_MUNICIPALITY = "bunkyo"
"""The packaged configuration :func:`default_municipality` loads."""

_MAX_FILE_BYTES = 64 * 1024
_MAX_FEE_YEN = 100_000
_PHONE = re.compile(r"\d{2,5}(?:-\d{1,5}){1,3}")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_TEXT_KEYS = (
    "name",
    "office",
    "counter",
    "location",
    "address",
    "counter_hours",
    "convenience_store_hours",
)
_CONTACT_KEYS = ("call_centre", "free_dial")
_FEE_KEYS = ("reissue_fee_yen", "reissue_fee_without_certificates_yen")
_OPTIONAL_CONTACT_KEYS = ("abroad_dial", "foreign_language_dial")
_OPTIONAL_FEE_KEYS = ("express_reissue_fee_yen", "express_reissue_fee_without_certificates_yen")
_KEYS = frozenset(
    (
        "id",
        "phone",
        *_TEXT_KEYS,
        *_CONTACT_KEYS,
        *_FEE_KEYS,
        *_OPTIONAL_CONTACT_KEYS,
        *_OPTIONAL_FEE_KEYS,
    )
)
_REQUIRED_LANGUAGES = ("ja", "en")


class MunicipalityError(JpkiError):
    """A municipality configuration that cannot be read or is not valid (the message names
    the file and the key).

    :param key: the key at fault, when one is (``counter.ja``), for callers that word their
        own message.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True, slots=True)
class Localized:
    """A municipality's own words (a name, opening hours) in the languages its file gives.

    :param values: ``(language, text)`` pairs; Japanese and English are always there.
    """

    values: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **texts: str) -> Localized:
        """``Localized.of(ja="文京区", en="Bunkyo City")``."""
        return cls(tuple(sorted(texts.items())))

    def get(self, lang: str) -> str:
        """The text in *lang*, else in English."""
        found = dict(self.values)
        return found.get(lang) or found[DEFAULT_LANGUAGE]

    def to_json(self) -> dict[str, JsonValue]:
        """``{language: text}``."""
        return dict(self.values)


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone line residents can call.

    :param name: what the line is called.
    :param phone: the number (digits and hyphens).
    :param hours: when it answers.
    """

    name: Localized
    phone: str
    hours: Localized

    def to_json(self) -> dict[str, JsonValue]:
        """``name`` and ``hours`` by language, and ``phone``."""
        return {"name": self.name.to_json(), "phone": self.phone, "hours": self.hours.to_json()}


@dataclass(frozen=True, slots=True)
class Municipality:
    """The municipal office a diagnosis sends residents to (see the module documentation)."""

    id: str
    name: Localized
    office: Localized
    counter: Localized
    location: Localized
    address: Localized
    phone: str
    counter_hours: Localized
    call_centre: Contact
    free_dial: Contact
    reissue_fee_yen: int
    reissue_fee_without_certificates_yen: int
    convenience_store_hours: Localized
    abroad_dial: Contact | None = None
    foreign_language_dial: Contact | None = None
    express_reissue_fee_yen: int | None = None
    express_reissue_fee_without_certificates_yen: int | None = None

    def counter_place(self, lang: str) -> str:
        """The counter and where it is: ``戸籍住民課窓口（文京シビックセンター2階）``."""
        return render(
            Msg(
                "diagnosis.counter_place",
                counter=self.counter.get(lang),
                location=self.location.get(lang),
            ),
            lang,
        )

    def to_json(self) -> dict[str, JsonValue]:
        """The configuration with the same keys as its JSON file (optional keys when set)."""
        result: dict[str, JsonValue] = {"id": self.id, "phone": self.phone}
        for key in _TEXT_KEYS:
            result[key] = getattr(self, key).to_json()
        for key in _CONTACT_KEYS:
            result[key] = getattr(self, key).to_json()
        for key in _FEE_KEYS:
            result[key] = getattr(self, key)
        for key in _OPTIONAL_CONTACT_KEYS:
            contact = getattr(self, key)
            if contact is not None:
                result[key] = contact.to_json()
        for key in _OPTIONAL_FEE_KEYS:
            if getattr(self, key) is not None:
                result[key] = getattr(self, key)
        return result


def default_municipality() -> Municipality:
    """The packaged configuration (Bunkyo City)."""
    # A file next to this module, read as jpki.texts reads its catalogs: importlib.resources
    # (with zipfile) would cost diagnose 20 ms at every start-up.
    name = f"{DEFAULT_MUNICIPALITY}.json"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "municipalities", name)
    with open(path, encoding="utf-8") as stream:
        return _parse_text(stream.read(), name)


def load_municipality(path: str | os.PathLike[str]) -> Municipality:
    """Read and check a municipality configuration file.

    :raises MunicipalityError: the file cannot be read, is not JSON, or a key is missing,
        unknown or of the wrong shape; the message names the file and the key.
    """
    name = os.fspath(path)
    data = read_limited(path, _MAX_FILE_BYTES, MunicipalityError)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MunicipalityError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    return _parse_text(text, name)


def _parse_text(text: str, source: str) -> Municipality:
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MunicipalityError(
            f"{source}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    return parse_municipality(values, source)


def parse_municipality(values: object, source: str = "municipality") -> Municipality:
    """Check already decoded JSON *values* and build the configuration.

    :param source: names the input in error messages.
    :raises MunicipalityError: a key is missing, unknown or of the wrong shape.
    """
    checker = _Checker(source)
    top = checker.mapping(values, "")
    unknown = sorted(key for key in top if key not in _KEYS and not key.startswith("_"))
    if unknown:
        raise MunicipalityError(
            f"{source}: unknown key(s) {', '.join(repr(key) for key in unknown)}; "
            f"expected {', '.join(sorted(_KEYS))}"
        )
    identifier = checker.string(top, "id")
    if not _ID.fullmatch(identifier):
        raise checker.error("id", "must be 1-40 of a-z, 0-9, '-' and '_'", identifier)
    express = [key for key in _OPTIONAL_FEE_KEYS if key in top]
    if len(express) == 1:
        raise MunicipalityError(f"{source}: {' and '.join(_OPTIONAL_FEE_KEYS)} go together")
    return Municipality(
        id=identifier,
        name=checker.text(top, "name"),
        office=checker.text(top, "office"),
        counter=checker.text(top, "counter"),
        location=checker.text(top, "location"),
        address=checker.text(top, "address"),
        phone=checker.phone(top, "phone"),
        counter_hours=checker.text(top, "counter_hours"),
        call_centre=checker.contact(top, "call_centre"),
        free_dial=checker.contact(top, "free_dial"),
        reissue_fee_yen=checker.fee(top, "reissue_fee_yen"),
        reissue_fee_without_certificates_yen=checker.fee(
            top, "reissue_fee_without_certificates_yen"
        ),
        convenience_store_hours=checker.text(top, "convenience_store_hours"),
        abroad_dial=checker.contact(top, "abroad_dial") if "abroad_dial" in top else None,
        foreign_language_dial=(
            checker.contact(top, "foreign_language_dial")
            if "foreign_language_dial" in top
            else None
        ),
        express_reissue_fee_yen=checker.fee(top, "express_reissue_fee_yen") if express else None,
        express_reissue_fee_without_certificates_yen=(
            checker.fee(top, "express_reissue_fee_without_certificates_yen") if express else None
        ),
    )


class _Checker:
    """Reads typed values out of decoded JSON, naming the file and key in every error."""

    def __init__(self, source: str) -> None:
        self._source = source

    def error(self, key: str, problem: str, value: object = None) -> MunicipalityError:
        shown = "" if value is None else f", got {json.dumps(value, ensure_ascii=False)[:60]}"
        return MunicipalityError(f"{self._source}: key '{key}' {problem}{shown}", key=key)

    def mapping(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            where = f"key '{key}'" if key else "the top level"
            raise MunicipalityError(
                f"{self._source}: {where} must be a JSON object, not {_json_type(value)}"
            )
        return value

    def _get(self, values: Mapping[str, Any], key: str, path: str) -> object:
        if key not in values:
            raise MunicipalityError(f"{self._source}: missing key '{path}'", key=path)
        return values[key]

    def string(self, values: Mapping[str, Any], key: str, prefix: str = "") -> str:
        path = f"{prefix}{key}"
        value = self._get(values, key, path)
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, "must be a non-empty string", value)
        return value.strip()

    def text(self, values: Mapping[str, Any], key: str, prefix: str = "") -> Localized:
        path = f"{prefix}{key}"
        inner = self.mapping(self._get(values, key, path), path)
        extra = sorted(set(inner) - set(languages()))
        if extra:
            raise self.error(
                path,
                f"has unknown language(s) {', '.join(extra)}; use {', '.join(languages())}",
            )
        given = [lang for lang in (*_REQUIRED_LANGUAGES, *sorted(inner)) if lang in inner]
        for lang in _REQUIRED_LANGUAGES:
            self.string(inner, lang, f"{path}.")  # a missing required language names its key
        return Localized.of(
            **{lang: self.string(inner, lang, f"{path}.") for lang in dict.fromkeys(given)}
        )

    def phone(self, values: Mapping[str, Any], key: str, prefix: str = "") -> str:
        number = self.string(values, key, prefix)
        if not _PHONE.fullmatch(number):
            raise self.error(
                f"{prefix}{key}", "must be a phone number such as 03-5803-1666", number
            )
        return number

    def contact(self, values: Mapping[str, Any], key: str) -> Contact:
        inner = self.mapping(self._get(values, key, key), key)
        extra = sorted(set(inner) - {"name", "phone", "hours"})
        if extra:
            raise self.error(key, f"has unknown key(s) {', '.join(extra)}")
        prefix = f"{key}."
        return Contact(
            name=self.text(inner, "name", prefix),
            phone=self.phone(inner, "phone", prefix),
            hours=self.text(inner, "hours", prefix),
        )

    def fee(self, values: Mapping[str, Any], key: str) -> int:
        value = self._get(values, key, key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "must be a whole number of yen", value)
        if not 0 <= value <= _MAX_FEE_YEN:
            raise self.error(key, f"must be 0-{_MAX_FEE_YEN} yen", value)
        return value


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return type(value).__name__
