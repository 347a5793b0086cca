"""The two kinds of trouble (STYLE.md §5).

`KnownError` and its subclasses are trouble the clerk can act on: a dead network, a 401, a full
disk, a bad file. They carry a Chinese message that the UI shows as it is, and the state is kept.
Anything else that escapes is a bug: logged with its traceback and shown in the crash dialog.
"""

from __future__ import annotations


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
