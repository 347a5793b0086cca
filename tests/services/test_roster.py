"""The roster cache over a real temporary SQLite store: delta sync, resume, search, resolve."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select

from app.errors import Cancelled, OfflineError, ServerError
from app.models import RosterPerson
from app.services.context import AppServices
from app.services.roster import (
    LookupKey,
    LookupState,
    RosterService,
    SyncCounts,
    fetch_from,
    guess_key,
)
from app.services.rules.idnumber import gb11643_check_digit


def make_id(seq: int, born: str = "19900101", region: str = "410203") -> str:
    first17 = f"{region}{born}{seq % 1000:03d}"
    return first17 + gb11643_check_digit(first17)


def person(
    account_no: str,
    name: str,
    id_number: str,
    *,
    version: int,
    status: str = "正常",
    base: str = "5000.00",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "account_no": account_no,
        "name": name,
        "id_type": "居民身份证",
        "id_number": id_number,
        "sex": "男",
        "birth_date": "1990-01-01",
        "status": status,
        "base": base,
        "unit_ratio": "0.12",
        "personal_ratio": "0.12",
        "monthly_amount": {"unit": "600.00", "personal": "600.00", "total": "1200.00"},
        "opened_on": "2015-03-01",
        "paid_to": "2026-05",
        "version": version,
        **extra,
    }


class FakeCentre:
    """The roster endpoint as fundserver pages it: version order, `since` exclusive."""

    def __init__(self, people: list[dict[str, Any]]) -> None:
        self.people = {p["account_no"]: p for p in people}
        self.calls: list[int] = []
        self.fail_on_call: int | None = None

    def change(self, account_no: str, **changes: Any) -> None:
        latest = max(p["version"] for p in self.people.values())
        self.people[account_no] = {**self.people[account_no], **changes, "version": latest + 1}

    def roster(self, since: int = 0, page: int = 1, page_size: int = 200) -> dict[str, Any]:
        self.calls.append(since)
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise OfflineError("无法连接到公积金中心服务器")
        newer = sorted(
            (p for p in self.people.values() if p["version"] > since), key=lambda p: p["version"]
        )
        start = (page - 1) * page_size
        items = newer[start : start + page_size]
        has_more = len(newer) > start + page_size
        latest = max((p["version"] for p in self.people.values()), default=0)
        version = items[-1]["version"] if has_more else max(since, latest)
        return {"items": items, "version": version, "has_more": has_more}


@pytest.fixture
def roster(services: AppServices) -> RosterService:
    unit = services.units.add("100001", "开封市示例科技有限公司")
    return RosterService(services.store, unit.id)


def staff(count: int) -> list[dict[str, Any]]:
    return [
        person(f"{9000 + n:08d}", f"职工{n:03d}", make_id(n), version=n + 1) for n in range(count)
    ]


# --- apply_page / sync ------------------------------------------------------------------------


def test_apply_page_stores_money_as_decimal_and_dates_as_date(
    roster: RosterService, services: AppServices
) -> None:
    counts = roster.apply_page([person("00000001", "张三", make_id(1), version=7)], 7)

    assert counts == SyncCounts(added=1, changed=0, removed=0, version=7)
    assert roster.version() == 7
    with services.store.session() as session:
        stored = session.scalars(select(RosterPerson)).one()
        assert stored.base == Decimal("5000.00")
        assert stored.monthly_amount == Decimal("1200.00")
        assert stored.unit_ratio == Decimal("0.12")
        assert stored.birth_date == date(1990, 1, 1)
        assert stored.opened_on == date(2015, 3, 1)
        assert stored.extra == {"monthly_parts": {"unit": "600.00", "personal": "600.00"}}


def test_monthly_amount_may_be_a_plain_decimal_string(roster: RosterService) -> None:
    roster.apply_page([person("00000001", "张三", make_id(1), version=1, monthly_amount="960")], 1)

    entry = roster.get("00000001")
    assert entry is not None and entry.monthly_amount == Decimal("960")


def test_sync_fetches_pages_until_the_centre_has_no_more(roster: RosterService) -> None:
    centre = FakeCentre(staff(25))

    counts = roster.sync(fetch_from(centre, page_size=10))

    assert counts == SyncCounts(added=25, changed=0, removed=0, version=25)
    assert centre.calls == [0, 10, 20]
    assert roster.count() == 25
    assert roster.version() == 25


def test_delta_sync_brings_changes_and_removes_closed_and_deleted(roster: RosterService) -> None:
    centre = FakeCentre(staff(5))
    roster.sync(fetch_from(centre))
    centre.change("00009000", status="封存", base="6200.00")
    centre.change("00009001", status="销户")
    centre.change("00009002", deleted=True)
    centre.people["00009100"] = person("00009100", "新人", make_id(100), version=99)

    counts = roster.sync(fetch_from(centre))

    assert counts == SyncCounts(added=1, changed=1, removed=2, version=99)
    assert centre.calls[-1] == 5  # only what is newer than the cached version was asked for
    sealed = roster.get("00009000")
    assert sealed is not None and sealed.status == "封存" and sealed.base == Decimal("6200.00")
    assert roster.get("00009001") is None
    assert roster.get("00009002") is None
    assert roster.count() == 4


def test_an_unchanged_resend_counts_as_nothing(roster: RosterService) -> None:
    item = person("00000001", "张三", make_id(1), version=3)
    roster.apply_page([item], 3)

    assert roster.apply_page([item], 3) == SyncCounts(version=3)


def test_interrupted_sync_resumes_from_the_last_stored_page(roster: RosterService) -> None:
    centre = FakeCentre(staff(25))
    centre.fail_on_call = 3

    with pytest.raises(OfflineError):
        roster.sync(fetch_from(centre, page_size=10))

    assert roster.version() == 20  # the two pages that arrived are kept, and their version
    assert roster.count() == 20
    centre.fail_on_call = None
    counts = roster.sync(fetch_from(centre, page_size=10))
    assert centre.calls == [0, 10, 20, 20]
    assert counts == SyncCounts(added=5, changed=0, removed=0, version=25)
    assert roster.count() == 25


def test_a_page_that_fails_to_store_leaves_no_trace(roster: RosterService) -> None:
    roster.apply_page(staff(2), 2)
    bad = [person("00000077", "李四", make_id(77), version=3), {"name": "无账号", "version": 4}]

    with pytest.raises(KeyError):
        roster.apply_page(bad, 4)

    assert roster.version() == 2
    assert roster.get("00000077") is None


def test_a_centre_whose_version_does_not_advance_stops_the_sync(roster: RosterService) -> None:
    def stuck(since: int) -> dict[str, Any]:
        return {"items": [], "version": since, "has_more": True}

    with pytest.raises(ServerError, match="版本没有前进"):
        roster.sync(stuck)


def test_sync_can_be_cancelled_between_pages(roster: RosterService) -> None:
    centre = FakeCentre(staff(25))
    seen: list[SyncCounts] = []

    with pytest.raises(Cancelled):
        roster.sync(
            fetch_from(centre, page_size=10),
            cancelled=lambda: len(seen) == 1,
            progress=seen.append,
        )

    assert roster.version() == 10


# --- search -----------------------------------------------------------------------------------


@pytest.fixture
def people(roster: RosterService) -> RosterService:
    roster.apply_page(
        [
            person("00000101", "张三丰", make_id(101), version=1),
            person("00000102", "李张三", make_id(102), version=2),
            person("00000103", "张三", make_id(103, born="19851230"), version=3),
            person("00000104", "王伟", make_id(104), version=4),
            person("00000105", "王伟", make_id(105, born="19780615"), version=5, status="封存"),
            person("00000106", "阿依古丽·买买提", make_id(106), version=6),
            person("10000103", "赵六", "41020319800101052X", version=7),
        ],
        7,
    )
    return roster


def names(entries: list[Any]) -> list[str]:
    return [e.name for e in entries]


def test_search_by_name_ranks_exact_then_prefix_then_contains(people: RosterService) -> None:
    assert names(people.search("张三")) == ["张三", "张三丰", "李张三"]


def test_search_by_name_prefix(people: RosterService) -> None:
    assert names(people.search("王")) == ["王伟", "王伟"]
    assert names(people.search("阿依古丽.买")) == ["阿依古丽·买买提"]  # any dot is 间隔号


def test_search_by_account_prefix_puts_the_exact_account_first(people: RosterService) -> None:
    found = people.search("00000103")
    assert [e.account_no for e in found][0] == "00000103"
    assert {e.account_no for e in people.search("0000010")} == {f"0000010{n}" for n in range(1, 7)}


def test_search_by_id_prefix_and_by_its_last_digits(people: RosterService) -> None:
    id_103 = make_id(103, born="19851230")
    assert [e.account_no for e in people.search(id_103[:10])] == ["00000103"]
    assert [e.account_no for e in people.search(id_103[-6:])] == ["00000103"]
    assert "00000103" in [e.account_no for e in people.search(id_103[-4:])]


def test_search_takes_full_width_digits_and_a_lower_case_x(people: RosterService) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "1052")
    assert [e.name for e in people.search(full_width + "x")] == ["赵六"]
    assert [e.name for e in people.search("41020319800101052x")] == ["赵六"]


def test_search_of_nothing_or_nobody_is_empty(people: RosterService) -> None:
    assert people.search("") == []
    assert people.search("   ") == []
    assert people.search("欧阳") == []
    assert len(people.search("0", limit=3)) == 3


def test_search_wildcards_are_literal(people: RosterService) -> None:
    assert people.search("%") == []
    assert people.search("_") == []


@pytest.fixture
def big_roster(roster: RosterService) -> RosterService:
    roster.apply_page(staff(5000), 5000)
    return roster


def test_search_on_five_thousand_people_uses_indexes(
    big_roster: RosterService, services: AppServices
) -> None:
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "roster_persons" in statement and not statement.startswith("EXPLAIN"):
            statements.append((statement, params))

    event.listen(services.store.engine, "before_cursor_execute", capture)
    try:
        found = big_roster.search("职工12")
        by_digits = big_roster.search("000092")
    finally:
        event.remove(services.store.engine, "before_cursor_execute", capture)

    assert len(found) == 20
    assert names(found)[:3] == ["职工120", "职工1200", "职工1201"]
    assert all(n.startswith("职工12") for n in names(found))
    assert all(e.account_no.startswith("000092") for e in by_digits)
    plans = []
    with services.store.engine.connect() as conn:
        for statement, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            plans.append(" ".join(str(r[3]) for r in rows))
    # Every query narrows to the unit through an index (never a whole-table SCAN), and prefixes
    # are index ranges.
    assert plans and all(p.startswith("SEARCH roster_persons USING") for p in plans), plans
    assert any("name>? AND name<?" in p for p in plans)
    assert any("account_no>? AND account_no<?" in p for p in plans)


# --- resolve ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("张三", LookupKey.NAME),
        ("00000103", LookupKey.ACCOUNT_NO),
        (make_id(103, born="19851230"), LookupKey.ID_NUMBER),
        ("张三", None),
        ("00000103", None),
        (make_id(103, born="19851230"), None),
        (" 张 三 ", LookupKey.NAME),
    ],
)
def test_resolve_finds_one_person_by_each_key(
    people: RosterService, text: str, key: LookupKey | None
) -> None:
    result = people.resolve(text, key)

    assert result.state is LookupState.ONE
    assert result.person is not None
    assert (result.person.name, result.person.account_no) == ("张三", "00000103")
    assert result.person.id_number == make_id(103, born="19851230")


def test_resolve_is_exact_not_prefix(people: RosterService) -> None:
    assert people.resolve("张", LookupKey.NAME).state is LookupState.NONE
    assert people.resolve("0000010", LookupKey.ACCOUNT_NO).state is LookupState.NONE


def test_resolve_in_the_id_field_takes_the_last_four_to_six_characters(
    people: RosterService,
) -> None:
    id_103 = make_id(103, born="19851230")

    found = people.resolve(id_103[-6:], LookupKey.ID_NUMBER)
    assert found.state is LookupState.ONE and found.persons[0].account_no == "00000103"
    assert people.resolve("052x", LookupKey.ID_NUMBER).persons[0].name == "赵六"
    # Not when the key is guessed (digits are a 个人账号), nor for 3 or 7 characters.
    assert people.resolve(id_103[-6:]).state is LookupState.NONE
    assert people.resolve(id_103[-3:], LookupKey.ID_NUMBER).state is LookupState.NONE
    assert people.resolve(id_103[-7:], LookupKey.ID_NUMBER).state is LookupState.NONE


def test_resolve_last_digits_shared_by_several_gives_them_all(roster: RosterService) -> None:
    first = make_id(1)
    twin = next(  # another birthday whose number ends in the same four characters
        number
        for day in range(2, 29)
        if (number := make_id(1, born=f"199002{day:02d}"))[-4:] == first[-4:]
    )
    roster.apply_page(
        [person("00000001", "甲", first, version=1), person("00000002", "乙", twin, version=2)], 2
    )

    result = roster.resolve(first[-4:], LookupKey.ID_NUMBER)

    assert result.state is LookupState.MANY
    assert [p.name for p in result.persons] == ["甲", "乙"]
    assert roster.resolve(first[-5:], LookupKey.ID_NUMBER).state is LookupState.ONE


def test_resolve_a_shared_name_gives_everyone_with_it(people: RosterService) -> None:
    result = people.resolve("王伟")

    assert result.state is LookupState.MANY
    assert [p.account_no for p in result.persons] == ["00000104", "00000105"]
    assert result.person is None


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("欧阳娜娜", None, "本单位名册中没有姓名为“欧阳娜娜”的职工"),
        ("99999999", None, "没有个人账号为“99999999”的职工"),
        (make_id(999), LookupKey.ID_NUMBER, f"没有证件号码为“{make_id(999)}”的职工"),
    ],
)
def test_resolve_nobody_says_what_was_typed(
    people: RosterService, text: str, key: LookupKey | None, message: str
) -> None:
    result = people.resolve(text, key)

    assert result.state is LookupState.NONE
    assert result.persons == ()
    assert message in result.message


def test_resolve_an_id_typed_full_width_or_with_lower_case_x(people: RosterService) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "41020319800101052x")
    for typed in (full_width, "41020319800101052x", " 410203 19800101 052X "):
        result = people.resolve(typed)
        assert result.state is LookupState.ONE, typed
        assert result.persons[0].name == "赵六"


def test_resolve_a_legacy_fifteen_digit_id(people: RosterService) -> None:
    legacy = "410203800101052"  # 赵六's number before the 18-digit form

    assert people.resolve(legacy).persons[0].name == "赵六"


def test_resolve_an_all_digit_account_that_looks_like_an_id(roster: RosterService) -> None:
    roster.apply_page([person("410203800101999", "钱七", make_id(7), version=1)], 1)

    assert roster.resolve("410203800101999").persons[0].name == "钱七"


def test_guess_key_from_the_shape_of_the_text() -> None:
    assert guess_key("张三") is LookupKey.NAME
    assert guess_key("John Smith") is LookupKey.NAME
    assert guess_key("00012345") is LookupKey.ACCOUNT_NO
    assert guess_key("41020319800101052x") is LookupKey.ID_NUMBER
    assert guess_key("410203800101052") is LookupKey.ID_NUMBER


def test_roster_for_the_engine_and_other_units_stay_apart(
    people: RosterService, services: AppServices
) -> None:
    other_unit = services.units.add("100002", "开封市另一单位")
    other = RosterService(services.store, other_unit.id)
    other.apply_page([person("00000103", "别人", make_id(500), version=1)], 1)

    assert people.roster().by_account["00000103"].name == "张三"
    assert other.resolve("张三").state is LookupState.NONE
    assert people.count() == 7 and other.count() == 1


def test_the_log_never_holds_a_full_id_number(
    people: RosterService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="app.services.roster")
    people.resolve(make_id(999), LookupKey.ID_NUMBER)
    people.sync(lambda since: {"items": [], "version": since, "has_more": False})

    assert caplog.records
    assert make_id(999) not in caplog.text
