"""``python -m jpki`` is the same as the ``jpki`` command."""

from __future__ import annotations

import sys

from jpki.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
