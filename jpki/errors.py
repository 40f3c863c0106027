"""Domain errors of the JPKI layer, under the toolkit's single root :class:`ToolkitError`.

An error that a person reads may carry a :class:`~jpki.texts.Msg` as :attr:`JpkiError.detail`
(or :attr:`InputError.detail`): its ``str()`` is the English text, for logs and programs; an
edge (the command line, the counter page) renders the detail in its own language.
"""

from __future__ import annotations

from apdu.errors import ToolkitError

from .ids import CertKind, PinKind
from .texts import Msg

__all__ = [
    "CardInfoError",
    "CertificateError",
    "ChainError",
    "CmsError",
    "InputError",
    "JpkiError",
    "LastTryRefusedError",
    "MyNumberError",
    "NotAMyNumberCardError",
    "PinBlockedError",
    "PinError",
    "PinFormatError",
    "PinIncorrectError",
    "PinOutcomeUnknownError",
    "PinRequiredError",
    "SharedAccessError",
    "SignatureInvalidError",
]


class InputError(ToolkitError):
    """A value the user gave cannot be used: an impossible date, an unreadable card file, an
    unknown name. Command lines report it as a usage error.

    :param message: the English text, or a message rendered in English for ``str()``; a
        :class:`Msg` is kept as :attr:`detail` for the edge to render in its language.
    """

    def __init__(self, message: str | Msg = "", *args: object) -> None:
        self.detail = message if isinstance(message, Msg) else None
        super().__init__(message.render("en") if isinstance(message, Msg) else message, *args)


class JpkiError(ToolkitError):
    """Something about the card's JPKI data or rules went wrong."""


class NotAMyNumberCardError(JpkiError):
    """The card has no JPKI application (SELECT of its AID failed)."""


class PinError(JpkiError):
    """A problem with one of the card's PINs.

    :param pin: which PIN.
    :param message: what happened.
    """

    def __init__(self, pin: PinKind, message: str | Msg) -> None:
        self.detail = message if isinstance(message, Msg) else None
        super().__init__(message.render("en") if isinstance(message, Msg) else message)
        self.pin = pin


class PinFormatError(PinError):
    """The PIN has the wrong shape; nothing was sent to the card, no try was spent.

    :attr:`detail` says which shape was expected (never the PIN).
    """


class PinIncorrectError(PinError):
    """The card refused the PIN; :attr:`remaining` tries are left."""

    def __init__(self, pin: PinKind, remaining: int) -> None:
        super().__init__(pin, f"{pin.label.render('en')} is incorrect: {remaining} tries left")
        self.remaining = remaining


class PinBlockedError(PinError):
    """The PIN is blocked; only the municipal counter (or the JPKI reset route) can reset it."""

    def __init__(self, pin: PinKind) -> None:
        super().__init__(pin, f"{pin.label.render('en')} is blocked")


class PinRequiredError(PinError):
    """The operation needs a verified PIN first."""

    def __init__(self, pin: PinKind, what: str) -> None:
        super().__init__(pin, f"{what} needs the {pin.label.render('en')} to be verified first")


class LastTryRefusedError(PinError):
    """The guard refused a VERIFY that could block the PIN; nothing was sent."""

    def __init__(self, pin: PinKind, remaining: int) -> None:
        super().__init__(
            pin,
            f"{pin.label.render('en')} has {remaining} try left; a wrong entry would block it. "
            "Nothing was sent. Pass force=True (CLI: --force) only if you are sure.",
        )
        self.remaining = remaining


class SharedAccessError(PinError):
    """A PIN command was refused because another program shares the card: it could use the
    verified PIN. Nothing was sent."""

    def __init__(self, pin: PinKind) -> None:
        super().__init__(
            pin,
            f"the card is shared with another program, which could use the verified "
            f"{pin.label.render('en')}; nothing was sent. Close the other program and try again.",
        )


class PinOutcomeUnknownError(PinError):
    """The link failed while a VERIFY was under way: whether a try was spent is unknown."""


class CertificateError(JpkiError):
    """A certificate could not be read or parsed."""

    def __init__(self, message: str, kind: CertKind | None = None) -> None:
        super().__init__(message)
        self.kind = kind


class ChainError(JpkiError):
    """A certificate does not chain to an accepted trust anchor."""


class SignatureInvalidError(JpkiError):
    """A signature does not verify against the certificate's public key."""


class CmsError(JpkiError):
    """Bytes that are not a CMS SignedData this toolkit can check (malformed, unsupported)."""


class CardInfoError(JpkiError):
    """A file of the card-info input helper application cannot be read as the card defines it."""


class MyNumberError(CardInfoError):
    """A My Number (individual number) that is not 12 digits with a valid check digit.

    Messages never contain the full number.
    """
