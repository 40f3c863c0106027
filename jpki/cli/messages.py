"""One-line messages and exit codes for the errors a user can meet, in the run's language.

The messages come from the ``cli`` catalog of :mod:`jpki.texts`, imported on the error path
only: starting the program does not load it.
"""

from __future__ import annotations

import errno
import sys

from .errors import ExitCode

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help
if TYPE_CHECKING:
    from jpki.errors import PinError
    from jpki.texts import Msg

__all__ = ["describe_error"]

# The operating system's errors a user meets most, said in the run's language.
_OS_ERRORS = {
    errno.ENOENT: "not_found",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EISDIR: "is_directory",
    errno.ENOTDIR: "not_directory",
    errno.ENOSPC: "no_space",
    errno.EROFS: "read_only",
}


def _pin_message(exc: PinError) -> Msg:
    from jpki import errors as domain
    from jpki.texts import Msg

    pin = exc.pin.label
    if isinstance(exc, domain.PinBlockedError):
        return Msg("cli.error.pin_blocked", pin=pin)
    if isinstance(exc, domain.PinIncorrectError):
        return Msg("cli.error.pin_incorrect", pin=pin, count=exc.remaining)
    if isinstance(exc, domain.LastTryRefusedError):
        return Msg("cli.error.pin_last_try", pin=pin, count=exc.remaining)
    if isinstance(exc, domain.PinFormatError):
        return Msg("cli.error.pin_format", detail=exc.detail or str(exc))
    if isinstance(exc, domain.SharedAccessError):
        return Msg("cli.error.pin_shared", pin=pin)
    if isinstance(exc, domain.PinOutcomeUnknownError) and isinstance(
        exc.__cause__, KeyboardInterrupt
    ):
        return Msg("safety.pin_interrupted", pin=pin, command="jpki pin status")
    if isinstance(exc, domain.PinOutcomeUnknownError):
        return Msg("cli.error.pin_outcome_unknown", pin=pin, detail=str(exc))
    if isinstance(exc, domain.PinRequiredError):
        return Msg("cli.error.pin_required", pin=pin, detail=str(exc))
    return Msg("cli.error.pin_other", pin=pin, detail=exc.detail or str(exc))


def _describe(exc: BaseException) -> tuple[Msg, ExitCode] | None:
    # Imported here, on the error path only: they are not needed to start the program.
    from apdu import errors as iso
    from jpki import errors as domain
    from jpki.texts import Msg

    store = sys.modules.get("sim.store")  # only loaded when a card file is in use
    if store is not None and isinstance(exc, store.CardInUseError):
        in_use = Msg("safety.card_in_use", path=str(exc.path), waited=f"{exc.waited:g}")
        return in_use, ExitCode.NO_CARD_OR_READER
    detail = str(exc)
    if isinstance(exc, domain.PinError):
        return _pin_message(exc), ExitCode.PIN_PROBLEM
    if isinstance(exc, domain.NotAMyNumberCardError):
        return Msg("cli.error.not_my_number_card", detail=detail), ExitCode.NOT_A_MY_NUMBER_CARD
    transport = {
        iso.PcscUnavailableError: Msg("cli.error.pcsc_unavailable", detail=detail),
        iso.AmbiguousReaderError: Msg("cli.error.ambiguous_reader", detail=detail),
        iso.NoCardError: Msg("cli.error.no_card", detail=detail),
        iso.ReaderNotFoundError: Msg("cli.error.reader_not_found", detail=detail),
        iso.ReaderBusyError: Msg("cli.error.reader_busy", detail=detail),
        iso.CardRemovedError: Msg("cli.error.card_removed", detail=detail),
    }
    for kind, message in transport.items():
        if isinstance(exc, kind):
            return message, ExitCode.NO_CARD_OR_READER
    if isinstance(exc, domain.SignatureInvalidError | domain.ChainError):
        return Msg("cli.error.verification_failed", detail=detail), ExitCode.VERIFICATION_FAILED
    if isinstance(exc, iso.MalformedApduError):
        return Msg("cli.error.malformed_apdu", detail=detail), ExitCode.USAGE
    if isinstance(exc, iso.ApduError):
        return Msg("cli.error.card_refused", sw=f"{exc.sw:04X}", detail=detail), ExitCode.FAILURE
    if isinstance(exc, iso.BadResponseError | iso.ProtocolError | iso.TransportError):
        return Msg("cli.error.link_failed", detail=detail), ExitCode.FAILURE
    if isinstance(exc, domain.InputError):
        if exc.detail is not None:
            return Msg("cli.error.input", detail=exc.detail), ExitCode.USAGE
        return Msg("cli.error.input_untranslated", detail=detail), ExitCode.USAGE
    if isinstance(exc, iso.ToolkitError):
        return Msg("cli.error.other", detail=detail), ExitCode.FAILURE
    if isinstance(exc, OSError):
        reason: Msg | str = exc.strerror or detail
        if exc.errno in _OS_ERRORS:
            reason = Msg(f"cli.os_error.{_OS_ERRORS[exc.errno]}", detail=reason)
        if exc.filename:
            return Msg("cli.error.file", reason=reason, path=exc.filename), ExitCode.FAILURE
        return Msg("cli.error.system", reason=reason), ExitCode.FAILURE
    return None


def describe_error(exc: BaseException, lang: str) -> tuple[str, ExitCode] | None:
    """The message in *lang* and the exit code for an expected error, or None for a bug."""
    from jpki.texts import render

    described = _describe(exc)
    if described is None:
        return None
    message, code = described
    return render(message, lang), code
