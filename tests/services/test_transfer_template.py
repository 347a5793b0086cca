"""内部转移's batch template has no column for what only the centre fills in (转出单位名称,
转出单位账号, 账户状态); an old template's values in those columns are ignored, never stored as
if the clerk had typed them, and the check says so."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

from app.services.batch_import import import_rows, validate_file, write_template_file
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.import_session import summary
from tests.ids import gb11643

ZHAO = "41020319880516001" + gb11643("41020319880516001")
CENTRE_FILLED = ("转出单位名称", "转出单位账号", "账户状态")


def _headers(path: Path) -> list[str]:
    sheet = load_workbook(path).worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        if "姓名" in row:
            return [str(cell) for cell in row if cell]
    raise AssertionError("no header row")


def test_the_template_has_no_column_the_centre_fills_in(
    services: AppServices, tmp_path: Path
) -> None:
    policy = services.units.policy(None)
    path = write_template_file(tmp_path / "内部转移模版.xlsx", SPECS["transfer"], policy)
    headers = _headers(path)
    assert {"姓名", "证件号码"} <= set(headers)
    assert not set(CENTRE_FILLED) & set(headers)


def test_an_old_templates_centre_columns_are_ignored_not_stored(
    services: AppServices, tmp_path: Path
) -> None:
    unit = services.units.add("100001", "开封示范科技有限公司")
    pending = PendingLists(
        services.store, SPECS["transfer"], unit.id, lambda: services.units.policy(unit.id)
    )
    old = tmp_path / "旧内部转移模版.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "证件号码", "转出单位名称", "转出单位账号", "账户状态"])
    sheet.append(["赵敏", ZHAO, "随便填的单位", "999999", "正常"])
    book.save(old)

    check = validate_file(old, SPECS["transfer"], pending)
    assert check.clean
    assert set(check.unknown_headers) == set(CENTRE_FILLED)
    assert "已忽略的列：转出单位名称、转出单位账号、账户状态。" in summary(check)
    (row,) = import_rows(check, pending, valid_only=False)
    assert (row.values["name"], row.values["id_number"]) == ("赵敏", ZHAO)
    for key in ("from_unit_name", "from_unit_code", "account_status"):
        assert not row.values.get(key)  # only the centre's answer fills these
