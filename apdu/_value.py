"""The base of the package's small immutable result types, defined without :mod:`dataclasses`.

Every card command imports this package, and ``dataclasses`` (with the ``inspect`` it loads and
the code it generates for each class) cost several milliseconds of start-up. A subclass lists
its fields in ``__slots__`` (in constructor order), sets them in ``__init__`` with
:meth:`FrozenValue._set_fields`, and gets what a frozen dataclass gives: equality and hashing by
type and field values, a ``Name(field=value, ...)`` repr, no assignment or deletion after
construction, and pickling/copying through the constructor.
"""

from __future__ import annotations

__all__ = ["FrozenValue"]


class FrozenValue:
    """An immutable value: compared, hashed and shown by the fields named in ``__slots__``."""

    __slots__ = ()

    def _names(self) -> tuple[str, ...]:
        names: tuple[str, ...] = type(self).__slots__
        return names

    def _set_fields(self, *values: object) -> None:
        """Set every field once, in ``__slots__`` order (what ``__init__`` ends with)."""
        for name, value in zip(self._names(), values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, FrozenValue)  # noqa: S101 - narrowed for the type checker
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")

    def __reduce__(self) -> tuple[type[FrozenValue], tuple[object, ...]]:
        return (type(self), self._values())
