"""argparse in Chinese: usage, option groups, -h and its own error messages.

argparse looks its texts up through `gettext` at the moment it uses them (module globals `_`
and `ngettext`), and Python ships no Chinese catalogue for it. A table of its message ids is
the whole translation; an id missing here (a newer Python's) simply stays English.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",  # Python before 3.10
    "show this help message and exit": "显示此帮助信息并退出",
    "subcommands": "命令",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有命令 %(parser_name)r（可选：%(choices)s）"
    ),
    'argument "-" with mode %r': "参数“-”不能以 %r 方式打开",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义，可能是：%(matches)s"
    ),
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选择：%(value)r（可选：%(choices)s）"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
PLURAL_MESSAGES: dict[str, str] = {
    "expected %s argument": "需要 %s 个值",
    "conflicting option string: %s": "选项冲突：%s",
}


def gettext(message: str) -> str:
    """argparse's text in Chinese, or as it is when the table does not know it."""
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The plural-aware lookup argparse uses; Chinese has one form for both."""
    found = PLURAL_MESSAGES.get(singular)
    if found is not None:
        return found
    return singular if count == 1 else plural


def install() -> None:
    """Make argparse speak Chinese in this process (idempotent)."""
    patch: dict[str, Callable[..., str]] = {"_": gettext, "ngettext": ngettext}
    for name, function in patch.items():
        setattr(argparse, name, function)
