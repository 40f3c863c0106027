"""ISO 7816-4 over any connection: APDU codecs, status words, the exchange protocol, tracing.

Nothing here knows about JPKI. The PC/SC transport lives in :mod:`apdu.pcsc`, the only module
that imports pyscard; importing :mod:`apdu` does not import it.
"""

from __future__ import annotations

from .ber import BerError, BerHeader, Tlv, iter_tlv, parse_header
from .command import CommandApdu, DecodedCommand, decode_command
from .connection import ApduStats, Connection, OpenedConnection
from .errors import *  # noqa: F403 - the exception tree, listed in errors.__all__
from .errors import __all__ as _error_names
from .ins import Ins
from .protocol import ApduProtocol, read_object_cost, select_application_command
from .response import ResponseApdu
from .status import SW, describe_sw, is_retry_counter, retries_from_sw
from .trace import TRAFFIC

__all__ = [
    "SW",
    "TRAFFIC",
    "ApduProtocol",
    "ApduStats",
    "BerError",
    "BerHeader",
    "CommandApdu",
    "Connection",
    "DecodedCommand",
    "Ins",
    "OpenedConnection",
    "ResponseApdu",
    "Tlv",
    "decode_command",
    "describe_sw",
    "is_retry_counter",
    "iter_tlv",
    "parse_header",
    "read_object_cost",
    "retries_from_sw",
    "select_application_command",
    *_error_names,
]
