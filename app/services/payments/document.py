"""The printable 核定单 (汇缴) and 补缴清单 as data and as HTML (Qt-free; Qt lays it out on A4).

Made from the submission as this PC keeps it (its rows, its state, the centre's result), so
what is printed is what was sent: the centre, the unit, the month(s), the figures, every
person, the submission number and its state.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.errors import BadInputError
from app.models import OutboxItem
from app.services.engine import states
from app.services.payments.assessment import people_amounts
from app.services.store import Store

KINDS = {"remittance": "汇缴核定单", "back-payment": "补缴核定清单"}
AFTER_REVIEW = "审核通过后由中心确定"


@dataclass(frozen=True)
class AssessmentDocument:
    title: str
    centre_name: str
    unit_code: str
    unit_name: str
    months: str
    submission: str  # 提交编号 (and the centre's 受理编号 once sent)
    state: str
    figures: tuple[tuple[str, str], ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    printed_on: date

    @property
    def total_row(self) -> tuple[str, ...]:
        """合计: the people and the sum of the last money column."""
        column = max(i for i, h in enumerate(self.headers) if h in ("月缴存额", "补缴金额"))
        total = sum((Decimal(str(r[column]).replace(",", "")) for r in self.rows), Decimal(0))
        cells = ["合计", "", f"{len(self.rows)} 人", *([""] * (len(self.headers) - 3))]
        cells[column] = f"{total:,.2f}"
        return tuple(cells)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _item(store: Store, unit_id: int, business: str, outbox_id: int) -> OutboxItem:
    with store.session() as session:
        item = session.get(OutboxItem, outbox_id)
        if item is None or item.unit_id != unit_id or item.business != business:
            raise BadInputError(f"本单位没有编号为 {outbox_id} 的{KINDS[business][:4]}提交")
        return item


def _previous(store: Store, unit_id: int, month: str) -> dict[str, Decimal] | None:
    """Last month's approved assessment on this PC (who paid what), if there is one."""
    with store.session() as session:
        items = session.scalars(
            select(OutboxItem).where(
                OutboxItem.unit_id == unit_id, OutboxItem.business == "remittance"
            )
        )
        for item in items:
            state = states.current(item.state, item.review_state)
            if item.rows and item.rows[0].get("month") == month and state in states.ACCEPTED:
                return people_amounts(item.rows)
    return None


def _remittance_figures(
    item: OutboxItem, last: dict[str, Decimal] | None
) -> tuple[tuple[str, str], ...]:
    amounts = people_amounts(item.rows)
    added = [r for r in item.rows if r.get("change")]
    result: dict[str, Any] = item.review_result or {}

    def tally(values: list[Decimal]) -> str:
        return f"{len(values)} 人，{_money(sum(values, Decimal('0.00')))} 元"

    figures = [
        ("本月人数/金额", tally(list(amounts.values()))),
        ("本月增加", tally([amounts[str(r["account_no"])] for r in added])),
    ]
    if last is not None:
        figures.insert(0, ("上月人数/金额", tally(list(last.values()))))
        figures.append(("本月减少", tally([v for a, v in last.items() if a not in amounts])))
    used = result.get("suspense_used")
    assessed = result.get("assessed_total")
    figures.append(("暂存款冲抵", f"{_money(Decimal(used))} 元" if used else AFTER_REVIEW))
    figures.append(("核定总金额", f"{_money(Decimal(assessed))} 元" if assessed else AFTER_REVIEW))
    return tuple(figures)


