"""The menu of businesses and queries, as data (PRODUCT.md's table).

Views build the tree from this; an entry is enabled only when a business spec is registered for it,
so nothing pretends to work before it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntryKind(StrEnum):
    BUSINESS = "business"  # the form (单笔) feeding a pending list
    BATCH = "batch"  # the template + import (批量) feeding the same list
    QUERY = "query"  # submitted work and its review state


@dataclass(frozen=True)
class MenuEntry:
    key: str  # stable identifier, also the page's name
    label: str  # what the clerk reads in the tree
    kind: EntryKind
    businesses: tuple[str, ...]  # business codes the page works on (a query may cover several)
    seed_section: str  # where the Kaifeng manual describes it


@dataclass(frozen=True)
class MenuGroup:
    label: str
    entries: tuple[MenuEntry, ...]


B, BATCH, Q = EntryKind.BUSINESS, EntryKind.BATCH, EntryKind.QUERY

MENU: tuple[MenuGroup, ...] = (
    MenuGroup(
        "个人账户管理",
        (
            MenuEntry("open-account", "个人开户（单笔）", B, ("open-account",), "§1"),
            MenuEntry("open-account-batch", "个人开户（批量）", BATCH, ("open-account",), "§2"),
            MenuEntry("open-account-query", "开户查询", Q, ("open-account",), "§1–2"),
        ),
    ),
    MenuGroup(
        "变更业务",
        (
            MenuEntry("seal", "个人账户封存", B, ("seal",), "§3"),
            MenuEntry("seal-batch", "个人账户封存（批量）", BATCH, ("seal",), "§3"),
            MenuEntry("unseal", "个人账户启封", B, ("unseal",), "§4"),
            MenuEntry("unseal-batch", "个人账户启封（批量）", BATCH, ("unseal",), "§4"),
            MenuEntry("seal-query", "封存启封查询", Q, ("seal", "unseal"), "§3–4"),
            MenuEntry("ratio-change", "缴存比例调整", B, ("ratio-change",), "§7"),
            MenuEntry("ratio-change-query", "缴存比例调整查询", Q, ("ratio-change",), "§7"),
            MenuEntry("base-change", "缴存基数调整", B, ("base-change",), "§8"),
            MenuEntry("base-change-query", "缴存基数调整查询", Q, ("base-change",), "§8"),
            MenuEntry("transfer", "内部转移", B, ("transfer",), "§9"),
            MenuEntry("transfer-query", "内部转移查询", Q, ("transfer",), "§9"),
        ),
    ),
    MenuGroup(
        "缴存业务",
        (
            MenuEntry("remittance", "汇缴核定", B, ("remittance",), "§5"),
            MenuEntry("back-payment", "补缴核定", B, ("back-payment",), "§6"),
            MenuEntry("assessment-query", "核定查询", Q, ("remittance", "back-payment"), "§5–6"),
        ),
    ),
)


def all_entries() -> list[MenuEntry]:
    return [entry for group in MENU for entry in group.entries]


def batch_entry(code: str) -> MenuEntry | None:
    """The 批量 page of a business, if the menu has one."""
    return next(
        (e for e in all_entries() if e.kind is EntryKind.BATCH and e.businesses == (code,)), None
    )


def entry(key: str) -> MenuEntry:
    for candidate in all_entries():
        if candidate.key == key:
            return candidate
    raise KeyError(key)
