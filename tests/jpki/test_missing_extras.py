"""Without an optional extra, its command says what to install; unknown lazy names fail clearly."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.runs import JpkiRun


def _run_without(module: str, *argv: str) -> JpkiRun:
    # A None entry in sys.modules makes "import module" raise ImportError, as if not installed.
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules[{module!r}] = None
        from jpki.cli.main import main
        sys.exit(main({list(argv)!r}))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    return JpkiRun(run.returncode, run.stdout, run.stderr)


def test_pdf_commands_without_pyhanko_say_which_extra_to_install() -> None:
    run = _run_without("pyhanko", "--lang", "en", "pdf", "preflight", "nothing.pdf")
    assert run.code == 2, run.err
    assert "jpki-toolkit[pdf]" in run.err and "Traceback" not in run.err
    ja = _run_without("pyhanko", "--lang", "ja", "pdf", "preflight", "nothing.pdf")
    assert "pyHanko が必要です" in ja.err


def test_the_counter_without_its_stack_says_which_extra_to_install() -> None:
    run = _run_without("starlette", "--lang", "en", "counter", "--sim")
    assert run.code == 1, run.err
    assert "jpki-toolkit[counter]" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("package", ["jpki.rules", "jpki.diagnosis"])
def test_a_lazy_package_refuses_a_name_it_does_not_have(package: str) -> None:
    module = __import__(package, fromlist=["_"])
    with pytest.raises(AttributeError, match=f"module '{package}' has no attribute 'nothing'"):
        module.nothing  # noqa: B018 - the attribute access is the test
    assert "nothing" not in dir(module) and "evaluate" in dir(__import__("jpki.rules").rules)
