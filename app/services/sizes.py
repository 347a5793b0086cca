"""A file size as the clerk reads it (12 KB, 3.4 MB): no PDF or image library needed."""

from __future__ import annotations


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"
