"""How widgets say what they are: dynamic properties the style sheet matches.

Colours and fonts live in resources/style/app.qss; a widget only states its role or state,
e.g. `set_state(label, "error")`, never an inline style sheet.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def set_role(widget: QWidget, role: str) -> None:
    """What the widget is (a heading, a hint, a material's status line)."""
    widget.setProperty("role", role)


def set_state(widget: QWidget, state: str) -> None:
    """The widget's current state ("error", "ok", "required" …), re-styled at once."""
    if widget.property("state") == state:
        return
    widget.setProperty("state", state)
    # A style sheet is matched when a widget is polished: polish again for the new state.
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
