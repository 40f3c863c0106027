"""Named simulated cards: a holder, dates that follow the expiry rules, certificates, PINs.

A :class:`CardSpec` (with its :class:`HolderSpec`) says what kind of card to make; it holds no
keys and no certificates. :func:`card_data_from_spec` turns it into a complete
:class:`~sim.carddata.CardData` in a few milliseconds: the expiry dates come from
:func:`jpki.rules.evaluate` (card issue date, certificate issue dates, birth date, period of
stay), the certificates are issued by the simulated CAs of :mod:`sim.factory.pki` with notBefore at
10:00 JST on the issue day and notAfter at 23:59:59 JST (14:59:59Z) on the expiry day, and the
keys are published test keys (pool 0 for authentication, 1 for signature, 15 for the
card-info integrity record); nothing is generated, so the same spec always gives the same card.

:data:`PROFILES` names ready-made specs. Each tells its story on :data:`REFERENCE_DATE`
(2026-11-22) with fixed dates, so outputs are reproducible and never depend on the clock.
Asking for another ``today`` moves every date of the profile by the same number of days, so
``renewable`` stays inside its renewal window and ``expired`` stays expired. On 2026-11-22:

* ``adult`` (also ``new-atr``; ``old-atr`` with the older ATR; ``android`` as a smartphone
  token ``JPKIAPGPSETOKEN`` whose auth certificate needs the auth PIN): 番号 太郎, born
  1985-04-12, card issued 2024-06-03, valid to 2034-04-12, both certificates to 2029-04-12.
* ``under15``: 番号 さくら, born 2015-08-20, issued 2023-09-05 (age 8): card and auth
  certificate to 2028-08-20 (5th birthday), no signature certificate (availability ``00 8F``).
* ``minor``: 番号 健太, born 2010-02-14, issued 2025-07-10 (age 15): card and both
  certificates to 2030-02-14 (5th birthday).
* ``foreign-resident``: SMITH JOHN, born 1992-09-03, issued 2025-04-15, period of stay to
  2028-03-31, which caps card and certificates.
* ``face-auth``: 番号 ハナ, born 1948-11-03, issued 2024-03-11: card to 2033-11-03, auth
  certificate to 2028-11-03, no signature certificate, no PIN known to the holder.
* ``blocked``: 番号 次郎, born 1978-12-01, issued 2023-01-16: card to 2032-12-01,
  certificates to 2027-12-01; signature password blocked, auth PIN 1 try left.
* ``expired``: 番号 和子, born 1975-08-08, issued 2019-10-01: certificates expired on
  2024-08-08, the card is valid to 2029-08-08.
* ``renewable``: 番号 一郎, born 1982-01-15, issued 2022-12-05: certificates to 2027-01-15,
  renewable since 2026-10-16; card to 2032-01-15.
* ``juki-card``: 番号 三郎, born 1960-05-05, an old Juki card (``JPKIAPICCTOKEN``, older
  ATR) issued 2015-06-01: certificates expired 2018-06-01, the card 2025-06-01.

Unless a spec says otherwise the three 4-digit PINs are ``1234`` and the signature password is
``ABCD1234``, every PIN with all its tries. A face-auth card has no PIN its holder knows
(RULES.md section 2): the chip model always has the four PIN objects, so on such a card they
hold values derived from the card serial that were never handed out [inferred: what a real
face-auth chip answers to a PIN query is not known]. The old Juki card (``juki-card``)
predates the My Number Card rules, so its dates are given explicitly (certificates valid 3
years, the card 10); the simulator still shows it with all five applications of a My Number
Card.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from apdu.errors import ToolkitError
from jpki.errors import InputError
from jpki.ids import Sex
from jpki.mynumber import is_valid_my_number, make_my_number
from jpki.rules import JST, ExpiryInputs, RulesInputError, evaluate
from jpki.texts import Msg
from sim.carddata import AtrKind, CardData, CardHolder, PinSetting, SexCode, TokenName
from sim.chip.applets.pins import PinFormat
from sim.factory import certcache, testkeys
from sim.store import PIN_MAX_TRIES

if TYPE_CHECKING:
    from sim.factory import pki

__all__ = [
    "AUTH_KEY_INDEX",
    "CARD_INFO_KEY_INDEX",
    "DEFAULT_PIN",
    "DEFAULT_PROFILE",
    "DEFAULT_SIGN_PASSWORD",
    "ISSUE_TIME_JST",
    "PROFILES",
    "REFERENCE_DATE",
    "SIGN_KEY_INDEX",
    "CardExpiries",
    "CardSpec",
    "HolderSpec",
    "Profile",
    "ProfileError",
    "UnknownProfileError",
    "build_card_data",
    "card_data_from_spec",
    "card_spec",
    "get_profile",
]

REFERENCE_DATE = date(2026, 11, 22)
"""The day the profiles' fixed dates are chosen for (their default ``today``)."""