def build_document(
    store: Store,
    unit_id: int,
    business: str,
    outbox_id: int,
    *,
    centre_name: str,
    unit_code: str,
    unit_name: str,
    today: date | None = None,
) -> AssessmentDocument:
    """The 核定单 of a remittance or back-payment submission of this unit."""
    item = _item(store, unit_id, business, outbox_id)
    state = states.current(item.state, item.review_state)
    number = f"{item.id}" + (f"（中心受理编号 {item.server_id}）" if item.server_id else "")
    if business == "remittance":
        month = str(item.rows[0]["month"]) if item.rows else ""
        last = _previous(store, unit_id, _month_before(month)) if month else None
        figures = _remittance_figures(item, last)
        headers: tuple[str, ...] = ("序号", "个人账号", "姓名", "缴存基数", "月缴存额", "变动")
        rows: tuple[tuple[str, ...], ...] = tuple(
            (str(i), r["account_no"], r["name"], r.get("base", ""), r["amount"],
             f"增加（{r['change']}）" if r.get("change") else "")
            for i, r in enumerate(item.rows, 1)
        )  # fmt: skip
        months = month
    else:
        total = sum((Decimal(str(r["amount"])) for r in item.rows), Decimal("0.00"))
        figures = (("人数", f"{len(item.rows)} 人"), ("补缴总金额", f"{_money(total)} 元"))
        headers = ("序号", "个人账号", "姓名", "补缴原因", "起止年月", "月数", "补缴金额")
        rows = tuple(
            (str(i), r.get("account_no", ""), r.get("name", ""), r.get("reason", ""),
             f"{r['start_month']}至{r['end_month']}", r.get("months", ""), r["amount"])
            for i, r in enumerate(item.rows, 1)
        )  # fmt: skip
        starts = sorted(str(r["start_month"]) for r in item.rows)
        ends = sorted(str(r["end_month"]) for r in item.rows)
        months = f"{starts[0]} 至 {ends[-1]}" if starts else ""
    return AssessmentDocument(
        KINDS[business], centre_name, unit_code, unit_name, months, number, state.label,
        figures, headers, rows, today or date.today(),
    )  # fmt: skip


def _month_before(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


STYLE = """
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif;
       font-size: 10pt; }
h1 { font-size: 18pt; text-align: center; margin: 0; }
p.centre { text-align: center; font-size: 12pt; margin: 2pt; }
table { border-collapse: collapse; }
td, th { border: 1px solid #000; }
th { background: #e8e8e8; font-weight: bold; }
td.num { text-align: right; }
"""


def to_html(doc: AssessmentDocument) -> str:
    """The document as HTML for QTextDocument (tables with borders, A4 width)."""
    e = html.escape
    head = (
        f"<p class='centre'>{e(doc.centre_name)}</p><h1>{e(doc.title)}</h1>"
        "<table width='100%' cellspacing='0' cellpadding='4'>"
        f"<tr><th width='18%'>单位名称</th><td width='32%'>{e(doc.unit_name)}</td>"
        f"<th width='18%'>单位账号</th><td width='32%'>{e(doc.unit_code)}</td></tr>"
        f"<tr><th>核定月份</th><td>{e(doc.months)}</td>"
        f"<th>提交编号</th><td>{e(doc.submission)}</td></tr>"
        f"<tr><th>状态</th><td>{e(doc.state)}</td>"
        f"<th>打印日期</th><td>{doc.printed_on:%Y年%m月%d日}</td></tr>"
    )
    for index in range(0, len(doc.figures), 2):
        pair = doc.figures[index : index + 2]
        cells = "".join(f"<th>{e(k)}</th><td class='num'>{e(v)}</td>" for k, v in pair)
        head += f"<tr>{cells}{'<th></th><td></td>' if len(pair) == 1 else ''}</tr>"
    head += "</table><br/>"
    numeric = {"缴存基数", "月缴存额", "补缴金额", "月数", "序号"}
    header = "".join(f"<th>{e(h)}</th>" for h in doc.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if h in numeric else ''}>{e(str(v))}</td>"
            for h, v in zip(doc.headers, row, strict=True)
        )
        + "</tr>"
        for row in (*doc.rows, doc.total_row)
    )
    sign = (
        "<br/><table width='100%' cellspacing='0' cellpadding='4'><tr>"
        "<td width='33%' style='border:none'>单位经办人（签字）：</td>"
        "<td width='33%' style='border:none'>单位（盖章）：</td>"
        "<td width='34%' style='border:none'>中心审核人：</td></tr></table>"
    )
    return (
        f"<html><head><style>{STYLE}</style></head><body>{head}"
        f"<table width='100%' cellspacing='0' cellpadding='4'>"
        f"<thead><tr>{header}</tr></thead>{body}</table>"
        f"{sign}</body></html>"
    )
