"""Plain preferences in a JSON file: server address, last unit, window geometry, the folders
file dialogs last used. Never secrets."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from app import paths
from app.errors import StorageError

logger = logging.getLogger(__name__)

# Keys that must never reach this file; a bug that tries is refused loudly.
_FORBIDDEN = ("password", "token", "secret")


class Settings:
    """A small dictionary persisted atomically (write to a temp file, then rename)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.settings_file()
        self._values: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            values = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A damaged preferences file must not stop the client; it is only preferences.
            logger.warning("ignoring unreadable settings file %s: %s", self.path, exc)
            return {}
        return values if isinstance(values, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        if any(word in key.lower() for word in _FORBIDDEN):
            raise ValueError(f"secrets belong in the OS keyring, not in settings: {key}")
        # Another Settings on the same file (the window's, a file dialog's, a command run
        # meanwhile) may have saved since this one loaded: keep what it wrote.
        if self.path.exists():
            self._values = {**self._values, **self._load()}
        self._values[key] = value
        self._save()

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".settings-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._values, handle, ensure_ascii=False, indent=2)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StorageError(f"无法保存设置到 {self.path}：{exc.strerror}") from exc


def documents_folder() -> Path:
    """The clerk's Documents folder (文档), or the home folder where there is none."""
    try:
        folder = Path(platformdirs.user_documents_dir())
    except (OSError, RuntimeError):  # no home at all: an odd service account
        folder = Path.home()
    return folder if folder.is_dir() else Path.home()


class RecentFolders:
    """Where a file dialog opens: the Documents folder at first, then the last folder used for
    the same purpose (importing a batch, saving a template, adding scans…)."""

    KEY = "file_dialog_folders"

    def __init__(self, settings: Settings, documents: Path | None = None) -> None:
        self.settings = settings
        self.documents = documents

    def folder_for(self, purpose: str) -> Path:
        """The folder to open in; a remembered folder that no longer exists is passed over."""
        remembered = self._all().get(purpose)
        if isinstance(remembered, str) and Path(remembered).is_dir():
            return Path(remembered)
        documents = self.documents or documents_folder()
        return documents if documents.is_dir() else Path.home()

    def remember(self, purpose: str, chosen: Path) -> None:
        """Keep the folder of what the clerk chose (the folder itself when one was chosen)."""
        folder = chosen if chosen.is_dir() else chosen.parent
        folders = {**self._all(), purpose: str(folder.resolve())}
        try:
            self.settings.set(self.KEY, folders)
        except StorageError as exc:
            # Only a convenience: the clerk's real work must not fail over it.
            logger.warning("could not remember the folder for %s: %s", purpose, exc)

    def _all(self) -> dict[str, Any]:
        value = self.settings.get(self.KEY)
        return dict(value) if isinstance(value, dict) else {}
