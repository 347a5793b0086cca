"""The panel's background work: imports and PDF builds, one at a time, in the clerk's order.

The work itself (`build_pdf`, `import_pages`) gets services and plain values, never a widget,
so a job queued just before the clerk closes the panel still runs, and its PDF is the last
change. The worker pool belongs to no widget: Qt's `QThreadPool` destructor waits for its work,
so a pool owned by the panel froze the window when 全部提交 was closed mid-build.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.material_pages import ImportResult, MaterialPages, StoredPage
from app.services.policy import CentrePolicy
from app.views.attachments.thumbnails import make_pictures
from app.views.ops import Op, OpContext

_serial: QThreadPool | None = None


def serial_pool() -> QThreadPool:
    """The one worker imports and builds run on (the last change always wins); never a child
    of a widget, so no widget's destruction waits for it."""
    global _serial
    if _serial is None:
        _serial = QThreadPool()
        _serial.setMaxThreadCount(1)
    return _serial


@dataclass(frozen=True)
class BuildTarget:
    """Whose PDFs the jobs make: the service and the pending list, as plain values."""

    attachments: AttachmentService
    business: str
    list_id: int
    policy: CentrePolicy


ImportOutcome = tuple[ImportResult, list[StoredPage], str | None]


@dataclass(frozen=True)
class Imported:
    """What an import did: the result per file, the material's pages now, any PDF problem."""

    result: ImportResult
    pages: list[StoredPage]
    problem: str | None
    note: str


def build_pdf(target: BuildTarget, material: str) -> str | None:
    """Rebuild the material's PDF (worker thread); the message if it cannot be made."""
    try:
        target.attachments.build(target.business, target.list_id, material, target.policy)
    except KnownError as error:
        return error.message
    return None


def import_pages(
    target: BuildTarget,
    store: MaterialPages,
    files: Sequence[Path],
    origin: str | None,
    scan_dir: Path | None,
    ctx: OpContext,
) -> ImportOutcome:
    """Copy files in as pages, make their pictures, rebuild the PDF (worker thread)."""
    result = store.import_files(files, origin=origin)
    for number, page in enumerate(result.added, start=1):
        make_pictures(store.path(page))
        ctx.report(number, len(result.added))
    if scan_dir is not None:
        shutil.rmtree(scan_dir, ignore_errors=True)
    return result, store.pages(), build_pdf(target, store.material)


class JobQueue(QObject):
    """Runs a panel's imports and builds on the serial worker; results come back as signals.

    Results for a panel closed meanwhile are dropped (the `Op` parent check); the work is not.
    """

    built = Signal(str, object)  # material, the problem (str) or None
    imported = Signal(str, object)  # material, Imported
    failed = Signal(str, str)  # material, message (note first)
    progress = Signal(int, int)  # pages done, of
    counts_changed = Signal()

    def __init__(self, target: BuildTarget, owner: QWidget) -> None:
        super().__init__(owner)
        self.target = target
        self._owner = owner
        self._jobs: Counter[str] = Counter()

    def busy(self, material: str | None = None) -> bool:
        """Whether any job (or one of `material`'s) is queued or running."""
        if material is None:
            return any(self._jobs.values())
        return self._jobs[material] > 0

    def _count(self, material: str, step: int) -> None:
        self._jobs[material] += step
        self.counts_changed.emit()

    def _progress(self, done: int, total: int, _label: str) -> None:
        if shiboken6.isValid(self):
            self.progress.emit(done, total)

    def build(self, material: str) -> Op[str | None]:
        """Rebuild the material's PDF after a change."""
        target = self.target
        self._count(material, 1)

        def done(problem: str | None) -> None:
            self._count(material, -1)
            self.built.emit(material, problem)

        def failed(error: BaseException) -> None:
            done(str(error))

        work = Op(self._owner, lambda _ctx: build_pdf(target, material))
        return work.success(done).failure(failed).run(serial_pool())

    def import_files(
        self,
        store: MaterialPages,
        files: Sequence[Path],
        *,
        origin: str | None = None,
        scan_dir: Path | None = None,
        note: str = "",
    ) -> Op[ImportOutcome]:
        """Add files as pages of the store's material and rebuild its PDF."""
        target, material, files = self.target, store.material, list(files)
        self._count(material, 1)

        def done(outcome: ImportOutcome) -> None:
            self._count(material, -1)
            self.imported.emit(material, Imported(*outcome, note=note))

        def failed(error: BaseException) -> None:
            self._count(material, -1)
            self.failed.emit(material, f"{note} {error}".strip())

        op: Op[ImportOutcome] = Op(
            self._owner,
            lambda ctx: import_pages(target, store, files, origin, scan_dir, ctx),
        )
        op.signals.progress.connect(self._progress)
        return op.success(done).failure(failed).run(serial_pool())