DEFAULT_PROFILE = "adult"
"""The profile used when none is named."""

ISSUE_TIME_JST = time(10, 0)
"""Time of day (JST) of every issue instant: a certificate's notBefore."""

AUTH_KEY_INDEX = 0
"""Test-key pool index of the user-authentication key."""

SIGN_KEY_INDEX = 1
"""Test-key pool index of the signature key."""

CARD_INFO_KEY_INDEX = testkeys.POOL_SIZE - 1
"""Test-key pool index of the key that signs the card-info integrity record."""

DEFAULT_PIN = "1234"
"""The three 4-digit PINs unless a spec says otherwise."""

DEFAULT_SIGN_PASSWORD = "ABCD1234"  # noqa: S105 - the documented default of simulated cards
"""The signature password unless a spec says otherwise."""

_NAME_SEPARATOR = "\u3000"


class ProfileError(ToolkitError):
    """A card spec that cannot describe a card (contradicting dates, a malformed PIN, ...)."""


class UnknownProfileError(ProfileError, InputError):
    """No profile has the requested name.

    :param name: the name asked for.
    :param known: the names that exist.
    """

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(Msg("sim.profile.unknown", name=name, known=known))
        self.name = name
        self.known = known


@dataclass(frozen=True, slots=True)
class _PinSlot:
    """One of the four PINs: its spec and card field, its tries, the shape a value must have."""

    name: str
    fmt: PinFormat
    default: str

    @property
    def tries_field(self) -> str:
        """The spec field with its tries left."""
        return f"{self.name}_tries"

    @property
    def max_tries(self) -> int:
        """The tries of a fresh PIN."""
        return PIN_MAX_TRIES[self.name]


_AUTH = _PinSlot("auth_pin", PinFormat.FOUR_DIGITS, DEFAULT_PIN)
_SIGN = _PinSlot("sign_password", PinFormat.ALPHANUMERIC, DEFAULT_SIGN_PASSWORD)
_CARD_INFO = _PinSlot("card_info_pin", PinFormat.FOUR_DIGITS, DEFAULT_PIN)
_JUKI = _PinSlot("juki_pin", PinFormat.FOUR_DIGITS, DEFAULT_PIN)
_PIN_SLOTS = (_AUTH, _SIGN, _CARD_INFO, _JUKI)


