"""An edited export is checked once: the store takes the check's verdicts while they still hold."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app.errors import BadInputError
from app.models import RosterPerson
from app.services.adjustments.service import BaseChangeService
from app.services.businesses import base_change
from app.services.engine import pending_edit
from app.services.engine.rows import check_row
from app.services.engine.spec import RowCheck
from app.services.rules.rounding import RoundingMethod


def edited(tmp_path: Path) -> Path:
    path = tmp_path / "调整.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["个人账号", "姓名", "调整后缴存基数", "调整后月缴存额"])
        writer.writerow(["41000001", "张三", "5500", ""])
        writer.writerow(["41000002", "李四", "", "1680"])
        writer.writerow(["41000003", "王五", "", ""])
    return path


def counting_rules(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows the store itself runs the rules on (one entry per row)."""
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> RowCheck:
        calls.append(1)
        return check_row(*args, **kwargs)

    monkeypatch.setattr(pending_edit, "check_row", counted)
    return calls


def test_the_store_takes_the_checks_verdicts(
    adjust: BaseChangeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = adjust.validate(edited(tmp_path))
    assert checked.context is not None and len(checked.checks) == 3
    calls = counting_rules(monkeypatch)
    adjust.import_checked(checked)
    assert calls == []  # the rules ran once, in the check (they ran again here before)
    stored = {r.values["account_no"]: r.values for r in adjust.pending.rows()}
    assert stored["41000002"]["base"] == "7000.00"  # 1680 ÷ 24 %
    assert stored["41000002"]["monthly_amount"] == "1680.00"
    assert stored["41000003"]["base"] == stored["41000003"]["old_base"] == "4000.00"


def test_what_changed_since_the_check_is_checked_afresh(
    adjust: BaseChangeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = adjust.validate(edited(tmp_path))
    assert checked.problems == []
    with adjust.store.session() as session:  # a roster sync in between: 李四 is now 封存
        session.execute(
            update(RosterPerson)
            .where(RosterPerson.account_no == "41000002")
            .values(status="封存", version=99)
        )
    calls = counting_rules(monkeypatch)
    with pytest.raises(BadInputError, match="李四的账户状态为封存"):
        adjust.import_checked(checked)
    assert calls  # checked again, not taken on trust
    assert adjust.pending.rows() == []  # nothing unchecked stored


def test_a_file_refused_at_the_store_leaves_the_list_as_it_was(
    adjust: BaseChangeService, tmp_path: Path
) -> None:
    """The old rows are deleted in the store's own transaction: all of the file, or nothing."""
    adjust.import_file(edited(tmp_path))
    before = adjust.pending.rows()
    checked = adjust.validate(edited(tmp_path))
    with adjust.store.session() as session:  # a roster sync in between: 李四 is now 封存
        session.execute(
            update(RosterPerson)
            .where(RosterPerson.account_no == "41000002")
            .values(status="封存", version=99)
        )
    with pytest.raises(BadInputError, match="李四的账户状态为封存"):
        adjust.import_checked(checked)
    assert adjust.pending.rows() == before  # the first file's list, not an empty one
    assert adjust.row_count() == 3


def test_a_second_file_replaces_the_list(adjust: BaseChangeService, tmp_path: Path) -> None:
    adjust.import_file(edited(tmp_path))
    first = {r.id for r in adjust.pending.rows()}
    adjust.import_file(edited(tmp_path))
    rows = adjust.pending.rows()
    assert [r.values["account_no"] for r in rows] == ["41000001", "41000002", "41000003"]
    assert [r.position for r in rows] == [1, 2, 3]  # numbered afresh, not after the old rows
    assert not first & {r.id for r in rows}


def test_amounts_follow_the_policy_of_each_check(adjust: BaseChangeService) -> None:
    """The amounts are remembered per distinct base: never across two policies."""
    ctx = adjust.pending.snapshot()
    raw = {
        "account_no": "41000001",
        "name": "张三",
        "effective_month": "2026-12",
        "base": "5002.10",
        "unit_ratio": "0.12",
        "personal_ratio": "0.12",
    }
    by_yuan = check_row(base_change.SPEC, raw, ctx).values
    by_fen = replace(ctx, policy=replace(ctx.policy, rounding=RoundingMethod.HALF_UP_FEN))
    assert by_yuan["monthly_amount"] == "1200.00"  # 600.252 → 600, twice
    assert check_row(base_change.SPEC, raw, by_fen).values["monthly_amount"] == "1200.50"
    assert check_row(base_change.SPEC, raw, ctx).values["monthly_amount"] == "1200.00"


def test_a_row_left_as_it_is_is_refused_at_the_current_base_when_out_of_bounds(
    adjust: BaseChangeService, tmp_path: Path
) -> None:
    with adjust.store.session() as session:  # below any centre's floor
        session.execute(
            update(RosterPerson).where(RosterPerson.account_no == "41000003").values(base=500)
        )
    (problem,) = adjust.validate(edited(tmp_path)).problems
    assert (problem.row, problem.column) == (4, "缴存基数")
    assert "缴存基数 500.00 低于中心规定的下限" in problem.message
