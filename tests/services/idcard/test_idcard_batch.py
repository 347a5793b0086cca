"""Batch 开户 from a stack of cards: passed numbers become template rows, the rest are listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from python_calamine import CalamineWorkbook

from app.cli import run
from app.services.idcard import engine as engine_module
from tests.card_stack import LI, WANG, StackEngine, card


def test_a_folder_of_cards_becomes_template_rows_and_doubtful_pages_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "feeder"
    folder.mkdir()
    misread = WANG[:14] + ("7" if WANG[14] != "7" else "1") + WANG[15:]
    pages = {
        301: card("王建国", "男", "1988年5月16日", WANG),
        302: card("李秀英", "女", "1992年3月8日", LI),
        303: card("王建国", "男", "1988年5月16日", misread),
        304: [],  # the back of a card, or a blank page
    }
    for i, width in enumerate(pages):
        Image.new("RGB", (width, 200), "white").save(folder / f"page{i + 1}.png")
    monkeypatch.setattr(engine_module, "_engine", StackEngine(pages))
    out = tmp_path / "开户.xlsx"

    code = run(["read-id", str(folder), "--xlsx", str(out)])
    _, err = capsys.readouterr()

    assert code == 1  # not every page passed
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    header = [str(h) for h in sheet[0]]
    rows = [dict(zip(header, (str(v) for v in row), strict=True)) for row in sheet[1:]]
    name_col = next(h for h in header if "姓名" in h)
    id_col = next(h for h in header if "证件号码" in h)
    assert [(r[name_col], r[id_col]) for r in rows] == [("王建国", WANG), ("李秀英", LI)]
    assert "已写入" in err and "2 人" in err
    assert "page3.png" in err and "可能有误读" in err
    assert "page4.png" in err and "没有识别到公民身份号码" in err
    assert misread not in err  # no doubtful full number on the terminal's log either
