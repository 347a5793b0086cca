"""PySide6 without its source scan of every module imported after it (issue 12).

Importing PySide6 replaces `builtins.__import__` with its `__feature_import__`, which serves
`from __feature__ import snake_case, true_property` and, to know which modules might use those,
reads the whole source of every module imported afterwards (`inspect.getsource`, searching it
for "PySide6") and keeps it in `linecache`. For the window's start that is SQLAlchemy, the
keyring, requests and the client's own modules: measured here ≈25 MB of cached source lines
and about a third of the import time. The client uses no `__feature__`, so the window's start
puts Python's own import back and drops the lines already cached.
"""

from __future__ import annotations

import builtins
import linecache


def use_plain_imports() -> bool:
    """Python's own `__import__` again; False when PySide6 installed no hook to remove."""
    import PySide6.QtCore  # noqa: F401 - installs the hook (and `__orig_import__`) if not yet

    original = getattr(builtins, "__orig_import__", None)
    if original is None or builtins.__import__ is original:
        return False
    builtins.__import__ = original
    linecache.clearcache()  # the sources read so far (tracebacks read them again if needed)
    return True
