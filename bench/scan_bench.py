"""A 10-page feeder scan at 300 dpi from SANE's test device to one finished PDF.

Prints the raw `scanimage --batch` time per page beside the time per page through the
product (SaneScanner.scan + build_pdf), and the PDF size per page. No assertions.
Sets up its own SANE_CONFIG_DIR (a temp folder whose dll.conf says `test`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.errors import BadInputError  # noqa: E402
from app.services.documents import build_pdf  # noqa: E402
from app.services.scanning import ColourMode, ScanSettings, Source  # noqa: E402
from app.services.scanning.sane import SaneScanner  # noqa: E402

PAGES = 10
DPI = 300
# The test device's largest area (200 × 200 mm), near an A4 page's width.
PICTURES = {"Color pattern": ColourMode.COLOUR, "Grid": ColourMode.GREY}


def _raw(exe: str, out: Path, picture: str, mode: str) -> float:
    out.mkdir()
    started = time.perf_counter()
    subprocess.run(
        [
            exe,
            "-d",
            "test:0",
            "--source",
            "Automatic Document Feeder",
            "--mode",
            mode,
            "--resolution",
            str(DPI),
            "--test-picture",
            picture,
            "-x",
            "200",
            "-y",
            "200",
            "--format=png",
            f"--batch={out / 'p%04d.png'}",
        ],
        check=False,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    count = len(list(out.glob("p*.png")))
    if count != PAGES:
        print(f"  raw scanimage gave {count} pages, expected {PAGES}")
    return elapsed


def main() -> int:
    exe = shutil.which("scanimage")
    if exe is None:
        print(
            "scanimage is not installed (apt-get install sane-utils libsane1); nothing to measure"
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        root = Path(tmp)
        config = root / "sane.d"
        config.mkdir()
        (config / "dll.conf").write_text("test\n", encoding="ascii")
        os.environ["SANE_CONFIG_DIR"] = str(config)
        print(f"{PAGES}-page feeder scan, {DPI} dpi, 200 × 200 mm, SANE test device")
        print(
            f"{'picture':<14}{'raw s/page':>11}{'scan s/page':>12}{'pdf s/page':>11}"
            f"{'total s/page':>13}{'PDF KB/page':>12}{'PNG KB/page':>12}"
        )
        for picture, colour in PICTURES.items():
            mode = "Color" if colour is ColourMode.COLOUR else "Gray"
            raw = _raw(exe, root / f"raw-{mode}", picture, mode)
            settings = ScanSettings(
                "test:0",
                Source.ADF,
                DPI,
                colour,
                extra_options={"test-picture": picture, "x": "200", "y": "200"},
            )
            started = time.perf_counter()
            pages = SaneScanner().scan(
                settings, root / f"scan-{mode}", lambda _: None, lambda: False
            )
            scanned = time.perf_counter()
            document = build_pdf(pages, root / f"{mode}.pdf")
            finished = time.perf_counter()
            png = sum(page.stat().st_size for page in pages) / len(pages) / 1024
            n = len(pages)
            print(
                f"{picture:<14}{raw / PAGES:>11.3f}{(scanned - started) / n:>12.3f}"
                f"{(finished - scanned) / n:>11.3f}{(finished - started) / n:>13.3f}"
                f"{document.size / n / 1024:>12.1f}{png:>12.1f}"
            )
            fit_started = time.perf_counter()
            try:
                limited = build_pdf(
                    pages, root / f"{mode}-1MB.pdf", max_bytes=1024 * 1024, target_dpi=200
                )
            except BadInputError as exc:
                print(f"{'':<14}with a 1 MB limit: refused: {exc.message}")
            else:
                print(
                    f"{'':<14}with a 1 MB limit: {limited.size / 1024:.0f} KB in all, "
                    f"{(time.perf_counter() - fit_started) / n:.3f} s/page to fit"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
