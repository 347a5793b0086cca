"""A centre's policy: ratios, base limits, rounding, reason dictionaries, materials, limits.

Everything a centre decides is data fetched from its server and cached (PRODUCT.md); the
Kaifeng defaults in `resources/policy/kaifeng.json` are used only until the server's copy is in.
The JSON keeps money and ratios as strings so no float ever touches them.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from app.errors import KnownError
from app.services.rules.money import format_ratio
from app.services.rules.rounding import RoundingMethod

logger = logging.getLogger(__name__)

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[2] / "resources" / "policy" / "kaifeng.json"
POLICY_FORMAT = 1
SOURCES = ("default", "server")

BUSINESS_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "open-account": "个人开户",
        "seal": "个人账户封存",
        "unseal": "个人账户启封",
        "ratio-change": "缴存比例调整",
        "base-change": "缴存基数调整",
        "transfer": "内部转移",
        "remittance": "汇缴核定",
        "back-payment": "补缴核定",
    }
)
BUSINESS_CODES: tuple[str, ...] = tuple(BUSINESS_NAMES)
COLOUR_MODES: Mapping[str, str] = MappingProxyType({"color": "彩色", "gray": "灰度", "bw": "黑白"})


class InvalidPolicyError(KnownError):
    """A centre policy (usually the server's copy) is incomplete or inconsistent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("中心政策数据有误：" + "；".join(problems), code="invalid-policy")
        self.problems = problems


@dataclass(frozen=True)
class RatioRange:
    """An inclusive range of ratios as fractions (0.05 = 5%)."""

    min: Decimal
    max: Decimal

    def contains(self, ratio: Decimal) -> bool:
        return self.min <= ratio <= self.max

    def describe(self) -> str:
        """E.g. "5%–12%"."""
        return f"{format_ratio(self.min)}–{format_ratio(self.max)}"


@dataclass(frozen=True)
class Material:
    """One kind of 影像资料 a business asks for."""

    name: str
    required: bool


@dataclass(frozen=True)
class AttachmentLimits:
    """What the centre accepts for one material's document."""

    max_bytes_per_document: int
    accepted_file_types: tuple[str, ...]
    target_dpi: int
    colour_mode: str  # one of COLOUR_MODES
    # A scan with no page and no progress for this long is abandoned (a hung scanner driver).
    scan_stall_seconds: int = 120

    def accepts(self, filename: str) -> bool:
        """Whether a file's extension is one the centre accepts (case-insensitive)."""
        suffix = Path(filename).suffix.lower().lstrip(".")
        return suffix in self.accepted_file_types


@dataclass(frozen=True)
class CentrePolicy:
    """Everything a centre decides; build with `from_dict` or `load_default`."""

    centre_name: str
    version: str
    source: str  # "default" (bundled) or "server" (fetched)
    unit_ratio: RatioRange
    personal_ratio: RatioRange
    base_floor: Decimal
    base_ceiling: Decimal
    monthly_amount_min: Decimal
    monthly_amount_max: Decimal
    rounding: RoundingMethod
    seal_reasons: tuple[str, ...]
    unseal_reasons: tuple[str, ...]
    backpay_reasons: tuple[str, ...]
    backpay_max_months_back: int
    materials: Mapping[str, tuple[Material, ...]] = field(hash=False)
    accepted_id_types: tuple[str, ...]
    attachments: AttachmentLimits
    # Files from elsewhere: other names a column goes by (field key -> headers), and coded
    # values (field key -> code -> this centre's name), e.g. 证件种类 1 = 居民身份证.
    header_synonyms: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    coded_values: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # 封存年月 / 启封年月: how many months before and after this month a change may take
    # effect, and whether 启封 asks the 缴存基数 after unsealing (optional in the policy file).
    change_months_back: int = 1
    change_months_ahead: int = 0
    unseal_asks_base: bool = True
    # A 补缴 above this amount needs the evidence material (补缴情况说明); None: never.
    backpay_evidence_threshold: Decimal | None = None

    def decode(self, key: str, value: str) -> str | None:
        """The name a code stands for in field `key` ("01" and "1" alike), or None."""
        codes = self.coded_values.get(key)
        return codes.get(code_key(value)) if codes else None

    def materials_for(self, business_code: str) -> tuple[Material, ...]:
        """The materials of a business; KeyError for a code that is not a business."""
        if business_code not in BUSINESS_NAMES:
            raise KeyError(business_code)
        return self.materials.get(business_code, ())

    def required_materials(self, business_code: str) -> tuple[Material, ...]:
        return tuple(m for m in self.materials_for(business_code) if m.required)

    @property
    def is_default(self) -> bool:
        return self.source == "default"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> CentrePolicy:
        """Build and validate; InvalidPolicyError lists every problem at once."""
        from app.services.policy_reader import PolicyReader  # the reader builds this class

        return PolicyReader(data).policy(source)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `from_dict` reads (amounts and ratios as strings)."""
        return {
            "format": POLICY_FORMAT,
            "source": self.source,
            "centre_name": self.centre_name,
            "version": self.version,
            "contribution": {
                "unit_ratio": {"min": str(self.unit_ratio.min), "max": str(self.unit_ratio.max)},
                "personal_ratio": {
                    "min": str(self.personal_ratio.min),
                    "max": str(self.personal_ratio.max),
                },
                "base_floor": str(self.base_floor),
                "base_ceiling": str(self.base_ceiling),
                "monthly_amount_min": str(self.monthly_amount_min),
                "monthly_amount_max": str(self.monthly_amount_max),
                "rounding": self.rounding.value,
            },
            "reasons": {
                "seal": list(self.seal_reasons),
                "unseal": list(self.unseal_reasons),
                "back_payment": list(self.backpay_reasons),
            },
            "back_payment": {
                "max_months_back": self.backpay_max_months_back,
                **(
                    {"evidence_threshold": str(self.backpay_evidence_threshold)}
                    if self.backpay_evidence_threshold is not None
                    else {}
                ),
            },
            "changes": {
                "months_back": self.change_months_back,
                "months_ahead": self.change_months_ahead,
                "unseal_asks_base": self.unseal_asks_base,
            },
            "materials": {
                code: [{"name": m.name, "required": m.required} for m in self.materials_for(code)]
                for code in BUSINESS_CODES
            },
            "id_types": {"accepted": list(self.accepted_id_types)},
            "attachments": {
                "max_bytes_per_document": self.attachments.max_bytes_per_document,
                "accepted_file_types": list(self.attachments.accepted_file_types),
                "target_dpi": self.attachments.target_dpi,
                "colour_mode": self.attachments.colour_mode,
                "scan_stall_seconds": self.attachments.scan_stall_seconds,
            },
            "import": {
                "header_synonyms": {k: list(v) for k, v in self.header_synonyms.items()},
                "coded_values": {k: dict(v) for k, v in self.coded_values.items()},
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str | None = None) -> CentrePolicy:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidPolicyError([f"不是有效的 JSON（{exc}）"]) from exc
        if not isinstance(data, dict):
            raise InvalidPolicyError(["顶层应为一个对象"])
        return cls.from_dict(data, source=source)


def code_key(value: str) -> str:
    """A code as compared: NFKC, trimmed, leading zeros of a number dropped ("01" -> "1")."""
    text = unicodedata.normalize("NFKC", value).strip()
    return (text.lstrip("0") or "0") if text.isdigit() else text


def load_policy_file(path: str | Path, *, source: str | None = None) -> CentrePolicy:
    """Read a policy JSON file (a cached server copy or the bundled default)."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidPolicyError([f"无法读取政策文件 {path}（{exc.strerror or exc}）"]) from exc
    return CentrePolicy.from_json(text, source=source)


def load_default() -> CentrePolicy:
    """The bundled Kaifeng defaults (source = "default")."""
    return load_policy_file(DEFAULT_POLICY_PATH, source="default")
