"""The APDU trace: every command and response through :mod:`logging`, PINs never shown.

Records go to the ``apdu.trace`` logger at the :data:`TRAFFIC` level (below ``DEBUG``). The
data of every command that carries reference data (:class:`~apdu.command.ReferenceDataIns`:
VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, ENABLE/DISABLE VERIFICATION REQUIREMENT,
in both their plain and BER forms) is always replaced by ``<N bytes redacted>``: there is no
switch that shows it.
"""

from __future__ import annotations

from .command import REFERENCE_DATA_INS
from .lazylog import LazyLogger

__all__ = ["SECRET_INS", "TRAFFIC", "format_command", "format_response", "trace_logger"]

TRAFFIC = 5

#: Instructions whose command data carries a PIN or password (the one definition, from
#: :mod:`apdu.command`).
SECRET_INS = REFERENCE_DATA_INS

#: The trace's logger; :mod:`logging` (and the ``TRAFFIC`` level name) loads on first real use.
trace_logger = LazyLogger("apdu.trace", level_name=(TRAFFIC, "TRAFFIC"))


def _hex(data: bytes) -> str:
    return data.hex(" ").upper()


def format_command(raw: bytes) -> str:
    """Hex of a command for the trace, with the data of PIN-carrying commands redacted.

    Anything after the 4-byte header of a command carrying reference data is redacted
    except a length byte that can be told apart from the data, so even a malformed command
    cannot leak a PIN.
    """
    if len(raw) <= 4 or raw[1] not in SECRET_INS:
        return _hex(raw)
    header, body = raw[:4], raw[4:]
    if len(body) >= 2 and body[0] != 0 and len(body) in (body[0] + 1, body[0] + 2):
        tail = f" {body[-1]:02X}" if len(body) == body[0] + 2 else ""
        return f"{_hex(header)} {body[0]:02X} <{body[0]} bytes redacted>{tail}"
    return f"{_hex(header)} <{len(body)} bytes redacted>"


def format_response(raw: bytes) -> str:
    """Hex of a response for the trace: data, then the status word."""
    if len(raw) < 2:
        return f"{_hex(raw)} (truncated)"
    data = f"{_hex(raw[:-2])} " if len(raw) > 2 else ""
    return f"{data}SW={raw[-2]:02X}{raw[-1]:02X}"
