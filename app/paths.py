"""Every path the client writes to, from one place (STYLE.md §6).

The data folder is, in order of precedence: the `--data-dir` option (through `set_data_dir`),
the `GJJ_DESK_DATA_DIR` environment variable, or the platform's user data folder.

The folder holds names, full ID numbers and mobiles: on POSIX it and every folder in it are
made for their owner only (0700). On Windows the user's own profile folder keeps others out.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "gjj-desk"
APP_AUTHOR = "gjj-desk"
ENV_DATA_DIR = "GJJ_DESK_DATA_DIR"

_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Point every path at `path` (the `--data-dir` option); None goes back to the default."""
    global _override
    _override = Path(path).expanduser().resolve() if path is not None else None


def data_dir() -> Path:
    """The root of everything the client stores; created on first use."""
    if _override is not None:
        root = _override
    elif os.environ.get(ENV_DATA_DIR):
        root = Path(os.environ[ENV_DATA_DIR]).expanduser().resolve()
    else:
        root = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=True))
    private_dir(root)
    return root


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) a folder only its owner can enter; returns it.

    An existing folder an older client made 0755 is tightened, as long as it is ours.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        info = path.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            with contextlib.suppress(OSError):  # a read-only disk: the store will say so
                path.chmod(0o700)
    return path


def _sub(name: str) -> Path:
    path = data_dir()
    for part in Path(name).parts:
        path = private_dir(path / part)
    return path


def database_path() -> Path:
    """The local SQLite store (all units live in one file, each row keyed by unit)."""
    return data_dir() / "gjj-desk.sqlite3"


def backups_dir() -> Path:
    """Copies of the database taken before each schema upgrade."""
    return _sub("backups")


def log_dir() -> Path:
    return _sub("logs")


def log_file() -> Path:
    return log_dir() / "gjj-desk.log"


def unit_dir(unit_code: str) -> Path:
    """A unit's own files (scanned pages, documents, exports)."""
    safe = "".join(ch for ch in unit_code if ch.isalnum() or ch in "-_") or "_"
    return _sub(f"units/{safe}")


def attachments_dir(unit_code: str) -> Path:
    return private_dir(unit_dir(unit_code) / "attachments")


def settings_file() -> Path:
    """Plain preferences (server address, last unit, window geometry); never secrets."""
    return data_dir() / "settings.json"
