"""The nine rounding methods centres use for each part of 月缴存额 (PRODUCT.md).

元 = 1, 角 = 0.1, 分 = 0.01, 厘 = 0.001. Python's `round()` is banker's rounding and wrong here:
四舍五入到元 must turn 186.5 into 187, so everything goes through `Decimal.quantize`.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.errors import BadInputError

YUAN = Decimal("1")
JIAO = Decimal("0.1")
FEN = Decimal("0.01")
LI = Decimal("0.001")


class RoundingMethod(StrEnum):
    """A centre's rounding method; the value is a stable ASCII code used in JSON and storage."""

    HALF_UP_FEN = "half_up_fen"
    HALF_UP_JIAO = "half_up_jiao"
    HALF_UP_YUAN = "half_up_yuan"
    DOWN_FEN = "down_fen"
    DOWN_JIAO = "down_jiao"
    DOWN_YUAN = "down_yuan"
    CARRY_LI_TO_FEN = "carry_li_to_fen"
    CARRY_FEN_TO_JIAO = "carry_fen_to_jiao"
    CARRY_JIAO_TO_YUAN = "carry_jiao_to_yuan"

    @property
    def label(self) -> str:
        """The Chinese name clerks and centres use, e.g. 四舍五入到元."""
        return _LABELS[self]

    @property
    def unit(self) -> Decimal:
        """The unit the result is a whole multiple of."""
        return _RULES[self][0]

    @classmethod
    def parse(cls, text: str) -> RoundingMethod:
        """Accept an ASCII code or a Chinese label (舍去 reads as 舍入); else BadInputError."""
        key = unicodedata.normalize("NFKC", str(text)).strip()
        key = "".join(key.split())
        for method in cls:
            if key.lower() == method.value:
                return method
        found = _BY_LABEL.get(key.replace("舍去", "舍入"))
        if found is None:
            known = "、".join(m.label for m in cls)
            raise BadInputError(
                f"不认识的舍入方式“{text}”，应为以下之一：{known}", field="rounding"
            )
        return found

    @classmethod
    def from_label(cls, text: str) -> RoundingMethod:
        """Same as `parse`: a label or a code."""
        return cls.parse(text)

    def apply(self, amount: Decimal) -> Decimal:
        """Round a non-negative amount by this method; the result has the unit's exponent."""
        if not isinstance(amount, Decimal):
            raise TypeError(f"rounding needs a Decimal, got {type(amount).__name__}")
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"rounding applies to finite non-negative amounts, got {amount}")
        unit, first_step, mode = _STEPS[self]
        if first_step is None:
            return amount.quantize(unit, rounding=mode)
        # 见X进Y: half-up to the smaller unit first, then carry whatever is left up to the unit.
        step = amount.quantize(first_step, rounding=ROUND_HALF_UP)
        return step.quantize(unit, rounding=mode)

    def preimage(self, rounded: Decimal) -> tuple[Decimal, Decimal] | None:
        """The exact amounts this method rounds to `rounded`: [low, high), or None if none do.

        The inverse the base adjustment needs (an amount typed by the clerk → the bases that
        give it). None when `rounded` is negative or not a whole multiple of the unit.
        """
        if not isinstance(rounded, Decimal):
            raise TypeError(f"rounding needs a Decimal, got {type(rounded).__name__}")
        unit, first_step = _RULES[self]
        if not rounded.is_finite() or rounded < 0 or rounded % unit != 0:
            return None
        if first_step is not None:
            # 见X进Y: the half-up step lands in (rounded − unit, rounded], a multiple of the
            # smaller unit; each step is reached from [step − small/2, step + small/2).
            low, high = rounded - unit + first_step / 2, rounded + first_step / 2
        elif self.value.startswith("down_"):
            low, high = rounded, rounded + unit
        else:
            low, high = rounded - unit / 2, rounded + unit / 2
        return max(low, Decimal(0)), high


_LABELS: dict[RoundingMethod, str] = {
    RoundingMethod.HALF_UP_FEN: "四舍五入到分",
    RoundingMethod.HALF_UP_JIAO: "四舍五入到角",
    RoundingMethod.HALF_UP_YUAN: "四舍五入到元",
    RoundingMethod.DOWN_FEN: "舍入到分",
    RoundingMethod.DOWN_JIAO: "舍入到角",
    RoundingMethod.DOWN_YUAN: "舍入到元",
    RoundingMethod.CARRY_LI_TO_FEN: "见厘进分",
    RoundingMethod.CARRY_FEN_TO_JIAO: "见分进角",
    RoundingMethod.CARRY_JIAO_TO_YUAN: "见角进元",
}

_BY_LABEL: dict[str, RoundingMethod] = {label: m for m, label in _LABELS.items()}

# method -> (result unit, smaller unit to half-up to first for the 见X进Y methods)
_RULES: dict[RoundingMethod, tuple[Decimal, Decimal | None]] = {
    RoundingMethod.HALF_UP_FEN: (FEN, None),
    RoundingMethod.HALF_UP_JIAO: (JIAO, None),
    RoundingMethod.HALF_UP_YUAN: (YUAN, None),
    RoundingMethod.DOWN_FEN: (FEN, None),
    RoundingMethod.DOWN_JIAO: (JIAO, None),
    RoundingMethod.DOWN_YUAN: (YUAN, None),
    RoundingMethod.CARRY_LI_TO_FEN: (FEN, LI),
    RoundingMethod.CARRY_FEN_TO_JIAO: (JIAO, FEN),
    RoundingMethod.CARRY_JIAO_TO_YUAN: (YUAN, JIAO),
}

# method -> (unit, smaller unit or None, the last step's rounding mode), read once per amount
# (an import asks twice per row; `.value` of an enum member is a slow descriptor).
_STEPS: dict[RoundingMethod, tuple[Decimal, Decimal | None, str]] = {
    method: (
        unit,
        first_step,
        ROUND_CEILING
        if first_step is not None
        else ROUND_DOWN
        if method.value.startswith("down_")
        else ROUND_HALF_UP,
    )
    for method, (unit, first_step) in _RULES.items()
}
