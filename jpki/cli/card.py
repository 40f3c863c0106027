"""Opening the card for a command: the connection from the global options, and a session."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .context import CliContext

if TYPE_CHECKING:
    from apdu import Connection
    from jpki.session import JpkiSession

__all__ = ["open_card", "open_session"]


@contextlib.contextmanager
def open_card(ctx: CliContext) -> Iterator[Connection]:
    """The connection the global options name, held in one transaction for the whole command
    and closed at the end, on success, error and Ctrl-C alike.

    Closing powers the card down (a reader's default disposition, the simulator's close): a
    card keeps a verified PIN across disconnects until it loses power, so a command that
    verified one must not leave it for the next program on the reader.
    """
    connection = ctx.open_connection()
    with connection, connection.transaction():
        yield connection


@contextlib.contextmanager
def open_session(ctx: CliContext) -> Iterator[JpkiSession]:
    """A JPKI session on the chosen card; the card is closed when the block ends."""
    from jpki.session import JpkiSession

    with open_card(ctx) as connection:
        yield JpkiSession(connection, extended=bool(ctx.args.extended))
