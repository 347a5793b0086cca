"""House conventions that a reader can check by eye, checked by machine so they stay true."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _calls_named(attr: str) -> list[str]:
    found = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == attr
            ):
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def test_ui_text_is_plain_chinese_not_tr_calls_that_nothing_translates() -> None:
    # The UI is Chinese-only and there is no .ts/.qm pipeline for our own texts; Qt's own
    # texts come from qtbase_zh_CN. A tr() call would promise a translation that never comes.
    assert _calls_named("tr") == []


def test_services_and_models_import_no_qt_widgets() -> None:
    offenders = []
    for folder in ("services", "models"):
        for path in (APP / folder).rglob("*.py"):
            if "QtWidgets" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(APP.parent)))
    assert offenders == []
