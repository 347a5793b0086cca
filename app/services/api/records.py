"""What the centre answers about rows: the check before 全部提交 and the records of 查询 pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RowProblem:
    """A row the centre would refuse: its number (from 1), the field, the Chinese reason."""

    row: int
    field: str | None
    message: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowProblem:
        field = data.get("field")
        return cls(int(data["row"]), str(field) if field else None, str(data["message"]))


@dataclass(frozen=True)
class CentreRow:
    """One row of one of the unit's submissions as the centre records it (GET /records)."""

    submission_id: int
    business: str
    business_name: str
    row: int
    submitted_at: str
    reviewed_at: str | None
    state: str  # 待审核 / 审核通过 / 退回 / …; a row sent back alone reads 退回
    state_code: str
    review_reason: str | None
    name: str
    account_no: str
    id_number_masked: str
    month: str
    reason: str
    details: dict[str, str]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CentreRow:
        return cls(
            submission_id=int(data["submission_id"]),
            business=str(data["business"]),
            business_name=str(data.get("business_name") or data["business"]),
            row=int(data["row"]),
            submitted_at=str(data["submitted_at"]),
            reviewed_at=data.get("reviewed_at"),
            state=str(data["state"]),
            state_code=str(data["state_code"]),
            review_reason=data.get("review_reason"),
            name=str(data.get("name") or ""),
            account_no=str(data.get("account_no") or ""),
            id_number_masked=str(data.get("id_number_masked") or ""),
            month=str(data.get("month") or ""),
            reason=str(data.get("reason") or ""),
            details={str(k): str(v) for k, v in (data.get("details") or {}).items()},
        )


@dataclass(frozen=True)
class CentreRowsPage:
    items: list[CentreRow]
    total: int
    has_more: bool


@dataclass(frozen=True)
class BatchSubmission:
    """One submission of a POST /submissions/batch, with its own idempotency key."""

    business: str
    rows: list[dict[str, Any]]
    attachments: list[str]
    idempotency_key: str
    client_ref: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "business": self.business,
            "rows": self.rows,
            "attachments": self.attachments,
            "client_ref": self.client_ref,
            "idempotency_key": self.idempotency_key,
        }


@dataclass(frozen=True)
class DocumentUpload:
    """One document of a POST /attachments/batch: its file, SHA-256, material and business."""

    path: Path
    sha256: str
    material: str
    business: str
