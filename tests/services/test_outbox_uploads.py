"""A batch's documents several a request (POST /attachments/batch) against a fake centre: each
document answered on its own, a refusal fails its item only, a lost answer is uploaded again
(content-addressed: same ids) and each submission still lands once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from app.errors import OfflineError, ServerRejectedError
from app.models import Attachment
from app.services.api.models import AttachmentInfo
from app.services.api.records import DocumentUpload
from app.services.context import AppServices
from app.services.outbox_uploads import GROUP_FILES
from tests.outbox_documents import document_row
from tests.services.test_outbox import item, queue
from tests.services.test_outbox_batch import BatchCentre, keys, outbox


class UploadsCentre(BatchCentre):
    """The fake centre with the batch upload too; `refused` names contents it refuses."""

    def __init__(self, *, takes_batches: bool = True) -> None:
        super().__init__()
        self.takes_batches = takes_batches
        self.upload_requests: list[list[str]] = []
        self.batch_upload_calls = 0
        self.refused: set[str] = set()
        self.upload_batch_script: list[Exception | None] = []  # raised after storing

    def upload_attachments(
        self, documents: Sequence[DocumentUpload]
    ) -> list[AttachmentInfo | Exception] | None:
        self.batch_upload_calls += 1
        if not self.takes_batches:
            return None
        self.upload_requests.append([d.sha256 for d in documents])
        answers: list[AttachmentInfo | Exception] = []
        for d in documents:
            if d.sha256 in self.refused:
                answers.append(ServerRejectedError("文件类型不被接受", code="unsupported_type"))
                continue
            self.stored_blobs.add(d.sha256)
            answers.append(AttachmentInfo(d.sha256, d.sha256, d.path.stat().st_size, "image/png"))
        trouble = self.upload_batch_script.pop(0) if self.upload_batch_script else None
        if trouble is not None:
            raise trouble
        return answers


def page(services: AppServices, unit_id: int, path: Path) -> int:
    """A document of its own content (the sha256 is the centre's id)."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + path.name.encode())
    with services.store.session() as session:
        return document_row(session, unit_id, path).id


def server_id_of(services: AppServices, attachment_id: int) -> str | None:
    with services.store.session() as session:
        return session.get_one(Attachment, attachment_id).server_id


def with_pages(services: AppServices, unit_id: int, folder: Path, count: int) -> list[int]:
    return [
        queue(services, unit_id, attachments=[page(services, unit_id, folder / f"p{n}.png")])
        for n in range(count)
    ]


def test_a_batchs_documents_go_several_a_request_each_item_once(
    services: AppServices, unit_id: int, tmp_path: Path
) -> None:
    centre = UploadsCentre()
    ids = with_pages(services, unit_id, tmp_path, GROUP_FILES + 2)

    counts = outbox(services, unit_id, centre, batch=len(ids)).run()

    assert counts.sent == len(ids) and centre.uploads == []  # no single upload
    assert [len(r) for r in centre.upload_requests] == [GROUP_FILES, 2]
    assert [k for k, _ in centre.submit_calls] == keys(services, ids)
    for item_id, (_, attachments) in zip(ids, centre.submit_calls, strict=True):
        [attachment_id] = item(services, item_id).attachment_ids
        assert attachments == [server_id_of(services, attachment_id)]


def test_a_refused_document_fails_its_item_alone(
    services: AppServices, unit_id: int, tmp_path: Path
) -> None:
    centre = UploadsCentre()
    ids = with_pages(services, unit_id, tmp_path, 3)
    [bad] = item(services, ids[1]).attachment_ids
    with services.store.session() as session:
        centre.refused.add(session.get_one(Attachment, bad).sha256)

    counts = outbox(services, unit_id, centre).run()

    assert (counts.sent, counts.failed) == (2, 1)
    refused = item(services, ids[1])
    assert refused.state == "failed"
    assert refused.last_error == "附件“身份证复印件”被中心拒收：文件类型不被接受"
    assert [item(services, i).state for i in (ids[0], ids[2])] == ["sent", "sent"]


def test_a_lost_answer_is_uploaded_again_and_each_submission_lands_once(
    services: AppServices, unit_id: int, tmp_path: Path
) -> None:
    centre = UploadsCentre()
    centre.upload_batch_script = [OfflineError("连接公积金中心服务器超时", code="timeout")]
    ids = with_pages(services, unit_id, tmp_path, 3)
    sync = outbox(services, unit_id, centre)

    first = sync.run()
    assert (first.sent, first.retry_later) == (0, 3) and centre.submit_calls == []
    assert [item(services, i).state for i in ids] == ["queued"] * 3

    again = sync.run(now_anyway=True)
    assert again.sent == 3 and len(centre.records) == 3
    assert (
        len(centre.upload_requests) == 2
        and centre.upload_requests[0] == (centre.upload_requests[1])
    )
    assert len(centre.stored_blobs) == 3


@pytest.mark.parametrize("batch", [3, 5])
def test_a_centre_without_the_batch_upload_gets_each_document_alone(
    services: AppServices, unit_id: int, tmp_path: Path, batch: int
) -> None:
    centre = UploadsCentre(takes_batches=False)
    ids = with_pages(services, unit_id, tmp_path, 6)

    counts = outbox(services, unit_id, centre, batch=batch).run()

    assert counts.sent == 6 and len(centre.uploads) == 6
    assert centre.batch_upload_calls == 1  # asked once a run, then one at a time
    assert [k for k, _ in centre.submit_calls] == keys(services, ids)
    assert all(server_id_of(services, a) for i in ids for a in item(services, i).attachment_ids)
