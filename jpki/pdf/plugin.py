"""``pyhanko sign addsig jpki``: the card as a pyHanko command-line signer.

Registered under pyHanko's entry point group ``pyhanko.cli_plugin.signing`` (see setup.cfg),
so that people who already use the ``pyhanko`` command can sign with a My Number Card::

    pyhanko sign addsig --field Sig1 --use-pades jpki --reader NAME in.pdf out.pdf

The PIN rules are those of ``jpki``: the signature password comes from ``JPKI_SIGN_PIN``
(``JPKI_AUTH_PIN`` for ``--key auth``), one line of standard input with ``--pin-stdin``, or
pyHanko's silent prompt; never from the command line. The guard refuses a VERIFY that could
block the PIN unless ``--force`` is given. ``--sim`` (or ``--card FILE``) signs with the
simulated card in process, for tests and trying it out.

Like the ``jpki`` command, this module is a command-line edge: it opens the reader or the
simulator itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import click
from pyhanko.cli.plugin_api import CLIContext, SigningCommandPlugin, prompt_for_password

from jpki.ids import KeyKind

if TYPE_CHECKING:
    from apdu import Connection

    from .signer import CardSigner

__all__ = ["JpkiSigningPlugin"]


class JpkiSigningPlugin(SigningCommandPlugin):
    """The ``jpki`` subcommand of ``pyhanko sign addsig``."""

    subcommand_name: ClassVar[str] = "jpki"
    help_summary: ClassVar[str] = "sign with a My Number Card (JPKI) in a PC/SC reader"

    def click_options(self) -> list[click.Option]:
        """The card, the key and the PIN source; never the PIN itself."""
        return [
            click.Option(("--reader",), help="PC/SC reader whose name contains NAME"),
            click.Option(("--sim",), is_flag=True, help="the simulated card, in process"),
            click.Option(("--profile",), default="adult", help="simulated card profile"),
            click.Option(("--card",), help="simulated card kept in FILE (implies --sim)"),
            click.Option(
                ("--key",),
                type=click.Choice(["sign", "auth"]),
                default="sign",
                help="card key (auth is not meant for documents)",
            ),
            click.Option(
                ("--pin-stdin",), is_flag=True, help="read the PIN from one line of stdin"
            ),
            click.Option(("--force",), is_flag=True, help="send the PIN even when one try is left"),
        ]

    def create_signer(
        self, context: CLIContext, **kwargs: Any
    ) -> contextlib.AbstractContextManager[CardSigner]:
        """Open the card, verify the PIN through the guard and read the certificates."""
        return _card_signer(
            reader=kwargs.get("reader"),
            sim=bool(kwargs.get("sim")) or kwargs.get("card") is not None,
            profile=str(kwargs.get("profile") or "adult"),
            card=kwargs.get("card"),
            key=KeyKind(kwargs.get("key") or "sign"),
            pin_stdin=bool(kwargs.get("pin_stdin")),
            force=bool(kwargs.get("force")),
        )


@contextlib.contextmanager
def _card_signer(
    *,
    reader: str | None,
    sim: bool,
    profile: str,
    card: str | None,
    key: KeyKind,
    pin_stdin: bool,
    force: bool,
) -> Iterator[CardSigner]:
    from apdu.errors import ToolkitError

    from .signer import CardSigner

    if key is KeyKind.AUTH:
        click.echo(
            "note: the user-authentication key is not meant for document signatures; "
            "strict validators refuse them",
            err=True,
        )
    pin = _read_pin(key, pin_stdin)
    try:
        with _open(reader, sim, profile, card) as connection, connection.transaction():
            from jpki.session import JpkiSession

            session = JpkiSession(connection)
            session.verify_pin(key.pin, pin, force=force)
            del pin
            yield CardSigner.from_session(session, key)
    except ToolkitError as exc:
        raise click.ClickException(_describe(exc)) from exc


def _open(reader: str | None, sim: bool, profile: str, card: str | None) -> Connection:
    if sim:
        from sim import open_simulated_card

        if card is not None:
            return open_simulated_card(card_file=card, faults=None)
        return open_simulated_card(profile=profile)
    from apdu.pcsc import open_reader

    return open_reader(reader, exclusive=True)


def _read_pin(key: KeyKind, pin_stdin: bool) -> str:
    from_env = os.environ.get(key.pin.env_var)
    if from_env is not None:
        return from_env
    if pin_stdin:
        line = sys.stdin.readline()
        if not line:
            raise click.ClickException("no PIN on standard input")
        return line.rstrip("\r\n")
    return prompt_for_password(f"{key.pin.label_en}: ")


def _describe(exc: Exception) -> str:
    from jpki.cli.messages import describe_error

    described = describe_error(exc, "en")
    return str(exc) if described is None else described[0]