def _require_date(label: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{label} must be a datetime.date")


def _digits(value: str, count: int) -> bool:
    return len(value) == count and value.isascii() and value.isdigit()


@dataclass(frozen=True, slots=True)
class HolderSpec:
    """The person a simulated card belongs to.

    :param name: family and given name separated by U+3000 (``番号\\u3000太郎``).
    :param address: the full address as the card shows it, from the prefecture on.
    :param birth_date: the date of birth.
    :param sex: the card-info application's sex code (the signature certificate writes ``3``
        for anything but male and female).
    :param prefecture: the prefecture, romanised, for the signature certificate's subject.
    :param municipality: the municipality, romanised, for the certificates.
    :param municipality_code: the 5-digit code in the common application's record.
    :param my_number: the 12-digit individual number; None derives a valid one (check digit
        included) from the name and the birth date.
    """

    name: str
    address: str
    birth_date: date
    sex: SexCode
    prefecture: str = "Tokyo-to"
    municipality: str = "Chiyoda-ku"
    municipality_code: str = "13101"
    my_number: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or _NAME_SEPARATOR not in name.strip(_NAME_SEPARATOR):
            raise ProfileError(
                "the holder's name is family and given name separated by U+3000 (full-width space)"
            )
        for label in ("address", "prefecture", "municipality"):
            value = getattr(self, label)
            if not isinstance(value, str) or not value.strip():
                raise ProfileError(f"the holder's {label} must not be empty")
        _require_date("birth_date", self.birth_date)
        if not isinstance(self.sex, SexCode):
            raise TypeError("sex must be a SexCode")
        if not isinstance(self.municipality_code, str) or not _digits(self.municipality_code, 5):
            raise ProfileError("the municipality code is 5 ASCII digits")
        if self.my_number is not None and not is_valid_my_number(self.my_number):
            raise ProfileError("the My Number must be 12 digits with a valid check digit")

    @property
    def individual_number(self) -> str:
        """The My Number: as given, or derived from the name and the birth date."""
        if self.my_number is not None:
            return self.my_number
        seed = f"{self.name}|{self.birth_date.isoformat()}".encode()
        body = int.from_bytes(hashlib.sha256(b"my-number|" + seed).digest()[:8], "big")
        return make_my_number(body % 10**11)

    @property
    def certificate_sex(self) -> Sex:
        """The sex as the signature certificate records it."""
        sex = Sex.from_card_info_code(self.sex.value)
        # The certificate has no "not applicable": anything but male and female is unknown.
        return sex if sex in (Sex.MALE, Sex.FEMALE) else Sex.UNKNOWN


@dataclass(frozen=True, slots=True)
class CardSpec:
    """What a simulated card should be; :func:`card_data_from_spec` makes it.

    :param holder: whose card it is.
    :param card_issued: the day J-LIS issued the card.
    :param auth_cert_issued: the user-authentication certificate's issue date (default: the
        card's).
    :param sign_cert_issued: the signature certificate's issue date (default: the card's;
        leave None on a face-auth card).
    :param application_received: the day J-LIS received the application, when it matters for
        the age threshold (18 or 20).
    :param residence_until: end of a foreign resident's period of stay (caps card and
        certificates).
    :param face_auth: a face-auth card: no signature certificate, no PIN the holder knows.
    :param card_expiry: the card's expiry, given instead of computed (cards the rules do not
        cover, such as the old Juki card, or a deliberately inconsistent training card).
    :param auth_cert_expiry: likewise for the user-authentication certificate.
    :param sign_cert_expiry: likewise for the signature certificate (it is then present).
    :param auth_pin: the user-authentication PIN; None for the default (``1234``).
    :param auth_pin_tries: its tries left (0-3); None for all.
    :param sign_password: the signature password; None for the default (``ABCD1234``).
    :param sign_password_tries: its tries left (0-5); None for all.
    :param card_info_pin: the card-info PIN; None for the default (``1234``).
    :param card_info_pin_tries: its tries left (0-3); None for all.
    :param juki_pin: the resident-register PIN; None for the default (``1234``).
    :param juki_pin_tries: its tries left (0-3); None for all.
    :param atr: which of the two ATRs the card answers with.
    :param token_name: the token name in the JPKI token EF.
    :param smartphone: behave as a smartphone certificate (the auth certificate needs the
        auth PIN).
    :param clear_verified_on_select: selecting an application again clears its verified PINs
        (not observed on real cards, which keep them until power-off or reset).
    :param basic_info_long_form: the card-info basic-info EF opens with ``FF 20 82 HH LL``
        as on production cards; False gives the J-LIS test cards' minimal ``FF 20 LL``.
    :param card_serial: the 15-digit card serial; None derives one from holder and dates.
    """

    holder: HolderSpec
    card_issued: date
    auth_cert_issued: date | None = None
    sign_cert_issued: date | None = None
    application_received: date | None = None
    residence_until: date | None = None
    face_auth: bool = False
    card_expiry: date | None = None
    auth_cert_expiry: date | None = None
    sign_cert_expiry: date | None = None
    auth_pin: str | None = field(default=None, repr=False)
    auth_pin_tries: int | None = None
    sign_password: str | None = field(default=None, repr=False)
    sign_password_tries: int | None = None
    card_info_pin: str | None = field(default=None, repr=False)
    card_info_pin_tries: int | None = None
    juki_pin: str | None = field(default=None, repr=False)
    juki_pin_tries: int | None = None
    atr: AtrKind = AtrKind.NEW
    token_name: TokenName = TokenName.MY_NUMBER_CARD
    smartphone: bool = False
    clear_verified_on_select: bool = False
    basic_info_long_form: bool = True
    card_serial: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.holder, HolderSpec):
            raise TypeError("holder must be a HolderSpec")
        _require_date("card_issued", self.card_issued)
        for label in _OPTIONAL_DATES:
            _require_date(label, getattr(self, label), optional=True)
        if not isinstance(self.atr, AtrKind):
            raise TypeError("atr must be an AtrKind")
        if not isinstance(self.token_name, TokenName):
            raise TypeError("token_name must be a TokenName")
        if self.face_auth and (
            self.sign_cert_issued is not None or self.sign_cert_expiry is not None
        ):
            raise ProfileError("a face-auth card carries no signature certificate")
        for slot in _PIN_SLOTS:
            _check_pin(self, slot)
        if self.card_serial is not None and not _digits(self.card_serial, 15):
            raise ProfileError("the card serial is 15 ASCII digits")

    @property
    def serial(self) -> str:
        """The card serial: as given, or derived from the holder and the issue date."""
        if self.card_serial is not None:
            return self.card_serial
        seed = "|".join(
            (self.holder.name, self.holder.birth_date.isoformat(), self.card_issued.isoformat())
        )
        digest = hashlib.sha256(b"card-serial|" + seed.encode()).digest()
        return "9" + f"{int.from_bytes(digest[:8], 'big') % 10**14:014d}"

    def expiry_inputs(self) -> ExpiryInputs:
        """What the rules engine needs to compute this card's expiries.

        :raises RulesInputError: dates no real card can have.
        """
        given = {name: getattr(self, name) for name in _RULES_INPUTS}
        return ExpiryInputs(birth=self.holder.birth_date, **given)

    def shifted(self, delta: timedelta) -> CardSpec:
        """The same card told *delta* later: every date, the birth date included, moves.

        :raises ProfileError: a date would leave the calendar (year 1 to 9999).
        """
        try:
            moved: dict[str, Any] = {
                f.name: value + delta
                for f in fields(self)
                if isinstance(value := getattr(self, f.name), date)
            }
            holder = replace(self.holder, birth_date=self.holder.birth_date + delta)
        except OverflowError:
            raise ProfileError(f"the card's dates cannot be moved by {delta.days} days") from None
        return replace(self, holder=holder, **moved)

    def with_overrides(self, **overrides: Any) -> CardSpec:
        """A copy with fields replaced; holder fields (``name``, ``birth_date``...) work too.

        :raises ProfileError: a name that is neither a card nor a holder field, or values
            that do not make a card.
        """
        holder_names = {f.name for f in fields(HolderSpec)}
        card_names = {f.name for f in fields(CardSpec)}
        unknown = set(overrides) - holder_names - card_names
        if unknown:
            raise ProfileError(
                f"unknown card setting(s) {', '.join(sorted(unknown))}; known: "
                f"{', '.join(sorted((holder_names | card_names) - {'holder'}))}"
            )
        card_changes = {k: v for k, v in overrides.items() if k in card_names}
        holder_changes = {k: v for k, v in overrides.items() if k in holder_names}
        holder = card_changes.pop("holder", self.holder)
        if holder_changes:
            holder = replace(holder, **holder_changes)
        return replace(self, holder=holder, **card_changes)


