"""One `scanimage --batch` process, watched: pages as they arrive, cancel, and a watchdog.

Every wait here is bounded. A driver can hang for good (SANE's test device once stopped in a
futex wait; real drivers do too), and the worker thread, and whoever waits on it, must always
get an answer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

from app.services.scanning.base import CancelCheck, PageCallback, ScanFailedError

logger = logging.getLogger(__name__)

# How often a running scan looks at the cancel flag and the watchdog (seconds).
CANCEL_POLL_SECONDS = 0.05
# After the watchdog or a cancel kills scanimage, how long its pipes may take to close.
KILL_GRACE_SECONDS = 5.0


class BatchRun:
    """One scanimage process: pages arrive on stdout (`--batch-print`), cancel kills it.

    A watchdog kills it too when neither a page nor a growing partial page has been seen for
    `stall_seconds`: drivers hang (a futex wait that never returns), and every wait here is
    bounded so the worker, and whoever waits on it, always gets an answer.
    """

    def __init__(
        self,
        command: list[str],
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
        stall_seconds: float,
        not_installed: str,
    ) -> None:
        self.pages: list[Path] = []
        self._out_dir = out_dir
        self.was_cancelled = False
        self.stalled = False
        self._stall_seconds = stall_seconds
        self._last_progress = time.monotonic()
        self._partial_size = -1
        self._killed_at: float | None = None
        self._on_page = on_page
        self._cancelled = cancelled
        try:
            self._proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise ScanFailedError(not_installed, code="NOT_INSTALLED") from exc
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._stdout_thread = threading.Thread(target=self._read_stdout, daemon=True)
        self._stdout_thread.start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()

    def _read_stdout(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _read_stderr(self) -> None:
        assert self._proc.stderr is not None
        self._stderr.extend(self._proc.stderr)

    def wait(self) -> tuple[int, str]:
        """Deliver pages until the process ends, the clerk cancels or the scanner stalls."""
        try:
            return self._deliver()
        except BaseException:
            # Whatever went wrong here (a page callback that raised…), the process and its
            # pipes must not outlive the scan.
            self._stop()
            self._finish()
            raise

    def _deliver(self) -> tuple[int, str]:
        while True:
            if not self.was_cancelled and self._cancelled():
                self.was_cancelled = True
                self._stop()
            if not self.stalled and not self.was_cancelled and self._stalling():
                logger.warning("scanner silent for %.0f s: stopping the scan", self._stall_seconds)
                self.stalled = True
                self._stop()
            if self._killed_at is not None and self._gave_up_on_pipes():
                break
            try:
                line = self._lines.get(timeout=CANCEL_POLL_SECONDS)
            except queue.Empty:
                continue
            if line is None:
                break
            if line:  # a finished page, even if it arrived just as the clerk cancelled
                page = Path(line)
                self.pages.append(page)
                self._last_progress = time.monotonic()
                self._on_page(page)
        returncode = self._finish()
        if self.was_cancelled or self.stalled:
            self._remove_partial()
        return returncode, "".join(self._stderr)

    def _stalling(self) -> bool:
        """No page and no growing partial page for `stall_seconds`."""
        size = self._partial_bytes()
        now = time.monotonic()
        if size != self._partial_size:
            self._partial_size = size
            self._last_progress = now
        return now - self._last_progress > self._stall_seconds

    def _partial_bytes(self) -> int:
        """How much of the page being scanned is written; a finished page is renamed from its
        .part file at any moment, so a file gone between listing and reading counts as 0."""
        size = 0
        for part in self._out_dir.glob("page-*.part"):
            with contextlib.suppress(OSError):
                size += part.stat().st_size
        return size

    def _gave_up_on_pipes(self) -> bool:
        # Something outside the process group may hold the pipes open; do not wait for it.
        assert self._killed_at is not None
        return time.monotonic() - self._killed_at > KILL_GRACE_SECONDS

    def _finish(self) -> int:
        """The exit code; every wait bounded (a killed process is reaped within the grace)."""
        try:
            returncode = self._proc.wait(
                timeout=KILL_GRACE_SECONDS if self._killed_at else self._stall_seconds
            )
        except subprocess.TimeoutExpired:
            if self._killed_at is None:  # the output ended but the driver never let go
                logger.warning("scanimage did not exit after its last page: stopping it")
                self.stalled = True
                self._stop()
            try:
                returncode = self._proc.wait(timeout=KILL_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                returncode = -1
        self._stdout_thread.join(timeout=KILL_GRACE_SECONDS)
        self._stderr_thread.join(timeout=KILL_GRACE_SECONDS)
        if not (self._stdout_thread.is_alive() or self._stderr_thread.is_alive()):
            for stream in (self._proc.stdout, self._proc.stderr):
                if stream is not None:
                    stream.close()
        return returncode

    def _stop(self) -> None:
        self._killed_at = time.monotonic()
        if self._proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            if os.name == "posix":
                os.killpg(self._proc.pid, signal.SIGKILL)
            else:
                self._proc.kill()

    def _remove_partial(self) -> None:
        for part in self._out_dir.glob("page-*.png.part"):
            part.unlink(missing_ok=True)
