"""The command line: `gjj-desk` alone opens the window; `gjj-desk COMMAND …` runs a command.

Every command takes `--json` (for machines) and `--data-dir`; exit code 0 when all is well,
1 when the input is bad, 2 when the environment is (no server, full disk, bad database).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from app import __version__, paths
from app.cli import argparse_zh
from app.cli.output import error
from app.errors import BadInputError, KnownError

EXIT_OK, EXIT_BAD_INPUT, EXIT_TROUBLE = 0, 1, 2
# The command modules (app.cli.<name>), in the order `gjj-desk -h` lists their commands.
COMMAND_MODULES = (
    "add_cmds",
    "rules_cmds",
    "policy_cmds",
    "unit_cmds",
    "business_cmds",
    "payment_cmds",
    "adjust_cmds",  # after business_cmds: routes its validate/import for base-change
    "session_cmds",
    "sync_cmds",
    "scan_cmds",
    "backup_cmds",
    "idcard_cmds",
)
# Which module registers each command: a start imports only the module of the command asked
# for (none for the window or --version). A command missing here still works — every module
# is then registered — only slower; a test keeps this table complete.
COMMAND_MODULE_OF: dict[str, str | tuple[str, ...]] = {
    "add": "add_cmds",
    "assess": "payment_cmds",
    "print": "payment_cmds",
    "export": "adjust_cmds",
    "review": "adjust_cmds",
    "check-id": "rules_cmds",
    "calc": "rules_cmds",
    "policy": "policy_cmds",
    "unit": "unit_cmds",
    "template": "business_cmds",
    "validate": ("business_cmds", "adjust_cmds"),  # adjust routes base-change's own
    "import": ("business_cmds", "adjust_cmds"),
    "pending": "business_cmds",
    "submit": "business_cmds",
    "history": ("business_cmds", "adjust_cmds"),  # adjust shows ratio-change's days
    "login": "session_cmds",
    "logout": "session_cmds",
    "roster": "session_cmds",
    "lookup": "session_cmds",
    "sync": "sync_cmds",
    "status": "sync_cmds",
    "scanners": "scan_cmds",
    "scan": "scan_cmds",
    "backup": "backup_cmds",
    "restore": "backup_cmds",
    "read-id": "idcard_cmds",
}
_TOP_OPTIONS_WITH_VALUE = {"--data-dir"}


def _common_options(*, top: bool) -> argparse.ArgumentParser:
    # The options are accepted before and after the command; after it, an absent one must not
    # overwrite what was given before it, hence SUPPRESS as the subcommands' default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="数据文件夹（默认为系统用户数据目录）",
        default=None if top else argparse.SUPPRESS,
    )
    common.add_argument(
        "--json",
        action="store_true",
        help="以 JSON 输出，供程序读取",
        default=False if top else argparse.SUPPRESS,
    )
    return common


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"app.cli.{name}")


def modules_for(argv: Sequence[str]) -> list[str]:
    """The command modules parsing `argv` needs: none for the window or --version, the one of
    the command asked for, every one for -h or a command this table does not know."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help"):
            return list(COMMAND_MODULES)
        if word in _TOP_OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            module = COMMAND_MODULE_OF.get(word)
            if module is None:
                return list(COMMAND_MODULES)
            return [module] if isinstance(module, str) else list(module)
    return []


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    """The parser, with the commands of `modules` (default: every command)."""
    argparse_zh.install()  # usage, -h and argparse's own errors in Chinese
    parser = argparse.ArgumentParser(
        prog="gjj-desk",
        description="住房公积金单位网厅客户端。不带命令时打开窗口。",
        parents=[_common_options(top=True)],
    )
    common = _common_options(top=False)
    parser.add_argument(
        "--version", action="version", version=f"gjj-desk {__version__}", help="显示版本号并退出"
    )
    parser.add_argument("--demo", action="store_true", help="演示模式打开窗口")
    parser.add_argument(
        "--smoke", action="store_true", help="打开窗口、输出自检信息后退出（安装包检查用）"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        _command_module(name).register(commands, common)
    return parser


def _use_utf8_console() -> None:
    # A Windows console may default to GBK; Chinese output must not crash a command.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def run(argv: list[str]) -> int:
    parser = build_parser(modules_for(argv))
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    if args.command is None:
        from app.views.qt_imports import use_plain_imports  # Qt only when the window is wanted

        use_plain_imports()  # before the window's modules are imported
        from app.views.application import run_gui

        if args.demo and not args.data_dir:
            # Demo data never mixes with a clerk's real units.
            paths.set_data_dir(paths.data_dir() / "demo")

        return run_gui(demo=args.demo, smoke=args.smoke)
    _use_utf8_console()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.handler(args)
    except BadInputError as exc:
        error(exc.message)
        return EXIT_BAD_INPUT
    except KnownError as exc:
        error(exc.message)
        return EXIT_TROUBLE
    except Exception as exc:
        from app.services.store import storage_trouble

        trouble = storage_trouble(exc)  # the disk or the database file, met outside a service
        if trouble is None:
            raise
        error(trouble.message)
        return EXIT_TROUBLE
    return code
