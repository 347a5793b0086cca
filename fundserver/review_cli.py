"""`python -m fundserver review list|show|approve|reject` — the reviewer's desk (后台审核)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.people import BUSINESS_NAMES
from fundserver.db import Submission, Unit, make_engine, make_sessionmaker
from fundserver.review import (
    STATE_CODES,
    STATE_LABELS,
    ReviewError,
    approve,
    reject,
    submission_out,
)


def _line(row: Submission, unit_code: str) -> str:
    reason = f"  原因：{row.reason}" if row.reason else ""
    name = BUSINESS_NAMES.get(row.business, row.business)
    return (
        f"{row.id:>6}  {unit_code}  {row.business:<13} {name:<6} {STATE_LABELS[row.state]:<4}  "
        f"{len(row.rows)} 行{_rejected_note(row)}  {row.created_at:%Y-%m-%d %H:%M}{reason}"
    )


# Row fields the reviewer reads for each business, in order (others are shown as key=value).
_ROW_LABELS = {
    "name": "姓名",
    "account_no": "个人账号",
    "id_number": "证件号码",
    "reason": "原因",
    "month": "年月",
    "base": "缴存基数",
    "from_unit_name": "转出单位",
    "from_unit_code": "转出单位账号",
}


def _row_text(number: int, row: dict[str, Any], rejected: dict[int, str]) -> str:
    labelled = [f"{label} {row[key]}" for key, label in _ROW_LABELS.items() if row.get(key)]
    others = [f"{k}={v}" for k, v in row.items() if k not in _ROW_LABELS and v not in (None, "")]
    note = f"  【已退回：{rejected[number]}】" if number in rejected else ""
    return f"  第 {number} 行  " + "  ".join(labelled + others) + note


def readable(row: Submission, unit_code: str) -> str:
    """A submission as the reviewer reads it: the header line, then every row by its labels."""
    rejected = {
        int(r["row"]): str(r.get("reason") or "")
        for r in (row.result or {}).get("rejected_rows") or []
    }
    lines = [_line(row, unit_code)]
    lines += [_row_text(n, r, rejected) for n, r in enumerate(row.rows, 1)]
    if row.attachments:
        lines.append(f"  附件 {len(row.attachments)} 份")
    return "\n".join(lines)


def parse_reject_rows(values: list[str]) -> dict[int, str]:
    """`--reject-row 3=证件号码已在中心开户` (repeatable) → {3: "证件号码已在中心开户"}."""
    rows: dict[int, str] = {}
    for value in values:
        number, _, reason = value.partition("=")
        if not number.strip().isdigit() or not reason.strip():
            raise ReviewError(
                f"--reject-row 的写法是 行号=原因，如 3=证件号码已开户（收到“{value}”）"
            )
        rows[int(number)] = reason.strip()
    return rows


def _rejected_note(row: Submission) -> str:
    rejected = (row.result or {}).get("rejected_rows") or []
    return f"  其中 {len(rejected)} 行退回" if rejected else ""


def run_review(args: argparse.Namespace) -> int:
    sessions = make_sessionmaker(make_engine(args.database))
    with sessions() as session:
        try:
            return _dispatch(session, args)
        except ReviewError as exc:
            print(str(exc), file=sys.stderr)
            return 1


def _dispatch(session: Session, args: argparse.Namespace) -> int:
    if args.action == "list":
        query = select(Submission, Unit.unit_code).join(Unit).order_by(Submission.id)
        if args.business:
            query = query.where(Submission.business == args.business)
        if args.state:
            query = query.where(Submission.state == STATE_CODES.get(args.state, args.state))
        rows = session.execute(query).all()
        if args.json:
            out = [{**submission_out(r).model_dump(), "unit_code": code} for r, code in rows]
            print(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            for row, code in rows:
                print(_line(row, code))
            print(f"共 {len(rows)} 笔")
        return 0
    if args.action == "show":
        found = session.get(Submission, args.id)
        if found is None:
            raise ReviewError(f"没有编号为 {args.id} 的申报")
        if not args.json:
            unit = session.get(Unit, found.unit_id)
            print(readable(found, unit.unit_code if unit else "?"))
            return 0
        row = found
    elif args.action == "approve":
        rejected = parse_reject_rows(getattr(args, "reject_row", None) or [])
        row = approve(session, args.id, args.reviewer, reject_rows=rejected)
    else:
        row = reject(session, args.id, args.reason, args.reviewer)
    print(json.dumps(submission_out(row).model_dump(), ensure_ascii=False, indent=2))
    return 0
