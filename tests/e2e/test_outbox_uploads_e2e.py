"""Documents several a request (POST /attachments/batch) against fundserver as a process:
a batch of uploads whose answer is lost is replayed, the centre dies between the uploads and the
submissions, and still each submission and each document is on the centre once."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import create_engine, text

from app.errors import OfflineError
from app.models import Attachment, OutboxItem
from app.services.api import CentreClient, MemoryTokenStore
from app.services.api.models import AttachmentInfo, SubmissionRecord
from app.services.api.records import BatchSubmission, DocumentUpload
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.ids import resident_id
from tests.outbox_documents import document_row

pytestmark = pytest.mark.e2e

ITEMS = 6


class Centre:
    """The test's own fundserver, which the client below stops at the chosen moment."""

    def __init__(self, server: FundServerProcess) -> None:
        self.server = server
        self.uploads_answered = 0  # batch uploads the client was told the answer of
        self.lose_upload_answer = True
        self.die_before_submit = True

    def restart(self) -> None:
        old = self.server
        self.server = FundServerProcess(
            old.folder, seed="none", port=old.port, database_url=old.database_url
        )

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        engine = create_engine(self.server.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql))]
        finally:
            engine.dispose()


class TroubledClient(CentreClient):
    """The real client; the first batch upload's answer is lost after the centre stored it,
    and the centre dies after the next one, before the submissions are sent."""

    centre: Centre

    def upload_attachments(
        self, documents: Sequence[DocumentUpload]
    ) -> list[AttachmentInfo | Exception] | None:
        answers = super().upload_attachments(documents)
        if self.centre.lose_upload_answer:
            self.centre.lose_upload_answer = False
            raise OfflineError("连接公积金中心服务器超时", code="timeout")
        self.centre.uploads_answered += 1
        return answers

    def submit_batch(
        self, items: Sequence[BatchSubmission]
    ) -> list[SubmissionRecord | Exception] | None:
        if self.centre.die_before_submit:
            self.centre.die_before_submit = False
            self.centre.server.stop()
        return super().submit_batch(items)


@pytest.fixture
def centre(fresh_fundserver: FundServerProcess) -> Iterator[Centre]:
    held = Centre(fresh_fundserver)
    yield held
    if held.server is not fresh_fundserver:
        held.server.stop()


def queue_with_pages(services: AppServices, unit_id: int, folder: Path) -> list[int]:
    """As 全部提交 leaves them: each item committed, 待上传, with a scanned page of its own."""
    folder.mkdir()
    rng = random.Random(20261129)
    ids = []
    with services.store.session() as session:
        for n in range(ITEMS):
            page = folder / f"page-{n}.png"
            Image.frombytes("RGB", (32, 32), rng.randbytes(32 * 32 * 3)).save(page)
            document = document_row(session, unit_id, page)
            item = OutboxItem(
                unit_id=unit_id,
                business="open-account",
                idempotency_key=uuid.uuid4().hex,
                rows=[
                    {
                        "name": f"测试{n}",
                        "id_number": resident_id(f"41020319900101{n:03d}"),
                        "base": "5000.00",
                    }
                ],
                attachment_ids=[document.id],
                state="queued",
            )
            session.add(item)
            session.flush()
            ids.append(item.id)
    return ids


def test_a_lost_upload_answer_and_a_restart_before_submitting_leave_each_once(
    services: AppServices, centre: Centre, demo_credentials: DemoCredentials, tmp_path: Path
) -> None:
    tokens = MemoryTokenStore()
    with CentreClient(centre.server.url, token_store=tokens) as direct:
        direct.login(demo_credentials.unit_code, demo_credentials.password)
    unit = services.units.add(demo_credentials.unit_code, "开封示范科技有限公司", centre.server.url)
    ids = queue_with_pages(services, unit.id, tmp_path / "scans")

    def client() -> CentreClient:
        made = TroubledClient(centre.server.url, token_store=tokens)
        made.centre = centre
        return made

    outbox = OutboxSync(services.store, unit.id, client, batch=ITEMS)
    lost = outbox.run(now_anyway=True)  # the uploads' answer lost on the way back
    assert (lost.sent, lost.retry_later) == (0, ITEMS)
    stored = centre.rows("SELECT COUNT(*) FROM attachments")
    assert stored == [(ITEMS,)]  # the centre had them all the same

    died = outbox.run(now_anyway=True)  # uploaded again (replayed), then the centre died
    assert centre.uploads_answered == 1 and (died.sent, died.retry_later) == (0, ITEMS)
    centre.restart()
    done = outbox.run(now_anyway=True)

    assert done.sent == ITEMS
    assert outbox.counts() == {"待上传": 0, "上传中": 0, "已提交": ITEMS, "失败": 0}
    with services.store.session() as session:
        keys = [session.get_one(OutboxItem, i).idempotency_key for i in ids]
        documents = {row.sha256: row.server_id for row in session.query(Attachment)}
    recorded = centre.rows("SELECT idempotency_key, COUNT(*) FROM submissions GROUP BY 1")
    assert sorted(recorded) == sorted((key, 1) for key in keys)
    claims = centre.rows("SELECT sha256, COUNT(*) FROM attachments GROUP BY 1")
    assert sorted(claims) == sorted((sha, 1) for sha in documents)
    assert all(sha == server_id for sha, server_id in documents.items())
