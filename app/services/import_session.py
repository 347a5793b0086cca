"""A clerk's batch import of one business, step by step: check a file, then choose.

The checked file waits here between the check and the clerk's choice (全部导入, 仅导入正确的行,
导出错误报告, 取消), so the page only renders what each step returns (issue 14: behaviour out of
widgets). The verdict and the counts are worded here once, for every page that imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path

from app.errors import BadInputError
from app.services import batch_import
from app.services.batch_import import ImportCheck, IsCancelled, Progress
from app.services.engine.pending import PendingLists, RowView


@dataclass(frozen=True)
class Verdict:
    """What a check found, in the clerk's words: one line and whether it is bad news."""

    check: ImportCheck
    message: str
    error: bool
    summary: str  # the counts, the missing and ignored columns, the notes


class ImportSession:
    """One business's import on one page: at most one checked file at a time."""

    def __init__(self, pending: PendingLists) -> None:
        self.pending = pending
        self.check: ImportCheck | None = None

    def check_file(
        self,
        path: str | PathLike[str],
        *,
        progress: Progress | None = None,
        cancelled: IsCancelled | None = None,
    ) -> Verdict:
        """Read and check every row (nothing stored); raises `Cancelled` when asked to stop.

        The previous file's check is forgotten first, whatever happens to this one.
        """
        self.check = None
        check = batch_import.validate_file(
            path, self.pending.spec, self.pending, progress=progress, cancelled=cancelled
        )
        self.check = check
        return verdict(check)

    def _checked(self) -> ImportCheck:
        if self.check is None:
            raise BadInputError("请先选择文件并点击“批量导入”进行校验。")
        return self.check

    def export_report(self, path: str | PathLike[str]) -> Path:
        """导出错误报告 of the checked file."""
        return batch_import.write_report(self._checked(), path)

    def import_rows(self, *, valid_only: bool) -> list[RowView]:
        """全部导入 / 仅导入正确的行, in one transaction; the check is used up once it worked."""
        added = batch_import.import_rows(self._checked(), self.pending, valid_only=valid_only)
        self.check = None
        return added

    def discard(self) -> None:
        """取消: forget the checked file; nothing was imported."""
        self.check = None


def verdict(check: ImportCheck) -> Verdict:
    if check.can_import_all:
        message, error = "校验通过，可以全部导入。", False
    elif not check.rows:
        message, error = "文件中没有可导入的数据。", True
    else:
        message, error = "发现问题，请查看下表；可导出错误报告修改后重新导入。", True
    return Verdict(check, message, error, summary(check))


def summary(check: ImportCheck) -> str:
    """The counts line above the problems: rows, good, bad, missing and ignored columns."""
    good, bad = len(check.good_rows), len(check.bad_rows)
    parts = [f"文件“{check.file_name}”共 {len(check.rows)} 行：正确 {good} 行，有误 {bad} 行。"]
    if check.missing_required:
        parts.append("缺少必填列：{}。".format("、".join(check.missing_required)))
    if check.unknown_headers:
        parts.append("已忽略的列：{}。".format("、".join(check.unknown_headers)))
    parts.extend(check.notes)  # e.g. an example row skipped: say so, never silently
    if check.problems:
        parts.append(f"下表列出全部 {len(check.problems)} 处问题。")
    elif not check.rows:
        parts.append("文件中没有数据行。")
    return "".join(parts)
