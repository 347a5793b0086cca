"""`make dist`: the one-folder bundle for this platform, then the setup program where NSIS exists.

    python installer/build.py            # dist/gjj-desk/ (+ the setup program)
    python installer/build.py --no-nsis  # the bundle only

On Windows the setup program is the real one: dist/gjj-desk-setup-<version>.exe. Elsewhere the
bundle is a Linux (or macOS) one, so the script is compiled against it only to prove that it
compiles, uncompressed, into build/nsis-check/ — never into dist/, where it could be mistaken
for a Windows installer.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "gjj-desk.spec"
NSI = ROOT / "installer" / "gjj-desk.nsi"
DIST = ROOT / "dist"
BUNDLE = DIST / "gjj-desk"
CHECK_DIR = ROOT / "build" / "nsis-check"
WINDOWS = sys.platform == "win32"


def version() -> str:
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    if found is None:
        raise SystemExit("app/__init__.py has no __version__")
    return found.group(1)


def folder_size(folder: Path) -> int:
    """Bytes on disk (a symlinked Qt library is counted once)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build_bundle() -> None:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"), str(SPEC),
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    size = folder_size(BUNDLE) / 2**20
    print(f"bundle: {BUNDLE} {size:.0f} MB, built in {time.monotonic() - started:.0f} s")


def setup_program_path() -> Path:
    """Where the setup program is written (a check-only copy outside Windows)."""
    folder = DIST if WINDOWS else CHECK_DIR
    return folder / f"gjj-desk-setup-{version()}.exe"


def compile_installer(makensis: str) -> Path:
    """Compile installer/gjj-desk.nsi against dist/gjj-desk; the setup program's path."""
    target = setup_program_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [
        makensis, "-V2", "-INPUTCHARSET", "UTF8",
        f"-DVERSION={version()}", f"-DBUNDLE_DIR={BUNDLE}", f"-DOUTDIR={target.parent}",
    ]  # fmt: skip
    if not WINDOWS:
        command.append("-DCOMPRESSION=off")  # only proving that it compiles: no need to wait
    started = time.monotonic()
    subprocess.run([*command, str(NSI)], check=True, cwd=ROOT)
    size = target.stat().st_size / 2**20
    print(f"setup program: {target} {size:.0f} MB, compiled in {time.monotonic() - started:.0f} s")
    return target


def find_makensis() -> str | None:
    """makensis on PATH, or where NSIS's own installer (and choco) puts it on Windows."""
    found = shutil.which("makensis")
    if found is None and WINDOWS:
        for variable in ("ProgramFiles(x86)", "ProgramFiles"):
            candidate = Path(os.environ.get(variable, "")) / "NSIS" / "makensis.exe"
            if candidate.is_file():
                return str(candidate)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-nsis", action="store_true", help="build the bundle only")
    args = parser.parse_args(argv)
    build_bundle()
    if args.no_nsis:
        return 0
    makensis = find_makensis()
    if makensis is None:
        print("makensis not found (apt-get install nsis): setup program not compiled")
        return 0
    compile_installer(makensis)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
