"""The pre-commit hooks run the same lint, format and type checks as ``scripts/test``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pre_commit_runs_what_scripts_test_runs_for_lint_format_and_types() -> None:
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    checks = {
        line.strip()
        for line in script.splitlines()
        if line.strip().startswith((".venv/bin/ruff", ".venv/bin/mypy"))
    }
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    entries = set(re.findall(r"^\s+entry: (.+?)\s*$", config, flags=re.MULTILINE))
    assert len(checks) == 3, checks  # ruff check, ruff format --check, mypy --strict
    assert checks <= entries, checks - entries
    assert "repo: local" in config and "language: system" in config
