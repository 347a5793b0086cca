"""SANE through the `scanimage` command (Linux, macOS, BSD).

`scanimage` rather than python-sane: no C build step, and `--batch` already handles feeders.
Each call is a fresh process, so a device is reopened for every scan (SANE's test device
carries its feeder count over within one session). SANE_CONFIG_DIR is honoured as SANE does,
because the environment is passed through untouched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.services.scanning.base import (
    CancelCheck,
    ColourMode,
    DeviceInfo,
    PageCallback,
    ScanFailedError,
    ScanSettings,
    Source,
)
from app.services.scanning.sane_run import BatchRun

logger = logging.getLogger(__name__)

# Resolutions offered when a device gives a continuous range rather than a list.
COMMON_DPI = (75, 100, 150, 200, 240, 300, 400, 600, 1200)
LIST_TIMEOUT_SECONDS = 60.0

# SANE_Status codes; scanimage exits with the status of the failing call.
_STATUS_BY_CODE = {
    2: "CANCELLED",
    3: "DEVICE_BUSY",
    4: "INVAL",
    6: "JAMMED",
    7: "NO_DOCS",
    8: "COVER_OPEN",
    9: "IO_ERROR",
    10: "NO_MEM",
    11: "ACCESS_DENIED",
}
# The text sane_strstatus() gives, for when the exit code alone does not tell.
_STATUS_BY_TEXT = {
    "Document feeder jammed": "JAMMED",
    "Document feeder out of documents": "NO_DOCS",
    "Scanner cover is open": "COVER_OPEN",
    "Device busy": "DEVICE_BUSY",
    "Error during device I/O": "IO_ERROR",
    "Out of memory": "NO_MEM",
    "Access to resource has been denied": "ACCESS_DENIED",
    "Operation was canceled": "CANCELLED",
}
_MESSAGES = {
    "JAMMED": "扫描仪卡纸：请打开进纸器取出卡住的纸张后重新扫描。",
    "NO_DOCS": "进纸器无纸：请在自动进纸器中放入要扫描的纸张。",
    "COVER_OPEN": "扫描仪盖板打开：请合上盖板后重新扫描。",
    "DEVICE_BUSY": "扫描仪设备忙：可能有其他程序正在使用它，请稍后再试。",
    "NO_DEVICE": "扫描仪不存在或已断开：请检查连接和电源，然后刷新设备列表。",
    "IO_ERROR": "与扫描仪通信出错：请检查连接线和电源后重试。",
    "NO_MEM": "扫描仪内存不足：请降低分辨率或改用灰度后重试。",
    "ACCESS_DENIED": "没有使用该扫描仪的权限：请联系电脑管理员。",
    "CANCELLED": "扫描已被扫描仪取消。",
    "INVAL": "扫描仪不接受所选的扫描参数：请换一个来源、分辨率或色彩模式。",
    "NOT_INSTALLED": "未安装 SANE 扫描程序（scanimage）：请安装 sane-utils 后重试。",
    "STALLED": "扫描仪 {seconds} 秒没有响应，已停止本次扫描：请检查扫描仪是否卡纸、"
    "盖板是否合上、连接线和电源是否正常，然后重新扫描。",
    "UNKNOWN": "扫描失败：{detail}",
}


@dataclass(frozen=True)
class _DeviceOptions:
    """What `scanimage -A` says a device offers, with the device's own names for them."""

    sources: dict[Source, str]
    resolutions: list[int]
    modes: dict[ColourMode, str]
    has_duplex_option: bool


