"""Issue 12: a start imports only what the command or the first screen needs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from app import cli
from app.services.store import code_head, head_revision

WATCHED = (
    "keyring",
    "requests",
    "PIL",
    "alembic",
    "fastapi",
    "fundserver",
    "uvicorn",
    "sqlalchemy",
    "img2pdf",
    "pypdf",
    "pikepdf",
)
NOT_AT_WINDOW_START = {"alembic", "fastapi", "fundserver", "uvicorn", "img2pdf", "pypdf", "pikepdf"}
# Not even the store, the keyring or the centre's client before the window is on screen.
NOT_BEFORE_SHOWN = {"sqlalchemy", "keyring", "requests", "PIL"} | NOT_AT_WINDOW_START

WINDOW_START = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def loaded():
    return " ".join(sorted({{name.split(".")[0] for name in sys.modules}} & set({WATCHED!r})))
def running():  # the window is shown and the event loop runs: what was imported?
    shown = [w for w in app.topLevelWidgets() if w.isVisible()]
    print("SHOWN", len(shown))
    print("HOME", shown[0].home.body.text())
    print("LOADED", loaded())
    shown[0].first_screen.connect(lambda: first(shown[0]))
    shown[0].filled.connect(filled)
def first(window):  # the unit is on the home page and the status bar: imported by then?
    print("FIRST_LOADED", loaded())
    print("FIRST_STATUS", window.unit_label.text())
def filled():  # the data is in: what was imported by then?
    print("FILLED_LOADED", loaded())
    app.quit()
QTimer.singleShot(0, running)
from app.__main__ import main
sys.argv = ["gjj-desk", "--data-dir", sys.argv[1]]
raise SystemExit(main())
"""

COMMAND = f"""
import sys
from app.__main__ import main
sys.argv = ["gjj-desk", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
roots = {{name.split(".")[0] for name in sys.modules}}
print("LOADED", " ".join(sorted(roots & set({WATCHED!r}))))
"""


def _run(code: str, *args: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    facts: dict[str, str] = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        facts[key] = value
    return facts


def _loaded(facts: dict[str, str], when: str = "LOADED") -> set[str]:
    return set(facts[when].split())


def test_the_window_starts_without_alembic_fastapi_fundserver_or_pdf_libraries(
    tmp_path: Path,
) -> None:
    data = str(tmp_path / "data")
    first = _run(WINDOW_START, data)  # a new database is made: Alembic builds it
    assert "alembic" in _loaded(first, "FILLED_LOADED")

    again = _run(WINDOW_START, data)  # the database is current: no Alembic

    assert again["SHOWN"] == "1"
    assert _loaded(again, "FILLED_LOADED") & NOT_AT_WINDOW_START == set()


def test_the_window_is_shown_before_the_store_and_the_keyring_are_imported(
    tmp_path: Path,
) -> None:
    facts = _run(WINDOW_START, str(tmp_path / "data"))

    assert facts["SHOWN"] == "1"
    assert "正在载入" in facts["HOME"]  # what the clerk sees until the data is in
    assert _loaded(facts) & NOT_BEFORE_SHOWN == set()
    assert {"sqlalchemy", "keyring"} <= _loaded(facts, "FILLED_LOADED")  # then filled in


def test_the_unit_is_shown_before_sqlalchemy_and_the_fill_imports_no_http_client(
    tmp_path: Path,
) -> None:
    data = str(tmp_path / "data")
    _run(WINDOW_START, data)  # a returning clerk's database, with a unit
    _run(COMMAND, "unit", "add", "100001", "开封市示范机械厂", "--data-dir", data)

    facts = _run(WINDOW_START, data)

    assert facts["FIRST_STATUS"] == "当前单位：开封市示范机械厂（100001）"
    assert _loaded(facts, "FIRST_LOADED") & NOT_BEFORE_SHOWN == set()
    filled = _loaded(facts, "FILLED_LOADED")
    assert "sqlalchemy" in filled and "requests" not in filled  # nothing was sent


def test_version_and_check_id_do_not_import_the_store(tmp_path: Path) -> None:
    facts = _run(COMMAND, "--version", "--data-dir", str(tmp_path))
    assert facts["gjj-desk"]  # the version was printed
    assert _loaded(facts) == set()
    facts = _run(COMMAND, "check-id", "110101199003070012", "--data-dir", str(tmp_path))
    assert _loaded(facts) == set()


def test_every_command_is_found_in_its_module() -> None:
    """The start imports only the asked command's module: the table must name each command."""
    registered: dict[str, set[str]] = {}
    for module in cli.COMMAND_MODULES:
        parser = cli.build_parser([module])
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for command in actions[0].choices:
            registered.setdefault(command, set()).add(module)
    assert set(registered) == set(cli.COMMAND_MODULE_OF)
    for command, named in cli.COMMAND_MODULE_OF.items():
        first = named if isinstance(named, str) else named[0]
        assert first in registered[command], command


def test_the_command_modules_a_start_needs() -> None:
    assert cli.modules_for([]) == []
    assert cli.modules_for(["--demo"]) == []
    assert cli.modules_for(["--data-dir", "check-id", "--version"]) == []
    assert cli.modules_for(["--json", "check-id", "1"]) == ["rules_cmds"]
    assert cli.modules_for(["-h"]) == list(cli.COMMAND_MODULES)
    assert cli.modules_for(["no-such-command"]) == list(cli.COMMAND_MODULES)


def test_the_migration_files_name_the_same_head_as_alembic() -> None:
    assert code_head() == head_revision()


PLAIN_IMPORTS = """
import linecache, sys
from app.views.qt_imports import use_plain_imports
print("REMOVED", use_plain_imports())
import {module}  # imported after PySide6: is its source read and kept?
print("SOURCE_KEPT", any(name.endswith({path!r}) for name in linecache.cache))
"""


def test_the_window_start_does_not_read_the_source_of_every_module_it_imports() -> None:
    """PySide6's import hook reads (and caches) each later module's whole source: not ours."""
    code = PLAIN_IMPORTS.format(module="colorsys", path="colorsys.py")
    hooked = _run(code.replace('print("REMOVED", use_plain_imports())', "import PySide6.QtCore"))
    assert hooked["SOURCE_KEPT"] == "True"  # what PySide6 does by itself

    facts = _run(code)

    assert facts["REMOVED"] == "True" and facts["SOURCE_KEPT"] == "False"
