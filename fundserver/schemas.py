"""Request and response bodies of /api/v1 (the OpenAPI document is generated from these)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

BusinessCode = Literal[
    "open-account",
    "seal",
    "unseal",
    "ratio-change",
    "base-change",
    "transfer",
    "remittance",
    "back-payment",
]
BUSINESS_CODES: tuple[str, ...] = get_args(BusinessCode)

# A row is a flat-ish record of the business's fields: bounded names, bounded size.
RowKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Row = Annotated[dict[RowKey, Any], Field(max_length=200)]
AttachmentId = Annotated[str, StringConstraints(min_length=1, max_length=64)]

# The ids and versions are INTEGER columns, 32-bit in PostgreSQL: a larger number in a query
# is bad input (422), not a 500 ("integer out of range", found by schemathesis on PostgreSQL).
MAX_INT = 2**31 - 1
MAX_PAGE = 1_000_000_000


class LoginRequest(BaseModel):
    unit_code: str = Field(min_length=1, max_length=32, description="单位账号")
    password: str = Field(min_length=1, max_length=200)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutRequest(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="访问令牌的有效秒数")
    unit_code: str


class ClientVersions(BaseModel):
    """The client versions the centre publishes (GET /client-version, no login needed)."""

    latest: str | None = Field(default=None, description="最新客户端版本，如 0.2.0；未公布为 null")
    minimum: str | None = Field(
        default=None, description="允许上传业务的最低客户端版本；低于此版本的客户端只能离线录入"
    )
    download_url: str | None = Field(default=None, description="新版本安装程序的下载地址")


class PersonCounts(BaseModel):
    total: int
    normal: int = Field(description="正常")
    sealed: int = Field(description="封存")
    closed: int = Field(description="销户")


class UnitProfile(BaseModel):
    unit_code: str
    name: str
    centre_name: str
    unit_ratio: str = Field(description="单位缴存比例，小数字符串，如 0.12")
    personal_ratio: str
    paid_to: str = Field(description="缴至年月 YYYY-MM")
    suspense_balance: str = Field(description="暂存款余额，元")
    person_counts: PersonCounts


class MonthlyAmount(BaseModel):
    unit: str
    personal: str
    total: str


class RosterPerson(BaseModel):
    account_no: str = Field(description="个人账号")
    name: str
    id_type: str
    id_number: str
    sex: str
    birth_date: str | None
    status: str = Field(description="正常 / 封存 / 销户")
    base: str = Field(description="缴存基数")
    unit_ratio: str
    personal_ratio: str
    monthly_amount: MonthlyAmount
    opened_on: str
    paid_to: str
    version: int
    deleted: bool = Field(
        default=False, description="为真时此人已转出本单位（内部转移），客户端应将其移出名册"
    )


class RosterPage(BaseModel):
    items: list[RosterPerson]
    version: int = Field(description="下次增量同步时作为 since 传入")
    has_more: bool


class PersonLookup(BaseModel):
    name: str
    id_number_masked: str
    status: str
    unit_code: str
    unit_name: str
    account_no: str | None = Field(description="仅当此人属于本单位时返回")
    in_own_unit: bool
    transfer_refusal: str | None = Field(
        default=None, description="不能转入本单位的原因（如账户不是封存状态）；为空即可以转移"
    )


class AttachmentInfo(BaseModel):
    id: str
    sha256: str
    size: int
    content_type: str
    material: str
    business: str


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business: BusinessCode = Field(description="业务代码")
    rows: list[Row] = Field(min_length=1, max_length=100_000)
    attachments: list[AttachmentId] = Field(default_factory=list, max_length=1000)
    client_ref: str | None = Field(default=None, max_length=200)


class Submission(BaseModel):
    id: int
    business: str
    state: str = Field(description="待审核 / 审核通过 / 退回 / 已复核 / 已使用")
    state_code: str = Field(description="pending / approved / rejected / reviewed / used")
    reason: str | None = Field(description="退回原因")
    rows: list[dict[str, Any]]
    attachments: list[str]
    client_ref: str | None
    result: dict[str, Any] | None = Field(description="审核通过后的结果，如新开的个人账号")
    created_at: str
    updated_at: str
    version: int
    replayed: bool = Field(default=False, description="同一 Idempotency-Key 的重放")


class SubmissionPage(BaseModel):
    items: list[Submission]
    version: int
    has_more: bool
