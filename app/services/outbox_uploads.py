"""A batch's documents uploaded several a request (POST /attachments/batch).

One upload request a document cost the centre ≈ 9 ms of CPU and this client a requests round
of its own (issue 12), for a 12 KB page. Here the documents of a batch's items go `GROUP_FILES`
a request (a document over `ALONE_BYTES` by itself), the requests on the run's upload threads.
Each document is still checked by the centre on its own (type, size, SHA-256) and answered
on its own; uploads are content-addressed, so a request resent after a lost answer stores
nothing twice and gives the same ids. A centre without the batch call (its refusal of the
first request as a whole) gets every document one at a time, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

from app.errors import AuthError, OfflineError, ServerError, ServerRejectedError
from app.services.api.models import AttachmentInfo
from app.services.api.records import DocumentUpload
from app.services.outbox_marks import Document
from app.services.outbox_pool import _Clients
from app.services.outbox_report import CentreApi

if TYPE_CHECKING:
    from app.services.outbox_batch import _Item

logger = logging.getLogger(__name__)

GROUP_FILES = 10  # documents a request (the centre takes 50)
GROUP_BYTES = 4 * 1024 * 1024  # and their bytes together (the centre takes 16 MB)
ALONE_BYTES = 1024 * 1024  # a document this big goes by itself

Answer = AttachmentInfo | Exception
_TROUBLE = (OfflineError, ServerError, AuthError)


class _Upload(NamedTuple):
    document: Document
    business: str
    size: int


class BatchUploads:
    """The documents of each batch of one run; whether the centre takes them several a
    request is learnt from the first request and kept for the run."""

    def __init__(self, clients: _Clients, pool: ThreadPoolExecutor) -> None:
        self.clients = clients
        self.pool = pool
        self.batch_call: bool | None = None  # None: not known yet

    def upload(self, items: Sequence[_Item]) -> None:
        """Upload what `items` need; each item gets its server ids, or why it failed (a
        document missing here or refused by the centre), or the trouble met (retried)."""
        from app.services.outbox import missing_file

        wanted: dict[int, _Upload] = {}
        for item in items:
            for document in item.documents:
                if isinstance(document, str) or document.attachment_id in wanted:
                    continue
                missing = missing_file(document)
                if missing is not None or document.path is None:
                    item.failed = missing
                    break
                try:
                    size = document.path.stat().st_size
                except OSError:  # gone since: the upload says so
                    size = 0
                wanted[document.attachment_id] = _Upload(document, item.business, size)
        answers = self._send(list(wanted.values()))
        for item in items:
            if item.failed is None:
                _settle(item, answers)

    def _send(self, uploads: list[_Upload]) -> dict[int, Answer]:
        groups = _groups(uploads)
        answers: dict[int, Answer] = {}
        if groups and self.batch_call is None:  # the first request says if the call exists
            answers.update(self._group(groups.pop(0)))
        for done in self.pool.map(self._group, groups):
            answers.update(done)
        return answers

    def _group(self, group: list[_Upload]) -> dict[int, Answer]:
        api = self.clients.get()
        send = getattr(api, "upload_attachments", None)  # a fake centre may have none
        found: Sequence[Answer] | None = None
        if send is not None and len(group) > 1 and self.batch_call is not False:
            try:
                found = send([_wire(u) for u in group])
            except _TROUBLE as trouble:
                found = [trouble] * len(group)
            if found is None:
                logger.info("the centre takes no batch of documents: one at a time")
            self.batch_call = found is not None
        if found is None:
            found = _one_at_a_time(api, group)
        return {u.document.attachment_id: a for u, a in zip(group, found, strict=True)}


def _wire(upload: _Upload) -> DocumentUpload:
    document = upload.document
    assert document.path is not None  # missing files never get this far
    return DocumentUpload(document.path, document.sha256, document.material, upload.business)


def _one_at_a_time(api: CentreApi, group: list[_Upload]) -> list[Answer]:
    """Each upload alone; after trouble with the centre the rest are not tried."""
    answers: list[Answer] = []
    for upload in group:
        if answers and isinstance(answers[-1], _TROUBLE):
            answers.append(answers[-1])
            continue
        document = _wire(upload)
        try:
            answers.append(
                api.upload_attachment(
                    document.path, document.sha256, document.material, document.business
                )
            )
        except (ServerRejectedError, *_TROUBLE) as answer:
            answers.append(answer)
    return answers


def _groups(uploads: list[_Upload]) -> list[list[_Upload]]:
    """Uploads in requests of at most GROUP_FILES and GROUP_BYTES; a big document alone."""
    groups: list[list[_Upload]] = []
    current: list[_Upload] = []
    size = 0
    for upload in uploads:
        if upload.size >= ALONE_BYTES:
            groups.append([upload])
            continue
        if current and (len(current) >= GROUP_FILES or size + upload.size > GROUP_BYTES):
            groups.append(current)
            current, size = [], 0
        current.append(upload)
        size += upload.size
    if current:
        groups.append(current)
    return groups


def _settle(item: _Item, answers: dict[int, Answer]) -> None:
    """The item's server ids from the answers, or the first refusal or trouble among them.

    Every document uploaded is remembered (`item.uploaded`) whatever the item's outcome, so a
    retry does not upload it again."""
    server_ids: list[str] = []
    for document in item.documents:
        if isinstance(document, str):
            server_ids.append(document)
            continue
        answer = answers[document.attachment_id]
        if isinstance(answer, AttachmentInfo):
            item.uploaded[document.attachment_id] = answer.id
            server_ids.append(answer.id)
        elif isinstance(answer, ServerRejectedError):
            if item.failed is None and item.trouble is None:
                item.failed = f"附件“{document.material}”被中心拒收：{answer.message}"
        elif item.failed is None and item.trouble is None:
            item.trouble = answer
    item.server_ids = server_ids
