"""The rules and the policy are Qt-free core (STYLE.md §1): importing them loads no PySide6."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "app.services.policy",
    "app.services.rules.contribution",
    "app.services.rules.idnumber",
    "app.services.rules.money",
    "app.services.rules.rounding",
    "app.services.rules.text",
    "app.services.rules.yearmonth",
]


def test_rules_import_no_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
