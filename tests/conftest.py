"""Settings every test shares: offscreen Qt, a private data folder, an in-memory keyring."""

from __future__ import annotations

import os
import shutil

# Qt reads this when the QApplication is made; it must be set before pytest-qt makes one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import pytest  # noqa: E402

from app import paths  # noqa: E402
from app.services.context import AppServices  # noqa: E402
from app.views.qt_support import favour_the_window_thread  # noqa: E402

# Widgets are tested with the interpreter shared as the client shares it (run_gui).
favour_the_window_thread()


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends (no desktop session here)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test writes into its own data folder, never the user's."""
    folder = tmp_path / "data"
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(folder))
    paths.set_data_dir(None)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def services(data_dir: Path) -> Iterator[AppServices]:
    """The client's real services over a fresh database in the test's data folder."""
    opened = AppServices.open()
    yield opened
    opened.close()


@pytest.fixture
def unit_id(services: AppServices) -> int:
    """The unit most tests work for (a module may define its own, with other data)."""
    return services.units.add("100001", "开封市示范机械厂").id


@pytest.fixture
def sane_test_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """SANE's real `test` device, enabled through SANE_CONFIG_DIR (never /etc); its id."""
    if shutil.which("scanimage") is None:
        message = "scanimage is not installed (apt-get install sane-utils libsane1)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: missing there is a setup bug, not a skip
        pytest.skip(message)
    config = tmp_path / "sane.d"
    config.mkdir()
    (config / "dll.conf").write_text("test\n", encoding="ascii")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(config))
    _retry_the_test_backends_hang(tmp_path / "sane-bin", monkeypatch)
    return "test:0"


# SANE's test backend itself sometimes hangs (a futex wait that never returns) after a
# simulated read error: measured on these machines, 2–8 of 25 runs with --read-return-value
# (JAMMED, DEVICE_BUSY, IO_ERROR, COVER_OPEN, NO_DOCS alike), never without it. The product's
# answer to a hung driver is the stall watchdog, tested with a scanner that really hangs
# (test_sane_watchdog.py). The tests using the real device are about each fault's message, so
# a faulting run that the backend leaves hanging is killed and run again, up to three times;
# it produces no page (the fault is at the first read), so nothing is scanned twice.
RETRY_SCANIMAGE = """#!/bin/sh
case " $* " in *--read-return-value*) ;; *) exec "{real}" "$@";; esac
tries=1
while :; do
  "{timeout}" -s KILL {seconds} "{real}" "$@"
  code=$?
  if [ "$code" -ne 137 ] || [ "$tries" -ge 3 ]; then exit "$code"; fi
  echo "sane test backend hung; run $tries killed, trying again" >&2
  tries=$((tries + 1))
done
"""


def _retry_the_test_backends_hang(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real, timeout = shutil.which("scanimage"), shutil.which("timeout")
    assert real is not None and timeout is not None  # coreutils' timeout
    folder.mkdir()
    wrapper = folder / "scanimage"
    wrapper.write_text(
        RETRY_SCANIMAGE.format(real=real, timeout=timeout, seconds=20), encoding="ascii"
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
