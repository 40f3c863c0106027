"""Packages whose public names load their modules on first use (PEP 562).

``jpki.rules`` and ``jpki.diagnosis`` export many names from many modules; a command that needs
one of them should not pay for importing all the others at start-up.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    package: str, modules: Mapping[str, str], names: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names are imported when used.

    :param package: the package's ``__name__``.
    :param modules: each public name and the submodule (relative) that defines it.
    :param names: the package's ``__all__``.
    """
    namespace = sys.modules[package].__dict__
    listed = sorted(names)

    def get_attribute(name: str) -> Any:
        try:
            module_name = modules[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module_name}"), name)
        namespace[name] = value  # the next use finds it without calling back here
        return value

    def list_names() -> list[str]:
        return listed

    return get_attribute, list_names
