"""Errors the command line raises itself, and the exit codes it documents."""

from __future__ import annotations

from enum import IntEnum, unique

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow --help
if TYPE_CHECKING:
    from jpki.texts import Msg

__all__ = ["CliError", "ExitCode"]


@unique
class ExitCode(IntEnum):
    """Exit statuses of ``jpki`` (documented in the README)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NO_CARD_OR_READER = 3
    NOT_A_MY_NUMBER_CARD = 4
    PIN_PROBLEM = 5
    VERIFICATION_FAILED = 6
    ATTENTION = 10
    ACTION_NEEDED = 11
    INTERRUPTED = 130


class CliError(Exception):
    """A failure the command line reports as one line, with an exit code.

    :param message: what went wrong and, where it helps, what to do: a message rendered in
        the run's language (``str()`` gives it in English).
    :param exit_code: the status ``jpki`` exits with.
    """

    def __init__(self, message: Msg | str, exit_code: ExitCode = ExitCode.FAILURE) -> None:
        super().__init__(message if isinstance(message, str) else message.render("en"))
        self.message = message
        self.exit_code = exit_code
