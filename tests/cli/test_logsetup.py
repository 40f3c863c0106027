"""The run's logs on stderr (:mod:`jpki.cli.logsetup`), each case in a fresh interpreter so
that :mod:`logging` starts unloaded, as it does in a ``jpki`` process."""

from __future__ import annotations

import subprocess
import textwrap

from tests.runs import run_fresh

_PLAIN_RUN = """
import sys
from apdu.lazylog import LazyLogger
from apdu.trace import TRAFFIC, trace_logger
from jpki.cli.logsetup import logs_to_stderr

hooks = list(sys.meta_path)
with logs_to_stderr(debug=False, trace=False):
{during}
assert sys.meta_path == hooks, sys.meta_path
{after}
"""


def run_plain(during: str, after: str) -> subprocess.CompletedProcess[str]:
    """In a fresh interpreter: *during* inside a run without ``--debug`` or ``--trace``, then
    *after*; the run must leave the import hooks as it found them."""
    during = textwrap.indent(textwrap.dedent(during), "    ")
    return run_fresh(_PLAIN_RUN.format(during=during, after=textwrap.dedent(after)))


def test_a_debug_record_loads_no_logging_and_shows_nothing() -> None:
    completed = run_plain(
        """
        LazyLogger("jpki.session").debug("reading %s", "a counter")
        LazyLogger("jpki.session").info("an info record")
        assert not trace_logger.isEnabledFor(TRAFFIC)
        assert "logging" not in sys.modules
        """,
        """
        assert "logging" not in sys.modules
        print("done")
        """,
    )
    assert completed.stdout == "done\n"
    assert completed.stderr == ""


def test_a_warning_is_shown_as_before_by_the_handler_set_up_on_import() -> None:
    # The toolkit's warning loads logging; the hook then sets up the run's handler, so the
    # record is shown in the run's format; afterwards logging is as it was.
    completed = run_plain(
        """
        LazyLogger("apdu.pcsc").warning("reader %s is gone", "R1")
        LazyLogger("apdu.pcsc").debug("not shown without --debug")
        """,
        """
        import logging
        root = logging.getLogger()
        assert root.handlers == [] and root.level == logging.WARNING, (root.handlers, root.level)
        """,
    )
    assert completed.stderr == "WARNING apdu.pcsc: reader R1 is gone\n"


def test_a_library_importing_logging_itself_gets_the_same_handler() -> None:
    completed = run_plain(
        """
        import logging
        logging.getLogger("somelib").error("broken %d", 7)
        logging.getLogger("somelib").info("quiet")
        """,
        "",
    )
    assert completed.stderr == "ERROR somelib: broken 7\n"


def test_debug_sets_up_logging_at_once_and_shows_debug_records() -> None:
    completed = run_fresh(
        """
        import sys
        from apdu.lazylog import LazyLogger
        from jpki.cli.logsetup import logs_to_stderr

        with logs_to_stderr(debug=True, trace=False):
            assert "logging" in sys.modules
            LazyLogger("jpki.session").debug("reading %s", "a counter")
        LazyLogger("jpki.session").debug("after the run: not shown")
        """
    )
    assert completed.stderr == "DEBUG jpki.session: reading a counter\n"


def test_trace_shows_the_apdu_trace_with_the_pin_redacted() -> None:
    completed = run_fresh(
        """
        from apdu.trace import TRAFFIC, format_command, trace_logger
        from jpki.cli.logsetup import logs_to_stderr

        verify = bytes.fromhex("0020008004") + b"1234"
        with logs_to_stderr(debug=False, trace=True):
            assert trace_logger.isEnabledFor(TRAFFIC)
            trace_logger.log(TRAFFIC, "card > %s", format_command(verify))
        assert not trace_logger.isEnabledFor(TRAFFIC)
        """
    )
    assert completed.stderr == "TRAFFIC apdu.trace: card > 00 20 00 80 04 <4 bytes redacted>\n"
    assert "1234" not in completed.stderr and "31 32 33 34" not in completed.stderr
