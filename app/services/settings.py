"""Plain preferences in a JSON file: server address, last unit, window geometry. Never secrets."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

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
