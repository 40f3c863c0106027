"""``pyhanko sign addsig jpki``: the card as a pyHanko command-line signer.

Registered under pyHanko's entry point group ``pyhanko.cli_plugin.signing`` (see setup.cfg),
so that people who already use the ``pyhanko`` command can sign with a My Number Card::

    pyhanko sign addsig --field Sig1 --use-pades jpki --reader NAME in.pdf out.pdf

The PIN rules are those of ``jpki`` (its own PIN source is used): the signature password
comes from ``JPKI_SIGN_PIN`` (``JPKI_AUTH_PIN`` for ``--key auth``), one line of standard
input with ``--pin-stdin``, or a prompt that does not echo; never from the command line. The
guard refuses a VERIFY that could block the PIN unless ``--force`` is given. ``--sim`` (or
``--card FILE``) signs with the simulated card in process, for tests and trying it out.

This module is a command-line edge like ``jpki.cli``: the card is opened, and the PIN read,
by the ``jpki`` command's own code (so the simulator is imported there, lazily).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import click
from pyhanko.cli.plugin_api import CLIContext, SigningCommandPlugin

from jpki.ids import KeyKind

if TYPE_CHECKING:
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
    from jpki.cli.context import CliContext
    from jpki.cli.errors import CliError
    from jpki.cli.pinentry import read_pin
    from jpki.session import JpkiSession

    from .signer import CardSigner

    # The jpki command's own choice of card and PIN source, so both behave the same.
    options = argparse.Namespace(
        reader=reader,
        sim=sim,
        profile=profile,
        card=card,
        shared=False,
        wait=0.0,
        pin_stdin=pin_stdin,
        lang="en",
    )
    context = CliContext(options)
    if key is KeyKind.AUTH:
        click.echo(
            "note: the user-authentication key is not meant for document signatures; "
            "strict validators refuse them",
            err=True,
        )
    try:
        pin = read_pin(context, key.pin)
        with context.open_connection() as connection, connection.transaction():
            session = JpkiSession(connection)
            session.verify_pin(key.pin, pin, force=force)
            del pin
            yield CardSigner.from_session(session, key)
    except CliError as exc:
        raise click.ClickException(str(exc)) from exc
    except ToolkitError as exc:
        raise click.ClickException(_describe(exc)) from exc


def _describe(exc: Exception) -> str:
    from jpki.cli.messages import describe_error

    described = describe_error(exc, "en")
    return str(exc) if described is None else described[0]
