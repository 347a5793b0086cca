"""POST /attachments: checksum-verified, policy-limited, content-addressed uploads."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fundserver.db import Attachment, Blob, Unit
from fundserver.deps import ServerState, StateDep, UnitIdDep, unit_of
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from fundserver.policy import CONTENT_TYPES, AttachmentLimits, attachment_limits, sniff_type
from fundserver.schemas import BUSINESS_CODES, AttachmentInfo, BusinessCode

router = APIRouter(tags=["attachments"])

_CHUNK = 1024 * 1024


def blob_path(storage_dir: Path, sha256: str) -> Path:
    return storage_dir / sha256[:2] / sha256[2:4] / sha256


def check_business(business: str) -> None:
    if business not in BUSINESS_CODES:
        raise ApiError(422, "unknown_business", f"不支持的业务代码“{business}”", field="business")


def _receive(
    upload: UploadFile, spool_dir: Path, limits: AttachmentLimits
) -> tuple[Path, str, int, bytes]:
    """Spool the upload to a temp file: its path, SHA-256, size and first bytes."""
    if not spool_dir.is_dir():
        spool_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, name = tempfile.mkstemp(dir=spool_dir, suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            # The form is parsed already (into a spooled file): reading it here does not wait
            # on the network, and this route runs on a worker thread, off the event loop.
            while chunk := upload.file.read(_CHUNK):
                size += len(chunk)
                if size > limits.max_bytes:
                    mb = limits.max_bytes / 1024 / 1024
                    raise ApiError(
                        413, "file_too_large", f"文件超过大小上限 {mb:.1f} MB", field="file"
                    )
                if len(head) < 16:
                    head = (head + chunk)[:16]
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size, head


def _store_file(storage_dir: Path, spooled: Path, sha: str) -> None:
    """Move the spooled content to its place (content-addressed: the same bytes, one file)."""
    target = blob_path(storage_dir, sha)
    if target.exists():
        spooled.unlink(missing_ok=True)
        return
    if not target.parent.is_dir():  # a stat; mkdir(exist_ok=True) raised and caught each time
        target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(spooled, target)


def _record(
    session: Session, unit: Unit, sha: str, size: int, kind: str, material: str, business: str
) -> bool:
    """The blob's row (if new) and the unit's claim on it, in one commit; False if it had one.

    One transaction, not two: each commit is a write to the database's log (issue 12).
    """
    for _ in range(2):  # a parallel upload of the same content may win the first try
        if session.get(Blob, sha) is None:
            session.add(Blob(sha256=sha, size=size, content_type=CONTENT_TYPES[kind]))
        claimed = session.scalar(
            select(Attachment.id).where(Attachment.unit_id == unit.id, Attachment.sha256 == sha)
        )
        if claimed is not None:
            session.commit()  # the blob row, if it was missing
            return False
        session.add(Attachment(unit_id=unit.id, sha256=sha, material=material, business=business))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return True
    return False


@router.post(
    "/attachments",
    response_model=AttachmentInfo,
    status_code=201,
    responses={
        **ERROR_RESPONSES,
        200: {"model": AttachmentInfo, "description": "同样内容此前已上传，直接返回原记录"},
        413: {"model": ErrorResponse, "description": "超过大小上限"},
        415: {"model": ErrorResponse, "description": "文件类型不被接受"},
    },
)
async def upload_attachment(
    response: Response,
    state: StateDep,
    unit_id: UnitIdDep,
    file: Annotated[UploadFile, File(description="影像资料文件")],
    sha256: Annotated[
        str, Form(min_length=64, max_length=64, description="文件的 SHA-256（十六进制）")
    ],
    material: Annotated[
        str, Form(min_length=1, max_length=100, pattern=r"^[^\x00]+$", description="材料名称")
    ],
    business: Annotated[BusinessCode, Form(description="业务代码")],
) -> AttachmentInfo:
    """上传一份影像资料；服务器校验 SHA-256、大小与类型，相同内容只存一份、返回同一 id。"""
    check_business(business)
    # One trip to a worker thread for the file and the database (issue 12), not five.
    info, created = await run_in_threadpool(
        _accept_upload, state, unit_id, file, sha256, material, business
    )
    if not created:
        response.status_code = 200
    return info


def _accept_upload(
    state: ServerState, unit_id: int, file: UploadFile, sha256: str, material: str, business: str
) -> tuple[AttachmentInfo, bool]:
    """Check, store and record one upload: (what the unit is told, whether it is new)."""
    limits = attachment_limits(state.policy)
    with state.sessions() as session:
        unit = unit_of(session, unit_id)
        spooled, actual, size, head = _receive(file, state.storage_dir / "incoming", limits)
        try:
            kind = _checked_kind(actual, sha256, head, size, limits)
            _store_file(state.storage_dir, spooled, actual)
        finally:
            spooled.unlink(missing_ok=True)
        created = _record(session, unit, actual, size, kind, material, business)
    info = AttachmentInfo(
        id=actual,
        sha256=actual,
        size=size,
        content_type=CONTENT_TYPES[kind],
        material=material,
        business=business,
    )
    return info, created


def _checked_kind(
    actual: str, declared: str, head: bytes, size: int, limits: AttachmentLimits
) -> str:
    """The file's type once its checksum, type and size are acceptable; ApiError if not."""
    if actual != declared.strip().lower():
        raise ApiError(
            422,
            "checksum_mismatch",
            "文件校验值（SHA-256）不符，文件可能在传输中损坏，请重新上传",
            field="sha256",
        )
    kind = sniff_type(head)
    if kind is None or kind not in limits.types:
        raise ApiError(
            415,
            "unsupported_type",
            f"文件类型不被接受，只接受 {limits.types_text}",
            field="file",
        )
    if size == 0:
        raise ApiError(422, "empty_file", "文件是空的", field="file")
    return kind
