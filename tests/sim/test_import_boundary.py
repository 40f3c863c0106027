"""The simulator's import boundary, checked in a fresh interpreter for each case.

The chip (``sim.chip`` and the card description ``sim.carddata`` it reads) imports ``apdu``
only: no ``jpki`` module and no cryptography at import time. ``import sim`` loads nothing but
the package itself, and its public names still resolve on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHIP_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "sim" / "chip").rglob("*.py")
) + ["sim.carddata"]

_PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_after_import(*modules: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *modules],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_the_chip_modules_are_found() -> None:
    assert {"sim.chip.card", "sim.chip.applets.pins", "sim.chip.vpcd"} <= set(CHIP_MODULES)


@pytest.mark.parametrize("module", CHIP_MODULES)
def test_a_chip_module_loads_no_jpki_and_no_cryptography(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert module in loaded
    assert [name for name in loaded if name == "jpki" or name.startswith("jpki.")] == []
    assert [name for name in loaded if name.split(".")[0] == "cryptography"] == []


def test_importing_sim_is_lazy() -> None:
    loaded = _loaded_after_import("sim")
    assert [name for name in loaded if name.startswith("sim.")] == []
    assert "cryptography" not in loaded and "jpki" not in loaded


def test_the_public_names_of_sim_resolve_on_use() -> None:
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None
    with pytest.raises(AttributeError):
        _ = sim.no_such_name  # type: ignore[attr-defined]


def test_the_factory_uses_jpki_facts() -> None:
    # The factory's holder attributes are jpki's, not a copy (issue: one definition each).
    from jpki import certificate
    from sim.factory import pki

    assert pki.Sex is certificate.Sex
    assert pki.Era is certificate.Era
    assert pki.HolderAttribute is certificate.HolderAttribute