# The spec's fields that are inputs of the expiry rules, under the same names.
_RULES_INPUTS = (
    "card_issued",
    "auth_cert_issued",
    "sign_cert_issued",
    "application_received",
    "residence_until",
    "face_auth",
)

_OPTIONAL_DATES = (
    "auth_cert_issued",
    "sign_cert_issued",
    "application_received",
    "residence_until",
    "card_expiry",
    "auth_cert_expiry",
    "sign_cert_expiry",
)


def _check_pin(spec: CardSpec, slot: _PinSlot) -> None:
    value = getattr(spec, slot.name)
    tries = getattr(spec, slot.tries_field)
    label = slot.name.replace("_", " ")
    if value is not None and (
        not isinstance(value, str) or not value.isascii() or not slot.fmt.accepts(value.encode())
    ):
        # The message never repeats the value.
        raise ProfileError(f"the {label} must be {slot.fmt.value}")
    if tries is not None and (
        isinstance(tries, bool) or not isinstance(tries, int) or not 0 <= tries <= slot.max_tries
    ):
        raise ProfileError(f"{slot.tries_field} must be 0-{slot.max_tries}")


@dataclass(frozen=True, slots=True)
class CardExpiries:
    """The last valid day of the card and of each certificate (None: not on the card)."""

    card: date
    auth_cert: date
    sign_cert: date | None

    @classmethod
    def of(cls, spec: CardSpec) -> CardExpiries:
        """The expiries of *spec*: the explicit ones, the rest from :func:`jpki.rules.evaluate`.

        :raises ProfileError: the rules refuse the dates, or the rules cannot apply and an
            expiry is not given.
        """
        card, auth, sign = spec.card_expiry, spec.auth_cert_expiry, spec.sign_cert_expiry
        if card is not None and auth is not None and sign is not None:
            return cls(card, auth, sign)
        try:
            # The expiries do not depend on the day the report is made for.
            report = evaluate(spec.expiry_inputs(), spec.card_issued)
        except RulesInputError as exc:
            raise ProfileError(f"the card's dates do not follow the rules: {exc}") from exc
        rules_card = report.card.expiry_date
        rules_auth = report.auth_cert.expiry_date
        if rules_card is None or rules_auth is None:  # pragma: no cover - always dated
            raise ProfileError("the rules gave no expiry for the card")
        return cls(
            card=rules_card if card is None else card,
            auth_cert=rules_auth if auth is None else auth,
            sign_cert=report.sign_cert.expiry_date if sign is None else sign,
        )