class SaneScanner:
    """Scanners SANE sees, driven by the `scanimage` command."""

    kind = "sane"

    def __init__(self, scanimage: str | os.PathLike[str] | None = None) -> None:
        self._scanimage = str(scanimage) if scanimage is not None else None

    # -- devices -----------------------------------------------------------------------------

    def executable(self) -> str | None:
        """The scanimage program, or None when SANE is not installed."""
        if self._scanimage is not None:
            return self._scanimage if Path(self._scanimage).exists() else None
        return shutil.which("scanimage")

    def list_devices(self) -> list[DeviceInfo]:
        """Every device SANE finds, with its options; empty when there is none or no SANE."""
        exe = self.executable()
        if exe is None:
            return []
        fmt = "%d\t%v\t%m\t%t%n"
        try:
            result = subprocess.run(
                [exe, f"--formatted-device-list={fmt}"],
                capture_output=True,
                text=True,
                timeout=LIST_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            logger.warning("scanimage -L failed: %s", exc)
            return []
        devices = []
        for line in result.stdout.splitlines():
            parts = line.split("\t")
            if len(parts) < 4 or not parts[0]:
                continue
            device_id, vendor, model, _type = parts[:4]
            try:
                options = self._read_options(device_id)
            except ScanFailedError as exc:
                logger.warning("cannot read options of %s: %s", device_id, exc)
                options = _DeviceOptions({}, [], {}, has_duplex_option=False)
            devices.append(
                DeviceInfo(
                    id=device_id,
                    vendor=vendor,
                    model=model,
                    kind=self.kind,
                    sources=list(options.sources),
                    resolutions=options.resolutions,
                    modes=list(options.modes),
                    duplex=Source.ADF_DUPLEX in options.sources or options.has_duplex_option,
                )
            )
        return devices

    def _read_options(
        self, device_id: str, timeout: float = LIST_TIMEOUT_SECONDS
    ) -> _DeviceOptions:
        exe = self._require_executable()
        try:
            result = subprocess.run(
                [exe, "-d", device_id, "-A"],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ScanFailedError(_MESSAGES["DEVICE_BUSY"], code="DEVICE_BUSY") from exc
        if result.returncode != 0:
            raise _failure(result.returncode, result.stderr, [])
        return parse_options(result.stdout)

    def _require_executable(self) -> str:
        exe = self.executable()
        if exe is None:
            raise ScanFailedError(_MESSAGES["NOT_INSTALLED"], code="NOT_INSTALLED")
        return exe

    # -- scanning ----------------------------------------------------------------------------

    def scan(
        self,
        settings: ScanSettings,
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
    ) -> list[Path]:
        """Scan with `scanimage --batch`; a feeder runs until empty, a flatbed gives one page."""
        exe = self._require_executable()
        options = self._read_options(settings.device_id, settings.stall_seconds)
        out_dir.mkdir(parents=True, exist_ok=True)
        command = [exe, *build_arguments(settings, options, out_dir)]
        if cancelled():  # cancelled while the options were being read: start nothing
            return []
        logger.info("scanning: %s", " ".join(command))
        run = BatchRun(
            command, out_dir, on_page, cancelled, settings.stall_seconds, _MESSAGES["NOT_INSTALLED"]
        )
        returncode, stderr = run.wait()
        pages = run.pages
        if run.stalled:
            raise _stalled(settings.stall_seconds, pages)
        if run.was_cancelled:
            logger.info("scan cancelled after %d page(s)", len(pages))
            return pages
        status = _status_of(returncode, stderr)
        if status is None:
            if not pages:
                # scanimage reports success for a feeder that had no paper at all.
                raise ScanFailedError(_MESSAGES["NO_DOCS"], pages=pages, code="NO_DOCS")
            return pages
        if status == "NO_DOCS" and pages and settings.source.is_feeder:
            return pages  # the feeder ran empty after the last page: the normal end of a batch
        raise _failure(returncode, stderr, pages)


def build_arguments(settings: ScanSettings, options: _DeviceOptions, out_dir: Path) -> list[str]:
    """The scanimage arguments for one scan (without the program name)."""
    args = ["-d", settings.device_id]
    source = settings.source
    if settings.duplex and source is Source.ADF and Source.ADF_DUPLEX in options.sources:
        source = Source.ADF_DUPLEX
    if source in options.sources:
        args += ["--source", options.sources[source]]
    elif source is not Source.FLATBED or options.sources:
        raise ScanFailedError(f"该扫描仪没有“{source.label}”：请换一个扫描来源。", code="INVAL")
    if settings.duplex and source is Source.ADF and options.has_duplex_option:
        args.append("--duplex=yes")
    mode = settings.mode
    if mode is ColourMode.BLACK_WHITE and mode not in options.modes:
        mode = ColourMode.GREY  # scan grey; the document step makes it black and white
    if mode in options.modes:
        args += ["--mode", options.modes[mode]]
    args += ["--resolution", str(settings.dpi)]
    for name, value in settings.extra_options.items():
        name = name.lstrip("-")
        if len(name) == 1:  # geometry: -x, -y, -l, -t
            args += [f"-{name}", value]
        else:  # `--name=value` is the only form boolean options accept
            args.append(f"--{name}={value}" if value != "" else f"--{name}")
    args += ["--format=png", f"--batch={out_dir / 'page-%04d.png'}", "--batch-print"]
    if not source.is_feeder:
        args.append("--batch-count=1")
    return args


def _stalled(seconds: float, pages: list[Path]) -> ScanFailedError:
    message = _MESSAGES["STALLED"].format(seconds=f"{seconds:g}")
    if pages:
        message += f"已扫描的 {len(pages)} 页已保留。"
    return ScanFailedError(message, pages=pages, code="STALLED")


def _status_of(returncode: int, stderr: str) -> str | None:
    """The SANE status a scan ended with, or None for success."""
    for text, status in _STATUS_BY_TEXT.items():
        if text in stderr:
            return status
    if returncode == 0:
        return None
    if "open of device" in stderr:
        return "NO_DEVICE"
    return _STATUS_BY_CODE.get(returncode, "UNKNOWN")


def _failure(returncode: int, stderr: str, pages: list[Path]) -> ScanFailedError:
    status = _status_of(returncode, stderr) or "UNKNOWN"
    if status == "UNKNOWN" and "setting of option" in stderr:
        status = "INVAL"
    detail = stderr.strip().splitlines()[-1] if stderr.strip() else f"scanimage 退出码 {returncode}"
    message = _MESSAGES[status].format(detail=detail)
    if pages:
        message += f"已扫描的 {len(pages)} 页已保留。"
    logger.warning("scan failed (%s, exit %d): %s", status, returncode, stderr.strip())
    return ScanFailedError(message, pages=pages, code=status)


# -- parsing `scanimage -A` ------------------------------------------------------------------

_OPTION_LINE = re.compile(r"^\s+(--?[\w-]+)(?:\[=\((?P<bool>[^)]*)\)\])?\s*(?P<rest>.*)$")


def parse_options(text: str) -> _DeviceOptions:
    """Sources, resolutions and modes from the option list `scanimage -A` prints."""
    sources: dict[Source, str] = {}
    modes: dict[ColourMode, str] = {}
    resolutions: list[int] = []
    has_duplex = False
    for line in text.splitlines():
        match = _OPTION_LINE.match(line)
        if not match:
            continue
        name, rest = match.group(1), match.group("rest")
        if "[inactive]" in rest:
            continue
        choices = _choices(rest)
        if name == "--source":
            for choice in choices:
                kind = classify_source(choice)
                if kind is not None:
                    sources.setdefault(kind, choice)
        elif name == "--mode":
            for choice in choices:
                mode = classify_mode(choice)
                if mode is not None:
                    modes.setdefault(mode, choice)
        elif name == "--resolution":
            resolutions = _resolutions(rest)
        elif name == "--duplex" and match.group("bool") is not None:
            has_duplex = True
    return _DeviceOptions(sources, resolutions, modes, has_duplex)


def _choices(rest: str) -> list[str]:
    """The `a|b|c` list of an option, without its current value in brackets."""
    values = rest.rsplit(" [", 1)[0].strip()
    if "|" not in values:
        return [values] if values and not values.startswith("<") else []
    return [choice.strip() for choice in values.split("|")]


def _resolutions(rest: str) -> list[int]:
    values = rest.rsplit(" [", 1)[0]
    values = re.sub(r"\s*\(in steps of [^)]*\)", "", values).replace("dpi", "").strip()
    range_match = re.fullmatch(r"([\d.]+)\.\.([\d.]+)", values)
    if range_match:
        low, high = float(range_match.group(1)), float(range_match.group(2))
        return [dpi for dpi in COMMON_DPI if low <= dpi <= high]
    found = []
    for part in values.split("|"):
        with contextlib.suppress(ValueError):
            found.append(round(float(part)))
    return sorted(set(found))


def classify_source(name: str) -> Source | None:
    """Our kind for one of a driver's many source names ("ADF Duplex", "Platen", …)."""
    lowered = name.lower()
    if "duplex" in lowered or "both" in lowered:
        return Source.ADF_DUPLEX
    if any(word in lowered for word in ("adf", "feeder", "automatic")):
        return Source.ADF
    if any(word in lowered for word in ("flatbed", "platen", "normal", "document table")):
        return Source.FLATBED
    return None


def classify_mode(name: str) -> ColourMode | None:
    lowered = name.lower()
    if "color" in lowered or "colour" in lowered:
        return ColourMode.COLOUR
    if "gray" in lowered or "grey" in lowered:
        return ColourMode.GREY
    if any(word in lowered for word in ("lineart", "binary", "black", "halftone", "mono")):
        return ColourMode.BLACK_WHITE
    return None
