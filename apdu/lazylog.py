"""Module loggers that load :mod:`logging` only when a record could be shown.

Loading :mod:`logging` costs a command several milliseconds, and most runs log nothing: their
debug records are dropped because nothing has configured logging. A :class:`LazyLogger` keeps
that outcome without the import. While :mod:`logging` is not loaded, nothing can have lowered a
level or added a handler, so a record below ``WARNING`` would be dropped by the standard
logger too: the lazy logger drops it without loading anything. Any other record, or any call
once :mod:`logging` is loaded (a program or a test that configured it, ``jpki --debug``), goes
to the standard logger of the same name, with the same effect as calling it directly.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = ["LazyLogger"]

_DEBUG = 10
_INFO = 20
_WARNING = 30
_ERROR = 40

#: Frames between the caller and the standard logger: the public method and ``_emit``.
_OWN_FRAMES = 2


class LazyLogger:
    """A stand-in for ``logging.getLogger(name)`` that loads :mod:`logging` on first real use.

    :param name: the standard logger's name.
    :param level_name: a custom level ``(number, name)`` to register with
        :func:`logging.addLevelName` once :mod:`logging` is loaded.

    Attributes other than the logging methods (``level``, ``setLevel``, ``handlers``, ...) are
    those of the standard logger, which they load.
    """

    __slots__ = ("_level_name", "_logger", "name")

    def __init__(self, name: str, *, level_name: tuple[int, str] | None = None) -> None:
        self.name = name
        self._level_name = level_name
        self._logger: logging.Logger | None = None

    def _get(self) -> logging.Logger:
        if self._logger is None:
            import logging

            if self._level_name is not None:
                logging.addLevelName(*self._level_name)
            self._logger = logging.getLogger(self.name)
        return self._logger

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - the standard logger's name
        """Whether a record at *level* would be handled (False, loading nothing, when
        :mod:`logging` is not loaded and *level* is below ``WARNING``)."""
        if level < _WARNING and "logging" not in sys.modules:
            return False
        return self._get().isEnabledFor(level)

    def _emit(self, level: int, msg: object, args: tuple[object, ...], kwargs: Any) -> None:
        if level < _WARNING and "logging" not in sys.modules:
            return
        kwargs["stacklevel"] = kwargs.get("stacklevel", 1) + _OWN_FRAMES
        self._get().log(level, msg, *args, **kwargs)

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at *level*, as :meth:`logging.Logger.log`."""
        self._emit(level, msg, args, kwargs)

    def debug(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at ``DEBUG``, as :meth:`logging.Logger.debug`."""
        self._emit(_DEBUG, msg, args, kwargs)

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at ``INFO``, as :meth:`logging.Logger.info`."""
        self._emit(_INFO, msg, args, kwargs)

    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at ``WARNING``, as :meth:`logging.Logger.warning`."""
        self._emit(_WARNING, msg, args, kwargs)

    def error(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at ``ERROR``, as :meth:`logging.Logger.error`."""
        self._emit(_ERROR, msg, args, kwargs)

    def exception(self, msg: object, *args: object, **kwargs: Any) -> None:
        """Log *msg* at ``ERROR`` with the current exception, as
        :meth:`logging.Logger.exception`."""
        kwargs.setdefault("exc_info", True)
        self._emit(_ERROR, msg, args, kwargs)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._get(), attribute)

    def __repr__(self) -> str:
        return f"<LazyLogger {self.name}>"
