"""POST /attachments/batch: several documents in one request, each checked and answered alone.

Each file is what POST /attachments takes — its SHA-256, type and size checked, stored once by
content, its id the content's hash — and gets its own answer in the order sent: the record
(201 new to this unit, 200 already uploaded) or the error a single upload would have got. One
file's refusal never touches another. The unit's claims are recorded in one commit. Why
(issue 12): a 12 KB scan cost the centre ≈ 9 ms of CPU a request, mostly the request itself
(HTTP, the form, authentication, a worker-thread trip, a commit), once per document.
"""

from __future__ import annotations

from typing import Annotated, NamedTuple

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fundserver.db import Attachment, Blob, Unit
from fundserver.deps import ServerState, StateDep, UnitIdDep, unit_of
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorBody, ErrorResponse
from fundserver.policy import CONTENT_TYPES, attachment_limits
from fundserver.routes.attachments import (
    _checked_kind,
    _receive,
    _record,
    _store_file,
    check_business,
)
from fundserver.schemas import AttachmentInfo

router = APIRouter(tags=["attachments"])

MAX_FILES = 50  # documents a request


class UploadResult(BaseModel):
    status: int = Field(
        description="单份上传会得到的 HTTP 状态：201 新上传，200 此前已上传，4xx 拒绝"
    )
    attachment: AttachmentInfo | None = Field(default=None, description="记录（成功时）")
    error: ErrorBody | None = Field(default=None, description="拒绝原因（失败时）")


class UploadResults(BaseModel):
    results: list[UploadResult] = Field(description="与请求中的文件一一对应，顺序相同")


class _Stored(NamedTuple):
    """A file checked and stored, its claim still to record."""

    position: int
    sha256: str
    size: int
    kind: str
    material: str
    business: str


@router.post(
    "/attachments/batch",
    response_model=UploadResults,
    responses={**ERROR_RESPONSES, 413: {"model": ErrorResponse, "description": "请求内容过大"}},
)
async def upload_attachments(
    state: StateDep,
    unit_id: UnitIdDep,
    files: Annotated[list[UploadFile], File(description=f"影像资料文件（至多 {MAX_FILES} 份）")],
    sha256: Annotated[list[str], Form(description="每份文件的 SHA-256（十六进制），顺序同文件")],
    material: Annotated[list[str], Form(description="每份文件的材料名称，顺序同文件")],
    business: Annotated[list[str], Form(description="每份文件的业务代码，顺序同文件")],
) -> UploadResults:
    """一次上传多份影像资料（至多 50 份）；每份各自校验 SHA-256、大小与类型，各自应答。"""
    if len(files) > MAX_FILES:
        raise ApiError(422, "too_many_files", f"一次至多上传 {MAX_FILES} 份文件", field="files")
    if not len(files) == len(sha256) == len(material) == len(business):
        raise ApiError(
            422,
            "upload_fields_mismatch",
            "文件与 sha256、material、business 的份数不一致",
            field="files",
        )
    items = list(zip(files, sha256, material, business, strict=True))
    return await run_in_threadpool(_accept_uploads, state, unit_id, items)


def _check_fields(index: int, sha256: str, material: str, business: str) -> None:
    """What the single upload's form declares, checked for one file of the batch."""
    if len(sha256.strip()) != 64:
        message = "SHA-256 应为 64 位十六进制"
        raise ApiError(422, "invalid_value", message, field=f"sha256[{index}]")
    if not 1 <= len(material) <= 100 or "\x00" in material:
        message = "材料名称应为 1–100 个字符"
        raise ApiError(422, "invalid_value", message, field=f"material[{index}]")
    check_business(business)


def _accept_uploads(
    state: ServerState, unit_id: int, items: list[tuple[UploadFile, str, str, str]]
) -> UploadResults:
    """Check and store each file, then record the unit's claims in one commit."""
    limits = attachment_limits(state.policy)
    results: list[UploadResult] = []
    stored: list[_Stored] = []
    with state.sessions() as session:
        unit = unit_of(session, unit_id)
        for index, (upload, declared, material, business) in enumerate(items):
            try:
                _check_fields(index, declared, material, business)
                spooled, actual, size, head = _receive(
                    upload, state.storage_dir / "incoming", limits
                )
                try:
                    kind = _checked_kind(actual, declared, head, size, limits)
                    _store_file(state.storage_dir, spooled, actual)
                finally:
                    spooled.unlink(missing_ok=True)
            except ApiError as refused:
                error = ErrorBody(code=refused.code, message=refused.message, field=refused.field)
                results.append(UploadResult(status=refused.status, error=error))
                continue
            results.append(UploadResult(status=0))  # answered once recorded
            stored.append(_Stored(index, actual, size, kind, material, business))
        created = _record_all(session, unit, stored)
    for one in stored:
        info = AttachmentInfo(
            id=one.sha256,
            sha256=one.sha256,
            size=one.size,
            content_type=CONTENT_TYPES[one.kind],
            material=one.material,
            business=one.business,
        )
        status = 201 if one.position in created else 200
        results[one.position] = UploadResult(status=status, attachment=info)
    return UploadResults(results=results)


def _record_all(session: Session, unit: Unit, stored: list[_Stored]) -> set[int]:
    """The blobs' rows (if new) and the unit's claims in one commit; the indexes newly claimed.

    Another request recording the same content meanwhile breaks the commit: then each claim
    on its own, as the single upload records it.
    """
    if not stored:
        return set()
    shas = sorted({one.sha256 for one in stored})
    known = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas))))
    claimed = set(
        session.scalars(
            select(Attachment.sha256).where(
                Attachment.unit_id == unit.id, Attachment.sha256.in_(shas)
            )
        )
    )
    created: set[int] = set()
    blobs: list[dict[str, object]] = []
    claims: list[dict[str, object]] = []
    for one in stored:
        if one.sha256 not in known:
            known.add(one.sha256)
            content_type = CONTENT_TYPES[one.kind]
            blobs.append({"sha256": one.sha256, "size": one.size, "content_type": content_type})
        if one.sha256 not in claimed:
            claimed.add(one.sha256)
            created.add(one.position)
            claims.append(
                {
                    "unit_id": unit.id,
                    "sha256": one.sha256,
                    "material": one.material,
                    "business": one.business,
                }
            )
    try:
        # Core inserts, the blobs first (their rows are what the claims point at).
        if blobs:
            session.execute(insert(Blob), blobs)
        if claims:
            session.execute(insert(Attachment), claims)
        session.commit()
    except IntegrityError:
        session.rollback()
        return {
            one.position
            for one in stored
            if _record(session, unit, one.sha256, one.size, one.kind, one.material, one.business)
        }
    return created