@functools.cache
def _ca(kind: pki.CaKind) -> pki.SimulatedCa:
    from sim.factory import pki

    return pki.build_ca(kind)


def _issue_instant(day: date) -> datetime:
    return datetime.combine(day, ISSUE_TIME_JST, tzinfo=JST)


def _subject_id(serial: str, kind: str) -> str:
    # Opaque like the real ones: nothing personal, stable for one card.
    return hashlib.sha256(f"{kind}|{serial}".encode()).hexdigest()[:24].upper()


def _undisclosed(serial: str, slot: _PinSlot) -> str:
    """A PIN value nobody was told, stable for one card (face-auth cards)."""
    digest = hashlib.sha256(f"undisclosed|{slot.name}|{serial}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    if slot.fmt is PinFormat.FOUR_DIGITS:
        return f"{number % 10**4:04d}"
    return f"X{number % 10**9:09d}"


def _pin_setting(spec: CardSpec, slot: _PinSlot, serial: str) -> PinSetting:
    value = getattr(spec, slot.name)
    if value is None:
        value = _undisclosed(serial, slot) if spec.face_auth else slot.default
    tries = getattr(spec, slot.tries_field)
    return PinSetting(value, None if tries == slot.max_tries else tries)


def _issue(spec: CardSpec, expiries: CardExpiries) -> certcache.CardCertificates:
    """The four certificates of the card *spec* describes.

    :raises ValueError: certificates the simulated CAs cannot issue.
    """
    # The issuing CA code (cryptography's builders) is loaded only when certificates are made.
    from sim.factory import pki

    holder = spec.holder
    serial = spec.serial
    auth_ca, sign_ca = _ca(pki.CaKind.AUTH), _ca(pki.CaKind.SIGN)
    auth = pki.issue_auth_certificate(
        auth_ca,
        testkeys.pool_key(AUTH_KEY_INDEX),
        subject_id=_subject_id(serial, "auth"),
        issued_at=_issue_instant(spec.auth_cert_issued or spec.card_issued),
        expires_on=expiries.auth_cert,
        crl_prefecture=holder.prefecture,
        crl_municipality=holder.municipality,
    )
    sign = None
    if expiries.sign_cert is not None:
        sign = pki.issue_sign_certificate(
            sign_ca,
            testkeys.pool_key(SIGN_KEY_INDEX),
            holder=pki.Holder(
                name=holder.name,
                sex=holder.certificate_sex,
                birth_date=holder.birth_date,
                address=holder.address,
                prefecture=holder.prefecture,
                municipality=holder.municipality,
            ),
            subject_id=_subject_id(serial, "sign"),
            issued_at=_issue_instant(spec.sign_cert_issued or spec.card_issued),
            expires_on=expiries.sign_cert,
        )
    return certcache.CardCertificates(
        auth=auth.der,
        auth_ca=auth_ca.der,
        sign=None if sign is None else sign.der,
        sign_ca=sign_ca.der,
    )


@functools.lru_cache(maxsize=64)
def card_data_from_spec(spec: CardSpec) -> CardData:
    """The complete card *spec* describes: certificates, keys, holder data, PINs.

    Results are cached per spec (both are immutable), so asking twice costs nothing.

    :raises ProfileError: dates that no card can have, or certificates the simulated CAs
        cannot issue (outside 2015-2045).
    """
    return _card_data(spec, None)


@functools.cache
def profile_card_data(name: str = DEFAULT_PROFILE, /) -> CardData:
    """The card of built-in profile *name* on :data:`REFERENCE_DATE`, as
    :func:`build_card_data` makes it, its certificates kept between runs in the user's cache
    directory (:mod:`sim.factory.certcache`): what ``jpki --sim`` opens.

    :raises UnknownProfileError: no such profile.
    """
    return _card_data(card_spec(name), name)


def _card_data(spec: CardSpec, profile: str | None) -> CardData:
    """The card *spec* describes; the certificates from the cache of *profile* when given."""
    expiries = CardExpiries.of(spec)
    holder = spec.holder
    serial = spec.serial
    try:
        if profile is None:
            certificates = _issue(spec, expiries)
        else:
            # Every value the certificates are made from; the code and keys are in the key.
            inputs = repr((dataclasses.astuple(spec), dataclasses.astuple(expiries)))
            certificates = certcache.cached_certificates(
                profile, inputs, lambda: _issue(spec, expiries)
            )
        return CardData(
            token_name=spec.token_name.value,
            smartphone_token=spec.smartphone,
            atr=spec.atr,
            auth_certificate=certificates.auth,
            auth_ca_certificate=certificates.auth_ca,
            sign_certificate=certificates.sign,
            # The CA certificate stays readable without a signature certificate [inferred].
            sign_ca_certificate=certificates.sign_ca,
            auth_key=AUTH_KEY_INDEX,
            sign_key=None if certificates.sign is None else SIGN_KEY_INDEX,
            holder=CardHolder(
                name=holder.name,
                address=holder.address,
                birth_date=holder.birth_date,
                sex=holder.sex,
            ),
            my_number=holder.individual_number,
            card_serial=serial,
            municipality_code=holder.municipality_code,
            card_expiry=expiries.card,
            card_info_key=CARD_INFO_KEY_INDEX,
            auth_pin=_pin_setting(spec, _AUTH, serial),
            sign_password=_pin_setting(spec, _SIGN, serial),
            card_info_pin=_pin_setting(spec, _CARD_INFO, serial),
            juki_pin=_pin_setting(spec, _JUKI, serial),
            clear_verified_on_select=spec.clear_verified_on_select,
            basic_info_long_form=spec.basic_info_long_form,
        )
    except ValueError as exc:
        raise ProfileError(f"cannot make the card: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Profile:
    """A named, ready-made card.

    :param name: the name to ask for (``adult``).
    :param spec: the card on :data:`REFERENCE_DATE`.
    """

    name: str
    spec: CardSpec

    @property
    def description(self) -> Msg:
        """One line that says what the card is (``sim.profile.<name>``)."""
        return Msg(f"sim.profile.{self.name}")

    def spec_on(self, today: date | None = None) -> CardSpec:
        """The card told on *today* (default :data:`REFERENCE_DATE`): all dates moved alike."""
        if today is None or today == REFERENCE_DATE:
            return self.spec
        _require_date("today", today)
        return self.spec.shifted(today - REFERENCE_DATE)


_FAMILY_ADDRESS = "東京都千代田区試験町一丁目２番３号"
_SHINJUKU_ADDRESS = "東京都新宿区試験町三丁目４番５号"
_BUNKYO_ADDRESS = "東京都文京区試験町二丁目１番１号"


# The municipalities the profiles' holders live in, with their codes.
_MUNICIPALITY_CODES = {"Chiyoda-ku": "13101", "Shinjuku-ku": "13104", "Bunkyo-ku": "13105"}


def _person(
    name: str,
    birth: date,
    sex: SexCode,
    address: str = _FAMILY_ADDRESS,
    municipality: str = "Chiyoda-ku",
) -> HolderSpec:
    return HolderSpec(
        name=name,
        address=address,
        birth_date=birth,
        sex=sex,
        municipality=municipality,
        municipality_code=_MUNICIPALITY_CODES[municipality],
    )


_ADULT = CardSpec(
    holder=_person("番号\u3000太郎", date(1985, 4, 12), SexCode.MALE), card_issued=date(2024, 6, 3)
)


def _profile(name: str, holder: HolderSpec, issued: date, **settings: Any) -> Profile:
    return Profile(name, CardSpec(holder=holder, card_issued=issued, **settings))


def _family(
    name: str, holder: str, birth: date, sex: SexCode, issued: date, **settings: Any
) -> Profile:
    """A profile whose holder lives at the family address in Chiyoda-ku."""
    return _profile(name, _person(holder, birth, sex), issued, **settings)


_ALL = (
    Profile("adult", _ADULT),
    Profile("new-atr", _ADULT),
    Profile("old-atr", replace(_ADULT, atr=AtrKind.OLD)),
    Profile("android", replace(_ADULT, token_name=TokenName.ANDROID, smartphone=True)),
    _family("under15", "番号\u3000さくら", date(2015, 8, 20), SexCode.FEMALE, date(2023, 9, 5)),
    _family("minor", "番号\u3000健太", date(2010, 2, 14), SexCode.MALE, date(2025, 7, 10)),
    _profile(
        "foreign-resident",
        _person(
            "SMITH\u3000JOHN", date(1992, 9, 3), SexCode.MALE, _SHINJUKU_ADDRESS, "Shinjuku-ku"
        ),
        date(2025, 4, 15),
        residence_until=date(2028, 3, 31),
    ),
    _profile(
        "face-auth",
        _person("番号\u3000ハナ", date(1948, 11, 3), SexCode.FEMALE, _BUNKYO_ADDRESS, "Bunkyo-ku"),
        date(2024, 3, 11),
        face_auth=True,
    ),
    _family(
        "blocked",
        "番号\u3000次郎",
        date(1978, 12, 1),
        SexCode.MALE,
        date(2023, 1, 16),
        auth_pin_tries=1,
        sign_password_tries=0,
    ),
    _family("expired", "番号\u3000和子", date(1975, 8, 8), SexCode.FEMALE, date(2019, 10, 1)),
    _family("renewable", "番号\u3000一郎", date(1982, 1, 15), SexCode.MALE, date(2022, 12, 5)),
    _family(
        "juki-card",
        "番号\u3000三郎",
        date(1960, 5, 5),
        SexCode.MALE,
        date(2015, 6, 1),
        card_expiry=date(2025, 6, 1),
        auth_cert_expiry=date(2018, 6, 1),
        sign_cert_expiry=date(2018, 6, 1),
        atr=AtrKind.OLD,
        token_name=TokenName.JUKI_CARD,
    ),
)

PROFILES: Mapping[str, Profile] = MappingProxyType({profile.name: profile for profile in _ALL})
"""Every profile by name (``adult`` first)."""


def get_profile(name: str) -> Profile:
    """The profile called *name*.

    :raises UnknownProfileError: no such profile (the message lists the known ones).
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownProfileError(name, tuple(PROFILES)) from None


def card_spec(
    name: str = DEFAULT_PROFILE, /, *, today: date | None = None, **overrides: Any
) -> CardSpec:
    """The spec of profile *name* on *today*, with *overrides* applied (see
    :meth:`CardSpec.with_overrides`; override dates are taken as given, not moved).

    :raises UnknownProfileError: no such profile.
    :raises ProfileError: overrides that do not make a card.
    """
    return get_profile(name).spec_on(today).with_overrides(**overrides)


def build_card_data(
    name: str = DEFAULT_PROFILE, /, *, today: date | None = None, **overrides: Any
) -> CardData:
    """The complete card of profile *name*.

    Example: ``build_card_data("adult", name="試験\\u3000花子", auth_pin_tries=1)``.

    :param name: a key of :data:`PROFILES`.
    :param today: tell the profile's story on this day instead of :data:`REFERENCE_DATE`.
    :param overrides: :class:`CardSpec` or :class:`HolderSpec` fields to change.
    :raises UnknownProfileError: no such profile.
    :raises ProfileError: overrides or a day that do not make a card.
    """
    return card_data_from_spec(card_spec(name, today=today, **overrides))
