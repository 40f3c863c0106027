"""``--municipality FILE``, the option of the commands that advise a resident at the counter
(``jpki diagnose`` and ``jpki counter``)."""

from __future__ import annotations

import argparse

__all__ = ["add_municipality_option"]


def add_municipality_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--municipality FILE``: the configuration of the counter that gives the advice."""
    parser.add_argument(
        "--municipality",
        metavar="FILE",
        help="municipality configuration (JSON; default: the packaged Bunkyo City file)",
    )
