"""Logs of one ``jpki`` run on stderr, set up only when something loads :mod:`logging`.

Every run shows warnings (and, with ``--debug``, debug records; with ``--trace``, the redacted
APDU trace) on stderr as ``LEVEL name: message``. Loading :mod:`logging` to set that up costs
several milliseconds, and most runs log nothing: the toolkit's module loggers
(:class:`apdu.lazylog.LazyLogger`) load it only for a record that could be shown. So unless
``--debug`` or ``--trace`` is given, or :mod:`logging` is already loaded, the handler is put
in place by a one-shot import hook at the moment :mod:`logging` is first imported, by the
toolkit or by any library: whatever is logged is shown exactly as if the handler had been
there from the start. The handler and levels are put back at the end of the run, so calling
:func:`jpki.cli.main.main` from a program or a test leaves logging as it found it.
"""

from __future__ import annotations

import contextlib
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would slow every command
if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterator, Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Any

__all__ = ["logs_to_stderr"]

_FORMAT = "%(levelname)s %(name)s: %(message)s"


class _StderrLogs:
    """The run's stderr handler and levels; :meth:`close` puts logging back as it was."""

    def __init__(self, *, debug: bool, trace: bool) -> None:
        import logging

        self._handler = logging.StreamHandler(sys.stderr)
        self._handler.setFormatter(logging.Formatter(_FORMAT))
        self._root = logging.getLogger()
        self._saved_root_level = self._root.level
        self._root.addHandler(self._handler)
        self._root.setLevel(logging.DEBUG if debug else logging.WARNING)
        self._trace: tuple[logging.Logger, int] | None = None
        if trace:  # only --trace needs the apdu package here
            from apdu.trace import TRAFFIC

            trace_logger = logging.getLogger("apdu.trace")
            logging.addLevelName(TRAFFIC, "TRAFFIC")
            self._trace = (trace_logger, trace_logger.level)
            trace_logger.setLevel(TRAFFIC)

    def close(self) -> None:
        self._root.removeHandler(self._handler)
        self._root.setLevel(self._saved_root_level)
        if self._trace is not None:
            self._trace[0].setLevel(self._trace[1])


class _ThenRun:
    """A module loader that runs *then* once, after the module it loads has been executed."""

    def __init__(self, loader: Any, then: Callable[[], None]) -> None:
        self._loader = loader
        self._then: Callable[[], None] | None = then

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        then, self._then = self._then, None  # once: not again if the module is reloaded
        if then is not None:
            then()

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._loader, attribute)


class _WhenLoggingLoads:
    """A one-shot import hook (in :data:`sys.meta_path`) that calls *then* right after
    :mod:`logging` is first imported."""

    def __init__(self, then: Callable[[], None]) -> None:
        self._then = then

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != "logging":
            return None
        self.remove()
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec: ModuleSpec | None = (
                None if find_spec is None else find_spec(fullname, path, target)
            )
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None:
            spec.loader = _ThenRun(spec.loader, self._then)  # type: ignore[assignment]
        return spec

    def remove(self) -> None:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)


@contextlib.contextmanager
def logs_to_stderr(*, debug: bool, trace: bool) -> Iterator[None]:
    """Show this run's logs on stderr (see the module docstring); put logging back after."""
    if debug or trace or "logging" in sys.modules:
        logs = _StderrLogs(debug=debug, trace=trace)
        try:
            yield
        finally:
            logs.close()
        return
    opened: list[_StderrLogs] = []
    hook = _WhenLoggingLoads(lambda: opened.append(_StderrLogs(debug=False, trace=False)))
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        hook.remove()
        for logs in opened:
            logs.close()
