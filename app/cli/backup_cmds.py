"""`backup -o FILE` and `restore FILE`: everything on this PC in one file, and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import paths
from app.cli.output import print_json
from app.cli.services import open_services
from app.services.backup import BackupInfo, BackupService, default_name, restore
from app.services.sizes import human_size


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="把本机数据（数据库、影像资料、设置）备份到一个文件",
        description="备份本机数据库、影像资料原件和设置（不含密码：密码只在系统钥匙串中）。"
        "客户端运行时也可以备份。",
    )
    backup.add_argument("-o", "--output", metavar="FILE", help=f"备份文件（默认 {default_name()}）")
    backup.set_defaults(handler=run_backup)
    back = commands.add_parser(
        "restore",
        parents=[common],
        help="从备份文件恢复本机数据（原有数据另存保留）",
        description="先完整检查备份文件，再把现有数据移到数据文件夹中的 replaced-时间 文件夹，"
        "然后恢复备份。请先关闭客户端窗口。",
    )
    back.add_argument("file", metavar="FILE", help="备份文件")
    back.set_defaults(handler=run_restore)


def _describe(info: BackupInfo) -> dict[str, Any]:
    return {
        "file": str(info.path),
        "created_at": info.created_at.isoformat(timespec="seconds"),
        "schema": info.schema,
        "files": info.files,
        "size": info.size,
    }


def run_backup(args: argparse.Namespace) -> int:
    out = Path(args.output or default_name()).expanduser().resolve()
    services = open_services()
    try:
        info = BackupService(services.store, services.settings).backup(out)
    finally:
        services.close()
    if args.json:
        print_json(_describe(info))
    else:
        print(f"已备份到 {info.path}（影像资料 {info.files} 个文件，共 {human_size(info.size)}）")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    result = restore(Path(args.file).expanduser().resolve(), paths.data_dir())
    if args.json:
        print_json({**_describe(result.backup), "replaced": result.replaced})
        return 0
    print(f"已恢复 {result.backup.created_at:%Y-%m-%d %H:%M} 的备份（{result.backup.path}）。")
    if result.replaced is not None:
        print(f"恢复前的数据已保存在 {result.replaced}。")
    return 0
