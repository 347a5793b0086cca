"""The business menu of PRODUCT.md as a tree: groups, and the entries under them."""

from __future__ import annotations

from collections.abc import Container

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.services import catalog

ENTRY_ROLE = Qt.ItemDataRole.UserRole


def build_tree(open_entries: Container[str]) -> QTreeWidget:
    """Every menu entry; those without a page yet are disabled and say so."""
    tree = QTreeWidget()
    tree.setHeaderHidden(True)
    tree.setObjectName("businessTree")
    tree.setAccessibleName("业务菜单")
    for group in catalog.MENU:
        group_item = QTreeWidgetItem([group.label])
        group_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        bold = group_item.font(0)
        bold.setBold(True)
        group_item.setFont(0, bold)
        tree.addTopLevelItem(group_item)
        for entry in group.entries:
            item = QTreeWidgetItem([entry.label])
            item.setData(0, ENTRY_ROLE, entry.key)
            _mark(item, entry.label, enabled=entry.key in open_entries)
            group_item.addChild(item)
    tree.expandAll()
    # As wide as the longest entry at any font size or scaling (no "个人账…" at 800×600).
    tree.setMinimumWidth(
        tree.sizeHintForColumn(0) + 2 * tree.frameWidth() + tree.indentation() // 2 + 8
    )
    return tree


def _mark(item: QTreeWidgetItem, label: str, *, enabled: bool) -> None:
    if enabled:
        item.setToolTip(0, label)
    else:
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setToolTip(0, f"「{label}」尚未开放：该业务将在后续版本中提供。")


def close_missing(tree: QTreeWidget, open_entries: Container[str]) -> None:
    """Disable the entries without a page (the tree is built before the pages are known)."""
    for item in entry_items(tree):
        if item.data(0, ENTRY_ROLE) not in open_entries:
            _mark(item, item.text(0), enabled=False)


def entry_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """The business and query items of the tree, in menu order."""
    items: list[QTreeWidgetItem] = []
    for index in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(index)
        assert group is not None
        items.extend(c for i in range(group.childCount()) if (c := group.child(i)))
    return items


def entry_item(tree: QTreeWidget, key: str) -> QTreeWidgetItem:
    for item in entry_items(tree):
        if item.data(0, ENTRY_ROLE) == key:
            return item
    raise KeyError(key)
