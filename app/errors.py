"""The two kinds of trouble (STYLE.md §5).

`KnownError` and its subclasses are trouble the clerk can act on: a dead network, a 401, a full
disk, a bad file. They carry a Chinese message that the UI shows as it is, and the state is kept.
Anything else that escapes is a bug: logged with its traceback and shown in the crash dialog.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

# Below this much free space a failed write is taken for a full disk (SQLite says only
# "disk I/O error" when it cannot grow its shared-memory file on a full disk).
LOW_SPACE_BYTES = 1 << 20


class KnownError(Exception):
    """Trouble with a clear Chinese message for the clerk; never a bug."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message


class OfflineError(KnownError):
    """The centre's server cannot be reached (no network, refused, timed out)."""


class AuthError(KnownError):
    """The server refused the credentials or the token expired (HTTP 401)."""


class ServerRejectedError(KnownError):
    """The server answered a 4xx with a structured reason (code, message, field)."""


class ServerError(KnownError):
    """The server failed (5xx); worth retrying later."""


class BadInputError(KnownError):
    """A value or a file the clerk gave is wrong; the message names what and where."""


class StorageError(KnownError):
    """The local disk or database refused a write (full disk, read-only folder, locked file)."""


class DatabaseCorruptError(StorageError):
    """The local database file is damaged (bad header, truncated, malformed pages)."""


class DatabaseTooNewError(KnownError):
    """The local database was written by a newer version of the client."""


class ScannerError(KnownError):
    """The scanner failed: jammed, empty feeder, busy or gone."""


class Cancelled(KnownError):  # noqa: N818 - the name reads as what happened, like asyncio's
    """The clerk cancelled a long operation (an import, a roster sync…); nothing was half-done.

    The one way every long job says it stopped on request: a worker raises it when its
    `cancelled()` turns true, and callers catch this class, never compare messages.
    """

    def __init__(self, message: str = "操作已取消。") -> None:
        super().__init__(message)


def disk_full_message(where: Path | str) -> str:
    return f"磁盘空间不足，无法保存到 {where}，请清理磁盘后重试。"


def no_permission_message(where: Path | str) -> str:
    return (
        f"没有写入 {where} 的权限（文件夹只读或属于其他用户）：请检查该文件夹的权限，"
        "或用 --data-dir 指定一个可写的数据文件夹。"
    )


def free_bytes(where: Path) -> int | None:
    """Free space on the disk holding `where` (its nearest existing ancestor); None if unknown."""
    for folder in (where, *where.parents):
        if folder.exists():
            try:
                return shutil.disk_usage(folder).free
            except OSError:
                return None
    return None


def is_low_on_space(where: Path) -> bool:
    free = free_bytes(where)
    return free is not None and free < LOW_SPACE_BYTES


def cannot_write(where: Path) -> bool:
    """Whether the folder holding `where` (or `where` itself, if it exists) refuses writes."""
    folder = where if where.is_dir() else where.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return True
    return where.exists() and not os.access(where, os.W_OK)


def storage_error(exc: OSError, where: Path | str) -> StorageError:
    """A full disk, a read-only folder or another refused write, in words the clerk can act on."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return StorageError(disk_full_message(where), code="disk_full")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(no_permission_message(where), code="no_permission")
    return StorageError(f"无法保存到 {where}：{exc.strerror or exc}", code="io_error")
