"""个人开户（批量） as a clerk uses it: template, check a file in the background, choose, import."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.errors import Cancelled
from app.models import RosterPerson, Unit
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.engine.table import table_spec
from app.services.policy import load_default
from app.services.spreadsheet import write_rows
from app.views.business.import_page import ImportPage
from app.views.business.pending_list import PendingListPanel
from app.views.business.pending_page import PendingPage
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from tests.ids import resident_id as rid

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "open_account"
BAD_ROWS = {3, 4, 5, 8, 9, 10, 11}  # see tools/make_open_account_fixtures.py
WAIT = 20_000


def prepare_unit(services: AppServices) -> int:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
        session.add(
            RosterPerson(
                unit_id=unit.id,
                account_no="4100007",
                name="孙八",
                id_number=rid("41022119800512401"),
                status="正常",
            )
        )
    return unit.id


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> ImportPage:
    unit_id = prepare_unit(services)

    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit_id)

    pending = PendingLists(services.store, SPECS["open-account"], unit_id, policy)
    pending.add(
        {
            "name": "周九",
            "id_number": rid("41022219910909502"),
            "mobile": "13903781242",
            "base": "4300",
        }
    )
    widget = ImportPage(pending, policy, template_title="身份证批量开户模版")
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    return widget


def check_file(qtbot: QtBot, page: ImportPage, path: Path) -> object:
    page.set_file(path)
    with qtbot.waitSignal(page.validated, timeout=WAIT) as blocker:
        page.import_button.click()
    return blocker.args[0]


def big_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "big.xlsx"
    start = date(1970, 1, 1)
    people = [
        {
            "name": "职工",
            "id_number": rid(f"410203{start + timedelta(days=i // 900):%Y%m%d}{i % 900 + 100:03d}"),
            "mobile": f"139{i:08d}",
            "base": "5000",
        }
        for i in range(count)
    ]
    write_rows(path, table_spec(SPECS["open-account"], load_default()), people)
    return path


def test_the_template_is_saved_where_the_clerk_says(page: ImportPage, tmp_path: Path) -> None:
    assert page.template_button.text() == "身份证批量开户模版下载"
    target = tmp_path / "模版.xlsx"
    page.save_template(str(target))
    assert "模版已保存" in page.status.text()
    workbook = load_workbook(target)
    assert workbook.worksheets[0].title == "待开户清册" and "说明" in workbook.sheetnames


def test_a_checked_file_shows_every_problem_and_imports_the_valid_rows(
    qtbot: QtBot, page: ImportPage, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    assert not page.import_button.isEnabled()  # no file yet
    check_file(qtbot, page, FIXTURES / "batch.xls")
    report = page.report
    assert report.isVisible()
    assert "共 11 行：正确 4 行，有误 7 行" in report.counts.text()
    model = report.model
    qtmodeltester.check(model)
    rows = {int(model.index(r, 0).data()) for r in range(model.rowCount())}
    assert rows == BAD_ROWS
    cells = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert ["5", "姓名", "", "请填写姓名"] in cells
    assert any(c[0] == "4" and "科学计数法" in c[3] for c in cells)
    assert not report.import_all_button.isEnabled()
    assert report.import_valid_button.isEnabled()
    assert report.import_valid_button.text() == "仅导入正确的 4 行"

    report_path = tmp_path / "错误报告.xlsx"
    page.export_report(str(report_path))
    qtbot.waitUntil(lambda: "错误报告已保存" in page.status.text(), timeout=WAIT)
    assert load_workbook(report_path).worksheets[0].max_row == 1 + len(BAD_ROWS)

    with qtbot.waitSignal(page.imported, timeout=WAIT) as blocker:
        report.import_valid_button.click()
    assert blocker.args == [4]
    assert "已导入 4 行到待开户清册" in page.status.text()
    assert not report.isVisible()
    names = [page.list_model.item(r).values["name"] for r in range(page.list_model.rowCount())]
    assert names == ["周九", "张三", "赵六", "钱七", "郑十一"]
    assert page.list_summary.text().startswith("共 5 条")


def test_a_clean_file_imports_all(qtbot: QtBot, page: ImportPage, tmp_path: Path) -> None:
    check_file(qtbot, page, big_file(tmp_path, 3))
    assert page.report.import_all_button.isEnabled()
    assert not page.report.import_valid_button.isEnabled()  # nothing to leave out
    assert not page.report.table.isVisible() and "校验通过" in page.status.text()
    with qtbot.waitSignal(page.imported, timeout=WAIT):
        page.report.import_all_button.click()
    assert page.list_model.rowCount() == 4


def test_progress_is_shown_and_cancel_imports_nothing(
    qtbot: QtBot, page: ImportPage, tmp_path: Path
) -> None:
    path = big_file(tmp_path, 3000)
    seen: list[int] = []
    page.progress.valueChanged.connect(seen.append)
    check = check_file(qtbot, page, path)
    assert check is not None and len(getattr(check, "rows", [])) == 3000
    assert 1000 in seen and seen[-1] == page.progress.maximum() == 3000  # every row checked
    assert not page.progress.isVisible()

    page.set_file(path)
    with qtbot.waitSignal(page.validated, timeout=WAIT) as blocker:
        page.start_validation()
        assert page.progress.isVisible() and page.stop_button.isVisible()
        assert not page.choose_button.isEnabled()
        page.stop_button.click()
    assert blocker.args == [None]
    assert "已取消" in page.status.text() and not page.report.isVisible()
    assert page.list_model.rowCount() == 1  # only 周九


def test_an_unreadable_file_says_why(qtbot: QtBot, page: ImportPage, tmp_path: Path) -> None:
    broken = tmp_path / "名单.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    page.set_file(broken)
    with qtbot.waitSignal(page.failed, timeout=WAIT) as blocker:
        page.start_validation()
    assert "名单.xlsx" in blocker.args[0] and blocker.args[0] in page.status.text()
    assert page.import_button.isEnabled()


def test_the_menu_opens_the_batch_page_and_an_import_refreshes_the_single_page(
    qtbot: QtBot, services: AppServices
) -> None:
    prepare_unit(services)
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    single = window.open_page("open-account")
    batch = window.open_page("open-account-batch")
    assert isinstance(single, PendingPage) and isinstance(batch, ImportPage)
    check_file(qtbot, batch, FIXTURES / "batch.xlsx")
    with qtbot.waitSignal(batch.imported, timeout=WAIT) as blocker:
        batch.import_rows(valid_only=True)
    # Nobody pending here, so 周九 (row 10) is good too: 5 rows, seen on both pages.
    assert blocker.args == [5]
    assert single.model.rowCount() == batch.list_model.rowCount() == 5


def test_a_page_closed_while_checking_lets_the_result_go(
    qtbot: QtBot, page: ImportPage, tmp_path: Path
) -> None:
    doomed = ImportPage(page.pending, page.policy)  # not qtbot's: this test deletes it
    doomed.set_file(big_file(tmp_path, 2000))
    doomed.start_validation()
    op = doomed.op
    assert op is not None
    with qtbot.waitSignal(op.signals.failed, timeout=WAIT) as blocker:
        doomed.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(doomed), timeout=WAIT)
    # Cancelled with the page (the one way a stopped job ends), no callback on a dead widget.
    assert isinstance(blocker.args[0], Cancelled)


# --- issue 8 point 16: one 清册 widget, fully usable from the batch page too ---------------------
def test_the_batch_page_list_is_the_single_pages_list_widget(
    qtbot: QtBot, services: AppServices
) -> None:
    prepare_unit(services)
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    single = window.open_page("open-account")
    batch = window.open_page("open-account-batch")
    assert isinstance(single, PendingPage) and isinstance(batch, ImportPage)
    assert type(batch.list) is type(single.list) is PendingListPanel
    assert [b.text() for b in batch.list.buttons.values()] == [
        "浏览",
        "修改",
        "删除",
        "撤销删除",
        "全部提交",
    ]
    assert "请到" not in " ".join(label.text() for label in batch.findChildren(QLabel))


def test_browse_modify_delete_and_undo_from_the_batch_page(qtbot: QtBot, page: ImportPage) -> None:
    panel = page.list
    panel.table.selectRow(0)
    panel.browse()
    assert panel.detail_dialog is not None
    shown = {w.objectName(): w.text() for w in panel.detail_dialog.findChildren(QLabel)}
    assert shown["detail-name"] == "周九" and shown["detail-unit_ratio"] == "12%"
    panel.detail_dialog.close()

    with qtbot.waitSignal(page.list_changed):
        qtbot.mouseClick(panel.buttons["modify"], Qt.MouseButton.LeftButton)
        dialog = page.edit_dialog
        assert dialog is not None and dialog.isVisible()
        base = dialog.form.editors["base"].widget
        assert isinstance(base, QLineEdit)
        base.clear()
        qtbot.keyClicks(base, "100")  # below the floor: refused, the dialog stays
        dialog.save_button.click()
        assert dialog.isVisible() and "低于" in dialog.form.editors["base"].error.text()
        base.clear()
        qtbot.keyClicks(base, "5000")
        assert not dialog.form.editors["base"].error.isVisible()  # re-checked as typed
        dialog.save_button.click()
    base_col = [f.key for f in panel.model.columns].index("base")
    assert panel.proxy.index(0, base_col).data() == "5,000.00"
    assert "已保存修改：周九" in page.status.text()

    panel.table.selectRow(0)
    qtbot.mouseClick(panel.buttons["delete"], Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0 and panel.buttons["undo"].isEnabled()
    qtbot.mouseClick(panel.buttons["undo"], Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 1 and "已恢复：周九" in page.status.text()
    assert panel.buttons["submit"].isEnabled()


def test_submit_all_from_the_batch_page_opens_the_materials_dialog(
    qtbot: QtBot, page: ImportPage
) -> None:
    qtbot.mouseClick(page.list.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.list.submit_dialog is not None, timeout=WAIT)
    dialog = page.list.submit_dialog
    assert dialog is not None and "身份证复印件" in dialog.reason.text()
    dialog.reject()


def test_once_imported_the_report_leaves_no_gap_above_the_list(
    qtbot: QtBot, page: ImportPage
) -> None:
    """The walkthrough at 1024×768: the report hidden after 仅导入正确的行 left its height empty
    above the 清册, which kept showing six rows under a blank band."""
    page.resize(1000, 640)
    check_file(qtbot, page, FIXTURES / "batch.xls")
    with qtbot.waitSignal(page.imported, timeout=WAIT):
        page.report.import_valid_button.click()
    steps = page.steps
    needed = max(steps.heightForWidth(steps.width()), steps.sizeHint().height())
    qtbot.waitUntil(lambda: page.splitter.sizes()[0] <= needed + 2)
