"""One "what changed" signal every page listens to (Anki's `operation_did_execute`).

Whoever changes data (the sync, a 全部提交, a 重新修改, a roster sync, a login) calls
`hub.publish(Changes(...))`; each page connects `hub.changed` and refreshes itself if it shows
what changed. The hub is made by the main window and passed to pages by constructor.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.changes import Changes


class ChangeHub(QObject):
    """Carries `Changes` from whoever made them to every view that shows them."""

    changed = Signal(object)  # a Changes

    def publish(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)
