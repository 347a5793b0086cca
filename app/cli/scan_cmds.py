"""`scanners` and `scan`: check a scanner from the command line (for a clerk's IT helper).

    gjj-desk scanners [--json]
    gjj-desk scan --device test:0 [--source adf] [--dpi 300] [--mode gray] -o out.pdf

Progress goes to stderr. A jam, an empty feeder, a busy or vanished scanner exits 2 with the
Chinese message; the pages scanned before it are still made into the PDF and named.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.cli.output import error, print_json, print_table
from app.errors import BadInputError
from app.services.documents import build_pdf, human_size
from app.services.scanning import (
    ColourMode,
    DeviceInfo,
    ScanFailedError,
    ScanSettings,
    Source,
    default_scanner,
)

EXIT_TROUBLE = 2
SOURCES = {"flatbed": Source.FLATBED, "adf": Source.ADF}
MODES = {"color": ColourMode.COLOUR, "gray": ColourMode.GREY, "bw": ColourMode.BLACK_WHITE}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("scanners", parents=[common], help="列出本机的扫描仪")
    listing.add_argument("--watch-folder", type=Path, help="同时列出该扫描文件夹")
    listing.set_defaults(handler=list_scanners)
    scan = commands.add_parser("scan", parents=[common], help="用扫描仪扫描为一个 PDF")
    scan.add_argument("--device", required=True, help="扫描仪编号（见 gjj-desk scanners）")
    scan.add_argument(
        "--source", choices=sorted(SOURCES), default="flatbed", help="平板或自动进纸器"
    )
    scan.add_argument("--dpi", type=int, default=300, help="分辨率（默认 300）")
    scan.add_argument("--mode", choices=sorted(MODES), default="color", help="彩色、灰度或黑白")
    scan.add_argument("--duplex", action="store_true", help="双面（扫描仪支持时）")
    scan.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="直接交给扫描驱动的选项，可重复（如 SANE 的 test-picture=Grid）",
    )
    scan.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    scan.set_defaults(handler=scan_to_pdf)


def _device_json(device: DeviceInfo) -> dict[str, Any]:
    return {
        "id": device.id,
        "vendor": device.vendor,
        "model": device.model,
        "kind": device.kind,
        "sources": [s.value for s in device.sources],
        "resolutions": device.resolutions,
        "modes": [m.value for m in device.modes],
        "duplex": device.duplex,
    }


def list_scanners(args: argparse.Namespace) -> int:
    devices = default_scanner(watch_folder=args.watch_folder).list_devices()
    if args.json:
        print_json([_device_json(d) for d in devices])
        return 0
    if not devices:
        print("未找到扫描仪：请检查连接、电源和驱动（Linux 上需要 SANE）。")
        return 0
    rows = [
        (
            d.id,
            d.display_name,
            "、".join(s.label for s in d.sources) or "-",
            _dpi_text(d.resolutions),
            "、".join(m.label for m in d.modes) or "-",
            "是" if d.duplex else "否",
        )
        for d in devices
    ]
    print_table(["编号", "扫描仪", "来源", "分辨率", "色彩", "双面"], rows)
    return 0


def _dpi_text(resolutions: list[int]) -> str:
    if not resolutions:
        return "-"
    if len(resolutions) > 4:
        return f"{resolutions[0]}–{resolutions[-1]} dpi"
    return "/".join(str(r) for r in resolutions) + " dpi"


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise BadInputError(f"选项“{pair}”应写成 名称=值。")
        options[name] = value
    return options


def scan_to_pdf(args: argparse.Namespace) -> int:
    settings = ScanSettings(
        device_id=args.device,
        source=SOURCES[args.source],
        dpi=args.dpi,
        mode=MODES[args.mode],
        duplex=args.duplex,
        extra_options=_options(args.option),
    )
    out: Path = args.output
    work = Path(tempfile.mkdtemp(prefix="gjj-scan-"))
    count = 0

    def on_page(_page: Path) -> None:
        nonlocal count
        count += 1
        print(f"已扫描 {count} 页…", file=sys.stderr, flush=True)

    trouble: ScanFailedError | None = None
    try:
        print(
            f"正在用 {args.device} 扫描（{settings.source.label}，{args.dpi} dpi）…",
            file=sys.stderr,
        )
        try:
            pages = default_scanner().scan(settings, work, on_page, lambda: False)
        except ScanFailedError as exc:
            trouble, pages = exc, exc.pages
        if pages:
            document = build_pdf(pages, out, mode=settings.mode, name=out.stem)
            summary = (
                f"{document.page_count} 页，{human_size(document.size)}，SHA-256 {document.sha256}"
            )
            if args.json and trouble is None:
                print_json(
                    {
                        "path": str(out),
                        "pages": document.page_count,
                        "size": document.size,
                        "sha256": document.sha256,
                    }
                )
            elif trouble is None:
                print(f"已保存 {out}：{summary}")
            else:
                print(
                    f"已扫描的 {document.page_count} 页已保存到 {out}（{summary}）", file=sys.stderr
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if trouble is not None:
        error(trouble.message)
        return EXIT_TROUBLE
    return 0
