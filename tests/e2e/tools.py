"""Running programs in the end-to-end tests: ``jpki``, OpenSC, pcsc-tools and openssl.

Every program runs as a subprocess, the way a user runs it, with a timeout (a wedged vpcd
slot would otherwise hang the run) and with no PIN variable from the developer's shell.
This folder is not a package: the ``tools`` fixture of ``conftest.py`` loads this module.
The helpers raise ``AssertionError`` with the whole run described instead of using ``assert``,
because a module loaded this way gets no assertion rewriting.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

__all__ = [
    "JPKI_AID",
    "NEW_ATR",
    "OLD_ATR",
    "READER_0",
    "READER_1",
    "REPO",
    "Run",
    "card_data",
    "certificate_der",
    "jpki",
    "opensc_apdus",
    "pkcs11_module",
    "public_key_pem",
    "run",
]

REPO = Path(__file__).resolve().parents[2]

READER_0 = "Virtual PCD 00 00"  # vpcd port 35963
READER_1 = "Virtual PCD 00 01"  # vpcd port 35964

#: The two ATRs of real cards, as pcsc-tools and ``jpki readers`` print them.
OLD_ATR = "3B E0 00 FF 81 31 FE 45 14"  # in OpenSC's jpki ATR table
NEW_ATR = "3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B"  # matched by SELECT AID

JPKI_AID = bytes.fromhex("D392F000260100000001")

_TIMEOUT = 60.0
_PIN_VARIABLES = {
    "auth": "JPKI_AUTH_PIN",
    "sign": "JPKI_SIGN_PIN",
    "card_info": "JPKI_CARD_INFO_PIN",
    "juki": "JPKI_JUKI_PIN",
}
#: Variables of the test runner's environment that would change what the programs do.
_SCRUBBED = (*_PIN_VARIABLES.values(), "OPENSC_DRIVER", "OPENSC_DEBUG", "OPENSC_CONF")


@dataclass(frozen=True)
class Run:
    """One finished program run."""

    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    def describe(self) -> str:
        """The command, its exit status and its output, for assertion messages."""
        return (
            f"$ {' '.join(self.argv)}\nexit status {self.code}\n"
            f"--- stdout ---\n{self.out}--- stderr ---\n{self.err}"
        )

    def ok(self) -> Run:
        """This run, after checking that it exited 0."""
        if self.code != 0:
            raise AssertionError(f"the program failed\n{self.describe()}")
        return self

    def json(self) -> Any:
        """Standard output parsed as JSON."""
        return json.loads(self.out)

    def error_line(self) -> str:
        """The one-line error message on stderr (no traceback, nothing else)."""
        lines = self.err.strip().splitlines()
        if len(lines) != 1 or "Traceback" in self.err:
            raise AssertionError(f"expected a one-line error message\n{self.describe()}")
        return lines[0]


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a program run: ours without PINs and OpenSC settings, plus *extra*.

    The repository is put on ``PYTHONPATH`` so that ``python -m jpki`` runs this tree.
    """
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def run(
    argv: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
    timeout: float = _TIMEOUT,
) -> Run:
    """Run *argv* (a list, no shell) with :func:`environment` plus *env*; never raises on exit."""
    command = tuple(str(part) for part in argv)
    done = subprocess.run(
        command,
        cwd=cwd or REPO,
        env=environment(env),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return Run(command, done.returncode, done.stdout, done.stderr)


def jpki(
    *args: str | Path,
    reader: str | None = READER_0,
    pins: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Run:
    """Run ``python -m jpki --lang en [--reader READER] ARGS`` as a separate process.

    :param pins: PINs by kind (``auth``, ``sign``, ``card_info``, ``juki``), passed in the
        environment variables the CLI reads (never on the command line).
    """
    extra = dict(env or {})
    for kind, value in (pins or {}).items():
        extra[_PIN_VARIABLES[kind]] = value
    where = ["--reader", reader] if reader is not None else []
    return run([sys.executable, "-m", "jpki", "--lang", "en", *where, *args], env=extra, cwd=cwd)


@cache
def card_data(profile: str) -> Any:
    """The :class:`sim.carddata.CardData` that ``jpki sim serve --profile PROFILE`` serves.

    Profiles are deterministic, so the expected certificates, PINs and holder data come from
    here instead of being copied into the tests.
    """
    from sim.factory.profiles import build_card_data

    return build_card_data(profile)


def certificate_der(data: bytes) -> bytes:
    """The DER of a certificate given as PEM or DER (checks that it parses)."""
    if data.lstrip().startswith(b"-----BEGIN"):
        certificate = x509.load_pem_x509_certificate(data)
    else:
        certificate = x509.load_der_x509_certificate(data)
    return certificate.public_bytes(serialization.Encoding.DER)


def public_key_pem(certificate: bytes) -> bytes:
    """The SubjectPublicKeyInfo of a certificate (PEM or DER), as PEM for ``openssl dgst``."""
    loaded = x509.load_der_x509_certificate(certificate_der(certificate))
    return loaded.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def pkcs11_module() -> Path | None:
    """OpenSC's PKCS#11 module, wherever the distribution put it (None if not installed)."""
    patterns = ("lib/*/opensc-pkcs11.so", "lib64/opensc-pkcs11.so", "lib/opensc-pkcs11.so")
    for pattern in patterns:
        for found in sorted(Path("/usr").glob(pattern)):
            if found.is_file():
                return found
    return None


_APDU_HEADER = re.compile(r"^(Outgoing|Incoming) APDU \((\d+) bytes\):$")


def opensc_apdus(log: str) -> list[tuple[bytes, bytes]]:
    """The (command, response) pairs in an OpenSC debug log (``OPENSC_DEBUG`` on stderr).

    OpenSC dumps each APDU as ``Outgoing APDU (N bytes):`` followed by lines of up to 16 hex
    bytes and their ASCII rendering; the byte count says how many hex fields to take.
    """
    lines = log.splitlines()
    commands: list[bytes] = []
    responses: list[bytes] = []
    for index, line in enumerate(lines):
        header = _APDU_HEADER.match(line.strip())
        if header is None:
            continue
        remaining = int(header.group(2))
        data = bytearray()
        for dump in lines[index + 1 :]:
            if remaining == 0:
                break
            fields = dump.split()[: min(16, remaining)]
            data += bytes.fromhex("".join(fields))
            remaining -= len(fields)
        (commands if header.group(1) == "Outgoing" else responses).append(bytes(data))
    if len(commands) != len(responses):
        raise AssertionError(
            f"the OpenSC log has {len(commands)} commands but {len(responses)} responses"
        )
    return list(zip(commands, responses, strict=True))
