"""`make dist-check` (after `make dist`): the bundle starts, shows the window, and is the same app.

1. The bundle's `gjj-desk-cli --smoke` starts offscreen over a fresh data folder, shows the main
   window, opens the database at the current revision and exits 0; its start time is printed.
2. The bundle and the source tree agree on the version, the default data folder, the keyring
   service and backend: an upgrade from a source install (or the other way) finds the same data
   and the same saved logins. Qt's zh_CN translation is in the bundle; fundserver is not imported.
3. Demo mode works from the bundle: `gjj-desk -m fundserver serve --port 0` answers.
4. The bundle's size and, where NSIS exists, the compiled setup program are printed.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import BUNDLE, find_makensis, folder_size, setup_program_path, version  # noqa: E402

SAME_FROM_SOURCE_AND_BUNDLE = (
    "version",
    "default data folder",
    "keyring service",
    "keyring backend",
)
SMOKE_TIMEOUT_S = 180  # a cold start on a loaded 2-core machine; the check is not a benchmark
SERVER_TIMEOUT_S = 120


def program(name: str) -> Path:
    return BUNDLE / (f"{name}.exe" if sys.platform == "win32" else name)


def smoke(command: list[str], data_dir: Path) -> tuple[dict[str, str], float]:
    """Run `… --smoke`; its `key: value` lines and the wall time it took."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.monotonic()
    done = subprocess.run(
        [*command, "--smoke", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    took = time.monotonic() - started
    facts = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    if done.returncode != 0 or facts.get("smoke") != "OK":
        print(done.stdout, done.stderr[-4000:], sep="\n")
        raise SystemExit(f"FAIL: {command[0]} --smoke exited {done.returncode}")
    return facts, took


def check_demo_server(data_dir: Path) -> None:
    """The bundle runs the demo centre the way demo mode starts it (fundserver/process.py).

    Through the windowed program, as in demo mode: sys.executable is the program the clerk
    started (on Windows the one without a console, whose output must still reach the pipe).
    """
    folder = data_dir / "demo-centre"
    folder.mkdir(parents=True)
    server = subprocess.Popen(
        [
            str(program("gjj-desk")), "-m", "fundserver", "serve", "--port", "0",
            "--seed", "demo", "--database", f"sqlite:///{folder / 'centre.db'}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    stdout = server.stdout
    assert stdout is not None
    reader = threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=SERVER_TIMEOUT_S)  # it prints its address first, then serves
    except queue.Empty:
        first = ""
    finally:
        server.kill()
        _, err = server.communicate(timeout=SERVER_TIMEOUT_S)
    if not first.startswith("fundserver listening on http://127.0.0.1:"):
        print(err[-4000:])
        raise SystemExit(f"FAIL: demo centre did not start from the bundle: {first!r}")
    print(f"demo centre from the bundle: {first.strip()}")


def main() -> int:
    if not program("gjj-desk-cli").is_file():
        raise SystemExit(f"FAIL: no bundle at {BUNDLE}; run `make dist` first")
    scratch = Path(tempfile.mkdtemp(prefix="gjj-dist-check-"))
    try:
        bundled, took = smoke([str(program("gjj-desk-cli"))], scratch / "bundle")
        source, _ = smoke([sys.executable, "-m", "app"], scratch / "source")
        check_demo_server(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    problems = [
        f"{key}: bundle {bundled.get(key)!r} != source {source.get(key)!r}"
        for key in SAME_FROM_SOURCE_AND_BUNDLE
        if bundled.get(key) != source.get(key)
    ]
    if bundled.get("version") != version():
        problems.append(f"version {bundled.get('version')!r} != {version()!r}")
    if not bundled.get("qt translation file", "").endswith("(present)"):
        problems.append(f"Qt's Chinese translation missing: {bundled.get('qt translation file')}")
    if bundled.get("fundserver imported") != "no":
        problems.append("fundserver imported outside demo mode")
    for key in (
        "version",
        "window",
        "default data folder",
        "keyring service",
        "keyring backend",
        "qt translation file",
        "qt texts in chinese",
        "font",
    ):
        print(f"bundle {key}: {bundled.get(key)}")
    print(f"bundle size: {folder_size(BUNDLE) / 2**20:.0f} MB")
    print(
        f"bundle start: {took:.1f} s to window shown and exit ({bundled['start seconds']} s in app)"
    )
    installer = setup_program_path()
    if installer.is_file():
        print(f"setup program compiled: {installer} ({installer.stat().st_size / 2**20:.0f} MB)")
    elif find_makensis() or os.environ.get("CI"):
        problems.append(f"setup program not compiled: {installer}")
    if problems:
        print("\n".join(f"FAIL: {p}" for p in problems))
        return 1
    print("dist-check: OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
