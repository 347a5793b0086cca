"""Printing for people (aligned tables, CJK-width aware) and for machines (JSON)."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TextIO


def display_width(text: str) -> int:
    """Columns a terminal uses for `text` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None
) -> None:
    out = out or sys.stdout
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], display_width(value))
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out)


def print_json(value: Any, out: TextIO | None = None) -> None:
    json.dump(value, out or sys.stdout, ensure_ascii=False, indent=2, default=str)
    print(file=out or sys.stdout)


def error(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)


# What a program killed by SIGPIPE reports to its shell (128 + 13), as `yes | head` does.
EXIT_CLOSED_PIPE = 141


def quiet_on_closed_pipe(command: Callable[[], int]) -> int:
    """Run `command`; a reader that stopped reading (`… | head`) ends it quietly.

    Whatever is still buffered is flushed here, inside the guard, and stdout is then pointed
    at the null device so the interpreter's own flush at exit cannot fail a second time.
    """
    try:
        code = command()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_CLOSED_PIPE
    return code
