"""A stack of cards straight into the 待开户清册: rows 待补全 with their pages in 身份证复印件,
refused at 全部提交 until complete, then completed by the template import matched by 证件号码."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.cli import run
from app.errors import BadInputError, KnownError
from app.models import Unit
from app.services.attachments import AttachmentService
from app.services.batch_import import import_rows, validate_file
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.idcard import engine as engine_module
from app.services.idcard.stack_list import add_to_list, preview, read_pages, scan_stack
from app.services.scanning import DeviceInfo
from app.services.scanning.sane import SaneScanner
from tests.card_stack import LI, WANG, FeederEngine, card, feeder
from tests.ids import resident_id


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    return PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )


def test_cards_become_incomplete_rows_that_the_template_import_completes(
    services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    engine = feeder(tmp_path / "feeder")
    attachments = AttachmentService(services.store, pending.unit_id)
    pages = read_pages([tmp_path / "feeder"], engine, tmp_path / "work")
    stack = preview(pages, set())
    assert [values["name"] for _page, values in stack.people] == ["王建国", "李秀英"]
    assert [page for page, _why in stack.flagged] == ["page3.png"]

    added = add_to_list(stack, pending, attachments)

    rows = pending.rows()
    assert [(r.values["name"], r.values["id_number"], r.values["sex"]) for r in rows] == [
        ("王建国", WANG, "男"),
        ("李秀英", LI, "女"),
    ]
    assert rows[0].values["birth_date"] == "1988-05-16"
    assert all(set(r.errors) == {"mobile", "base"} for r in rows)  # 待补全, marked
    assert all(set(r.errors) == {"mobile", "base"} for r in pending.recheck())  # still marked
    with pytest.raises(BadInputError, match="2 条记录有误.*请填写手机号码"):
        pending.submit()  # an incomplete row is never sent
    material = attachments.pages_of(pending.list_id(), "身份证复印件").pages()
    assert [p.origin for p in material] == ["王建国（page1.png）", "李秀英（page2.png）"]
    assert added.attached == 2 and added.problem is None
    assert [a.material for a in attachments.for_list(pending.list_id())] == ["身份证复印件"]
    assert preview(pages, {WANG}).people[0][1]["name"] == "李秀英"  # the same stack again

    template = tmp_path / "补全.csv"
    with template.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "证件号码", "手机号码", "缴存基数"])
        writer.writerow(["王建国", WANG, "13903781234", "6200"])
        writer.writerow(["赵六", resident_id("41020319950101002"), "13903785678", "5000"])
    check = validate_file(template, SPECS["open-account"], pending)
    assert check.problems == []  # 王建国 fills his own row: not refused as a duplicate
    import_rows(check, pending, valid_only=False)

    rows = {r.values["name"]: r for r in pending.rows()}
    assert sorted(rows) == ["李秀英", "王建国", "赵六"]
    assert rows["王建国"].errors == {} and rows["王建国"].values["mobile"] == "13903781234"
    assert rows["王建国"].values["monthly_amount"] == "1488.00"  # 6200 × (12% + 12%)
    assert set(rows["李秀英"].errors) == {"mobile", "base"}  # still 待补全


def test_read_id_add_puts_the_stack_into_the_current_units_list(
    services: AppServices,
    pending: PendingLists,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine_module, "_engine", feeder(tmp_path / "feeder"))
    services.close()  # the command opens the store itself

    code = run(["read-id", str(tmp_path / "feeder"), "--add", "open-account"])
    _, err = capsys.readouterr()

    assert code == 1  # one page did not pass
    assert "已加入待开户清册：2 人" in err and "2 页放入“身份证复印件”" in err
    assert "未加入 page3.png" in err
    assert [r.values["name"] for r in pending.rows()] == ["王建国", "李秀英"]


@pytest.mark.sane
def test_a_feeder_scan_is_read_page_by_page(sane_test_device: str, tmp_path: Path) -> None:
    """SANE's test device: its feeder gives ten sheets; two read as cards, the rest not."""
    pages, note = scan_stack(SaneScanner(), tmp_path / "scan")
    assert len(pages) == 10 and note == ""

    engine = FeederEngine(
        [card("王建国", "男", "1988年5月16日", WANG), card("李秀英", "女", "1992年3月8日", LI)]
    )
    stack = preview(read_pages(pages, engine, tmp_path / "work"), set())

    assert [values["name"] for _page, values in stack.people] == ["王建国", "李秀英"]
    assert len(stack.flagged) == 8
    assert all("没有识别到公民身份号码" in why for _page, why in stack.flagged)


def test_no_feeder_says_what_to_do(tmp_path: Path) -> None:
    class NoScanner:
        kind = "none"

        def list_devices(self) -> list[DeviceInfo]:
            return []

        def scan(self, *args: object) -> list[Path]:
            raise AssertionError("nothing to scan with")

    with pytest.raises(KnownError, match="没有找到带自动进纸器的扫描仪"):
        scan_stack(NoScanner(), tmp_path / "scan")  # type: ignore[arg-type]
