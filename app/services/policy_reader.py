"""Reading a centre's policy document: every section checked, every problem listed at once."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from app.errors import KnownError
from app.services.policy import (
    BUSINESS_NAMES,
    COLOUR_MODES,
    POLICY_FORMAT,
    SOURCES,
    AttachmentLimits,
    CentrePolicy,
    InvalidPolicyError,
    Material,
    RatioRange,
    code_key,
)
from app.services.rules.rounding import RoundingMethod


class PolicyReader:
    """Reads the JSON shape, collecting every problem in Chinese instead of stopping at one."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.problems: list[str] = []

    def _section(self, key: str, label: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            self.problems.append(f"缺少“{label}”（{key}）部分")
            return {}
        return value

    def _text(self, section: Mapping[str, Any], key: str, label: str) -> str:
        value = section.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"“{label}”（{key}）应为非空文字")
            return ""
        return value.strip()

    def _decimal(self, section: Mapping[str, Any], key: str, label: str) -> Decimal:
        value = section.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problems.append(f"缺少“{label}”（{key}）或其值不是数字")
            return Decimal(0)
        try:
            # str() of a float is its shortest repr: 0.12 stays 0.12, not 0.11999…
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0:
            self.problems.append(f"“{label}”（{key}）不是有效的非负数：{value!r}")
            return Decimal(0)
        return number

    def _int(self, section: Mapping[str, Any], key: str, label: str, minimum: int) -> int:
        value = section.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problems.append(f"“{label}”（{key}）应为不小于 {minimum} 的整数，实际为 {value!r}")
            return minimum
        return value

    def _strings(self, section: Mapping[str, Any], key: str, label: str) -> tuple[str, ...]:
        value = section.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.append(f"“{label}”（{key}）应为文字列表")
            return ()
        items = tuple(v.strip() for v in value)
        if len(set(items)) != len(items):
            self.problems.append(f"“{label}”（{key}）有重复项")
        return items

    def _ratio_range(self, section: Mapping[str, Any], key: str, label: str) -> RatioRange:
        value = section.get(key)
        if not isinstance(value, Mapping):
            self.problems.append(f"缺少“{label}”（{key}）")
            return RatioRange(Decimal(0), Decimal(0))
        low = self._decimal(value, "min", f"{label}下限")
        high = self._decimal(value, "max", f"{label}上限")
        if high > 1:
            self.problems.append(f"“{label}”应写成小数（0.12 表示 12%），上限 {high} 超过 100%")
        if low > high:
            self.problems.append(f"“{label}”下限 {low} 大于上限 {high}")
        return RatioRange(low, high)

    def _rounding(self, section: Mapping[str, Any]) -> RoundingMethod:
        try:
            return RoundingMethod.parse(str(section.get("rounding", "")))
        except KnownError as exc:
            self.problems.append(f"舍入方式（rounding）有误：{exc.message}")
            return RoundingMethod.HALF_UP_YUAN

    def _materials(self) -> dict[str, tuple[Material, ...]]:
        section = self._section("materials", "影像资料")
        result: dict[str, tuple[Material, ...]] = {}
        for code in section:
            if code != "_note" and code not in BUSINESS_NAMES:
                self.problems.append(f"影像资料中有未知的业务代码“{code}”")
        for code, name in BUSINESS_NAMES.items():
            items = section.get(code)
            if not isinstance(items, list):
                self.problems.append(
                    f"缺少“{name}”（{code}）的影像资料清单（没有材料也应写空列表）"
                )
                continue
            materials: list[Material] = []
            for item in items:
                ok = (
                    isinstance(item, Mapping)
                    and isinstance(item.get("name"), str)
                    and item["name"].strip()
                    and isinstance(item.get("required"), bool)
                )
                if not ok:
                    self.problems.append(
                        f"“{name}”的影像资料项应为 {{name: 文字, required: true/false}}：{item!r}"
                    )
                    continue
                materials.append(Material(item["name"].strip(), item["required"]))
            result[code] = tuple(materials)
        return result

    def _attachments(self) -> AttachmentLimits:
        section = self._section("attachments", "附件限制")
        types = tuple(
            t.lower().lstrip(".")
            for t in self._strings(section, "accepted_file_types", "可接受的文件类型")
        )
        if section and not types:
            self.problems.append("“可接受的文件类型”不能为空")
        colour = section.get("colour_mode")
        if section and colour not in COLOUR_MODES:
            self.problems.append(
                f"色彩模式（colour_mode）应为 color、gray 或 bw，实际为 {colour!r}"
            )
        return AttachmentLimits(
            max_bytes_per_document=self._int(
                section, "max_bytes_per_document", "每份材料大小上限", 1
            ),
            accepted_file_types=types,
            target_dpi=self._int(section, "target_dpi", "扫描分辨率", 72),
            colour_mode=colour if isinstance(colour, str) else "color",
            scan_stall_seconds=self._int(section, "scan_stall_seconds", "扫描无响应超时（秒）", 5)
            if "scan_stall_seconds" in section
            else AttachmentLimits.scan_stall_seconds,
        )

    def _id_types(self) -> tuple[str, ...]:
        # Imported here: idnumber is a sibling rule module and policy must load without cycles.
        from app.services.rules.idnumber import IdType

        section = self._section("id_types", "证件类型")
        accepted = self._strings(section, "accepted", "接受的证件类型")
        known = {t.value for t in IdType}
        for name in accepted:
            if name not in known:
                self.problems.append(f"不认识的证件类型“{name}”")
        if section and not accepted:
            self.problems.append("“接受的证件类型”不能为空")
        return accepted

    def _import_section(self) -> tuple[dict[str, tuple[str, ...]], dict[str, Mapping[str, str]]]:
        """The optional "import" section (older server copies have none: nothing extra)."""
        section = self.data.get("import", {})
        if not isinstance(section, Mapping):
            self.problems.append("“导入”（import）部分应为一个对象")
            return {}, {}
        synonyms_in = section.get("header_synonyms", {})
        codes_in = section.get("coded_values", {})
        synonyms: dict[str, tuple[str, ...]] = {}
        codes: dict[str, Mapping[str, str]] = {}
        if not isinstance(synonyms_in, Mapping) or not isinstance(codes_in, Mapping):
            self.problems.append("列名别称（header_synonyms）与代码值（coded_values）应为对象")
            return {}, {}
        for key in synonyms_in:
            if key != "_note":
                synonyms[key] = self._strings(synonyms_in, key, f"“{key}”的列名别称")
        for key, table in codes_in.items():
            if key == "_note":
                continue
            ok = isinstance(table, Mapping) and all(
                isinstance(c, str) and isinstance(n, str) and c.strip() and n.strip()
                for c, n in table.items()
            )
            if not ok:
                self.problems.append(f"“{key}”的代码值应为 {{代码: 名称}}：{table!r}")
                continue
            codes[key] = MappingProxyType({code_key(c): n.strip() for c, n in table.items()})
        return synonyms, codes

    def _check_contribution(self, p: CentrePolicy) -> None:
        if p.base_floor > p.base_ceiling:
            self.problems.append(f"缴存基数下限 {p.base_floor} 高于上限 {p.base_ceiling}")
        if p.monthly_amount_min > p.monthly_amount_max:
            self.problems.append(
                f"月缴存额下限 {p.monthly_amount_min} 高于上限 {p.monthly_amount_max}"
            )

    def policy(self, source: str | None) -> CentrePolicy:
        data = self.data
        fmt = data.get("format", POLICY_FORMAT)
        if fmt != POLICY_FORMAT:
            self.problems.append(
                f"政策格式版本 {fmt!r} 不受支持（本客户端支持 {POLICY_FORMAT}），请升级客户端"
            )
        source = source if source is not None else data.get("source")
        if source not in SOURCES:
            self.problems.append(f"来源（source）应为 default 或 server，实际为 {source!r}")
        contribution = self._section("contribution", "缴存")
        reasons = self._section("reasons", "原因字典")
        backpay = self._section("back_payment", "补缴")
        synonyms, codes = self._import_section()
        changes = data.get("changes", {})  # optional: older policy copies have no such section
        if not isinstance(changes, Mapping):
            self.problems.append("“变更业务”（changes）应为一个对象")
            changes = {}
        policy = CentrePolicy(
            centre_name=self._text(data, "centre_name", "中心名称"),
            version=self._text(data, "version", "政策版本"),
            source=source if isinstance(source, str) else "",
            unit_ratio=self._ratio_range(contribution, "unit_ratio", "单位缴存比例"),
            personal_ratio=self._ratio_range(contribution, "personal_ratio", "个人缴存比例"),
            base_floor=self._decimal(contribution, "base_floor", "缴存基数下限"),
            base_ceiling=self._decimal(contribution, "base_ceiling", "缴存基数上限"),
            monthly_amount_min=self._decimal(contribution, "monthly_amount_min", "月缴存额下限"),
            monthly_amount_max=self._decimal(contribution, "monthly_amount_max", "月缴存额上限"),
            rounding=self._rounding(contribution),
            seal_reasons=self._strings(reasons, "seal", "封存原因"),
            unseal_reasons=self._strings(reasons, "unseal", "启封原因"),
            backpay_reasons=self._strings(reasons, "back_payment", "补缴原因"),
            backpay_max_months_back=self._int(backpay, "max_months_back", "补缴最多追溯月数", 1),
            materials=MappingProxyType(self._materials()),
            accepted_id_types=self._id_types(),
            attachments=self._attachments(),
            header_synonyms=MappingProxyType(synonyms),
            coded_values=MappingProxyType(codes),
            change_months_back=self._int(
                {"months_back": 1, **changes}, "months_back", "变更生效最多提前月数", 0
            ),
            change_months_ahead=self._int(
                {"months_ahead": 0, **changes}, "months_ahead", "变更生效最多延后月数", 0
            ),
            unseal_asks_base=bool(changes.get("unseal_asks_base", True)),
            backpay_evidence_threshold=(
                self._decimal(backpay, "evidence_threshold", "补缴需证明材料的金额")
                if backpay.get("evidence_threshold") is not None
                else None
            ),
        )
        self._check_contribution(policy)
        if self.problems:
            raise InvalidPolicyError(self.problems)
        return policy
