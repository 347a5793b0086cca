"""What the outbox sync reports and needs: the centre's API as the sync uses it, run and sync
reports (with what they changed), the outbox as views show it, and the note on closing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.services.changes import Changes
from app.services.engine.states import UploadState

if TYPE_CHECKING:  # the window's start counts the outbox without the HTTP client (issue 12)
    from app.services.api.models import AttachmentInfo, SubmissionPage, SubmissionRecord
    from app.services.roster import SyncCounts


class CentreApi(Protocol):
    """What the sync needs of `CentreClient` (a fake in the unit tests)."""

    def upload_attachment(
        self, path: str | Path, sha256: str, material: str, business: str
    ) -> AttachmentInfo: ...

    def submit(
        self,
        business: str,
        rows: Sequence[Mapping[str, Any]],
        attachments: Sequence[str],
        idempotency_key: str,
        client_ref: str | None = None,
    ) -> SubmissionRecord: ...

    def submissions(
        self,
        since: int = 0,
        *,
        business: str | None = None,
        state: str | None = None,
        page_size: int = 200,
    ) -> SubmissionPage: ...

    def roster(self, since: int = 0, *, page: int = 1, page_size: int = 500) -> Any: ...

    def unit_profile(self) -> Any: ...

    def close(self) -> None: ...


ClientFactory = Callable[[], CentreApi]
Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]


@dataclass
class RunCounts:
    """What one run of the outbox did."""

    sent: int = 0
    replayed: int = 0  # the server already had it (a resend after a lost answer)
    retry_later: int = 0  # back to 待上传 with a backoff
    failed: int = 0  # 失败: the centre refused it, or a file is missing
    stopped: str | None = None  # why the run stopped early (offline, cancelled), in Chinese
    cancelled: bool = False  # stopped because the clerk asked: not trouble to report
    failures: list[tuple[int, str]] = field(default_factory=list)  # (item id, why) newly 失败


@dataclass
class SyncReport:
    """A send run followed by a pull of review states (and of the roster when they changed)."""

    run: RunCounts
    reviews_updated: int = 0
    pulled: bool = False  # False when the run stopped before the pull, or the pull failed
    pull_error: str | None = None  # why the pull failed (offline, 5xx), in Chinese
    roster: SyncCounts | None = None  # the roster delta pulled after review states changed
    idle_reason: str | None = None  # a manual sync that had nothing to send says why
    originals_removed: int = 0  # materials whose originals went (accepted, kept long enough)

    @property
    def changes(self) -> Changes:
        """What this sync changed, for every view that shows it."""
        run = self.run
        roster = self.roster
        return Changes(
            outbox=bool(run.sent or run.failed or run.retry_later or self.reviews_updated),
            reviews=self.reviews_updated > 0,
            roster=roster is not None and bool(roster.added or roster.changed or roster.removed),
        )


@dataclass(frozen=True)
class OutboxView:
    """An outbox item as the UI and the command line show it."""

    id: int
    business: str
    state: str
    state_label: str
    attempts: int
    last_error: str | None
    server_id: str | None
    review_state: str | None
    review_reason: str | None
    next_attempt_at: datetime | None


def waiting_note(waiting: Mapping[UploadState, int]) -> str | None:
    """What is still on this PC only, for the clerk about to close the window; None if nothing."""
    to_send = waiting.get(UploadState.QUEUED, 0) + waiting.get(UploadState.SENDING, 0)
    failed = waiting.get(UploadState.FAILED, 0)
    lines = []
    if to_send:
        lines.append(
            f"还有 {to_send} 笔提交尚未上传到公积金中心。它们已保存在本机，"
            "下次启动并登录后会自动上传。"
        )
    if failed:
        lines.append(
            f"另有 {failed} 笔上传失败，需要在查询页“重新修改”或“重新上传”后才会再次发送。"
        )
    return "\n\n".join(lines) or None
