"""`read-id`: read 身份证复印件 (card fronts) from images or a scanned PDF, offline.

    gjj-desk read-id card.jpg [more.png stack.pdf 文件夹 …] [--json] [--xlsx 开户模版.xlsx]
    gjj-desk read-id 文件夹 --add open-account

Prints each page's fields with their confidence and whether the 公民身份号码 passed its checks
(GB 11643 and the card's printed birth date and sex). Exit 0 when every number passed, 1 when
one did not (or a page was no card), 2 when the OCR component is missing. `--xlsx` writes the
people whose number passed into the 个人开户 import template (batch 开户 from a stack of cards);
`--add open-account` puts them straight into the current unit's 待开户清册 (待补全: 手机号码 and
缴存基数 come later) with each page in the list's 身份证复印件, as the batch page does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.output import print_json, print_table
from app.services.idcard.reader import CardReading

if TYPE_CHECKING:
    from app.services.idcard.stack_list import CardPage

LABELS = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth": "出生",
    "address": "住址",
    "id_number": "公民身份号码",
}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    read = commands.add_parser(
        "read-id",
        parents=[common],
        help="识别身份证复印件（正面）",
        description="离线识别身份证正面图片或扫描的PDF，输出各项内容、可信度和号码校验结果。",
    )
    read.add_argument(
        "files", nargs="+", type=Path, metavar="IMAGE|PDF", help="图片、PDF文件或文件夹"
    )
    read.add_argument(
        "--xlsx",
        type=Path,
        metavar="OUT",
        help="把号码校验通过的人写入个人开户导入模版（再补手机号码、缴存基数后导入）",
    )
    read.add_argument(
        "--add",
        choices=["open-account"],
        metavar="open-account",
        help="把号码校验通过的人直接加入当前单位的待开户清册（待补全手机号码、缴存基数）",
    )
    read.set_defaults(handler=read_ids)


def reading_json(reading: CardReading) -> dict[str, Any]:
    number = reading.number
    return {
        "source": reading.source,
        "is_card_front": reading.is_card,
        "rotation": reading.rotation,
        "fields": {
            key: {"value": f.value, "confidence": round(f.confidence, 3)}
            for key, f in reading.fields.items()
        },
        "id_number_passed": bool(number and number.trusted),
        "id_number_message": number.message if number else "未识别到公民身份号码",
        "suspect_positions": list(number.suspects) if number else [],
        "candidates": list(number.candidates) if number else [],
    }


def _print_reading(reading: CardReading) -> None:
    print(f"【{reading.source}】" + ("" if reading.is_card else "（不像身份证正面）"))
    rows = [
        (LABELS[key], f.value, f"{f.confidence:.0%}")
        for key, f in reading.fields.items()
        if key in LABELS
    ]
    print_table(["项目", "识别结果", "可信度"], rows)
    number = reading.number
    if number is None:
        print("号码校验：未识别到公民身份号码")
    elif number.trusted:
        print("号码校验：通过（校验码、出生日期、性别均一致）")
    else:
        marked = "".join(
            f"[{ch}]" if i in number.suspects else ch for i, ch in enumerate(number.number)
        )
        print(f"号码校验：未通过 — {number.message}")
        print(f"  可能误读的位置：{marked}")
        for candidate in number.candidates:
            print(f"  可能是：{candidate}")
    print()


def _write_template(path: Path, readings: list[CardReading]) -> None:
    from app.cli.services import current_policy
    from app.services.businesses import SPECS
    from app.services.idcard.batch import write_stack_template

    outcome = write_stack_template(path, readings, SPECS["open-account"], current_policy())
    print(f"已写入 {path}：{len(outcome.rows)} 人", file=sys.stderr)
    for page, why in outcome.flagged:
        print(f"  未写入 {page}：{why}", file=sys.stderr)


def _add_to_list(code: str, pages: list[CardPage]) -> None:
    from app.cli.business_cmds import open_business
    from app.services.attachments import AttachmentService
    from app.services.idcard.stack_list import add_to_list, preview

    with open_business(code) as business:
        key = business.spec.row_key or "id_number"
        in_list = {str(r.values.get(key, "")).upper() for r in business.pending.rows()}
        stack = preview(pages, in_list)
        for page, why in stack.flagged:
            print(f"  未加入 {page}：{why}", file=sys.stderr)
        if not stack.people:
            print(f"没有可加入{business.spec.list_name}的人。", file=sys.stderr)
            return
        attachments = AttachmentService(business.services.store, business.unit.id)
        added = add_to_list(stack, business.pending, attachments)
        where = f"，{added.attached} 页放入“{added.material}”" if added.material else ""
        print(
            f"已加入{business.spec.list_name}：{len(added.rows)} 人（待补全手机号码、缴存基数）"
            + where,
            file=sys.stderr,
        )
        if added.problem:
            print(f"  {added.problem}", file=sys.stderr)


def read_ids(args: argparse.Namespace) -> int:
    from app.services.idcard.batch import read_stack
    from app.services.idcard.engine import default_engine  # the OCR engine only when asked
    from app.services.idcard.stack_list import read_pages

    engine = default_engine()
    if args.add:
        with tempfile.TemporaryDirectory(prefix="gjj-cards-") as work_dir:
            pages = read_pages(args.files, engine, Path(work_dir))
            _add_to_list(args.add, pages)
        readings = [page.reading for page in pages]
    else:
        readings = read_stack(args.files, engine)
    if args.xlsx:
        _write_template(args.xlsx, readings)
    if args.json:
        print_json([reading_json(r) for r in readings])
    else:
        for reading in readings:
            _print_reading(reading)
    all_passed = all(r.number is not None and r.number.trusted for r in readings)
    return 0 if all_passed and readings else 1
