"""The local store when its own disk is in trouble: a damaged file, a full disk, a read-only
folder, files others could read. What the clerk (or a script) sees: a Chinese message that
says what to do, exit code 2, and no traceback carrying anybody's ID number.

Where a real full or read-only disk cannot be had portably, the failure is made at SQLite's
boundary: the error SQLite raises there (same class, code and text) and the free space the
operating system reports.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from app import paths
from app.cli import run
from app.errors import DatabaseCorruptError, StorageError
from app.services import store as store_module
from app.services.context import AppServices
from app.services.store import Store

ID = "410203199001011234"


def _filled_database(path: Path) -> None:
    """A real store with enough rows for many pages, closed (the WAL folded into the file)."""
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE filler (id_number TEXT, blob BLOB)")
        conn.executemany(
            "INSERT INTO filler VALUES (?, randomblob(600))", [(ID,) for _ in range(400)]
        )
    conn.close()
    assert not path.with_name(path.name + "-wal").exists()


def _damage_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"this is not sqlite at all")


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _scribble_pages(path: Path) -> None:
    rng = random.Random(15)  # seeded: the same pages are damaged every run
    data = bytearray(path.read_bytes())
    page = 4096
    for number in (6, 20, 40):
        data[number * page : (number + 1) * page] = rng.randbytes(page)
    path.write_bytes(bytes(data))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGES = {
    "damaged header": _damage_header,
    "truncated": _truncate,
    "random pages": _scribble_pages,
    "zero length": _empty,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_database_is_refused_with_what_to_do(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "db.sqlite3"
    _filled_database(path)
    DAMAGES[damage](path)
    before = path.read_bytes()

    with pytest.raises(DatabaseCorruptError) as caught:
        Store.open(path)

    message = caught.value.message
    assert "已损坏" in message and str(path) in message
    assert "backups" in message and "restore" in message  # the two ways back
    assert path.read_bytes() == before  # never "repaired" into an empty database


@pytest.mark.parametrize("damage", DAMAGES)
def test_every_command_on_a_damaged_database_exits_2_without_a_traceback(
    data_dir: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    path = paths.database_path()
    _filled_database(path)
    DAMAGES[damage](path)

    code = run(["status"])

    err = capsys.readouterr().err
    assert code == 2
    assert "已损坏" in err and "Traceback" not in err
    assert ID not in err


def test_sql_errors_never_carry_the_row_values(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(OperationalError) as caught, store.engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO no_such_table VALUES (?)", (ID,))
    finally:
        store.close()

    assert ID not in str(caught.value)


# -- a full disk, a read-only folder ------------------------------------------------------------


def _sqlite_error(text: str, code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


def _failing_connect(error: sqlite3.Error) -> Any:
    def connect(_dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        raise error

    return connect


class _Usage:
    def __init__(self, free: int) -> None:
        self.total, self.used, self.free = 1 << 30, (1 << 30) - free, free


def test_a_full_disk_at_start_says_disk_full_not_disk_io_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What SQLite raises with 0 bytes free: it cannot size the WAL's shared-memory file.
    error = _sqlite_error("disk I/O error", 4874, "SQLITE_IOERR_SHMSIZE")
    monkeypatch.setattr(store_module, "_on_connect", _failing_connect(error))
    monkeypatch.setattr("app.errors.shutil.disk_usage", lambda _path: _Usage(0))

    code = run(["status"])

    err = capsys.readouterr().err
    assert code == 2
    assert "磁盘空间不足" in err and "disk I/O error" not in err


def test_a_disk_io_error_with_space_left_is_not_called_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _sqlite_error("disk I/O error", 778, "SQLITE_IOERR_WRITE")
    monkeypatch.setattr(store_module, "_on_connect", _failing_connect(error))

    with pytest.raises(StorageError) as caught:
        Store.open(tmp_path / "db.sqlite3")

    assert "磁盘空间不足" not in caught.value.message
    assert "读写失败" in caught.value.message
    # A first start that failed leaves no empty file to be taken for a database next time.
    assert not (tmp_path / "db.sqlite3").exists()


def test_a_write_refused_by_a_full_disk_says_so_and_keeps_the_data(tmp_path: Path) -> None:
    # SQLite's own limit makes a real SQLITE_FULL: the same error as a full disk.
    store = Store.open(tmp_path / "db.sqlite3")
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    store.engine.dispose()
    from sqlalchemy import event

    event.listen(
        store.engine,
        "connect",
        lambda dbapi, _r: dbapi.execute(f"PRAGMA max_page_count={pages + 2}"),
    )
    from app.models import Unit

    with pytest.raises(StorageError) as caught, store.session() as session:
        for n in range(2000):
            session.add(Unit(code=f"{n:06d}", name="单位" * 200))
    store.close()

    assert "磁盘空间不足" in caught.value.message


def test_a_read_only_data_folder_says_it_is_about_permissions(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root here and in CI, and root writes through chmod: the folder's refusal is
    # what the operating system reports (os.access), SQLite's error is the one it gives then.
    error = _sqlite_error("unable to open database file", 14, "SQLITE_CANTOPEN")
    monkeypatch.setattr(store_module, "_on_connect", _failing_connect(error))
    real_access = os.access
    monkeypatch.setattr(
        "app.errors.os.access",
        lambda path, mode: False if Path(path) == data_dir else real_access(path, mode),
    )

    code = run(["status"])

    err = capsys.readouterr().err
    assert code == 2
    assert "权限" in err and str(data_dir) in err


# -- files only their owner can read -----------------------------------------------------------


def test_the_data_folder_database_and_logs_are_private(data_dir: Path) -> None:
    from app.logging_setup import setup_logging

    previous = os.umask(0o022)  # the usual umask, under which files come out 0644
    try:
        services = AppServices.open()
        services.close()
        log = setup_logging(console=False)
    finally:
        os.umask(previous)
        _remove_log_handlers()

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(data_dir) == 0o700
    assert mode(paths.database_path()) == 0o600
    assert mode(log) == 0o600 and mode(log.parent) == 0o700
    assert mode(paths.attachments_dir("100001")) == 0o700


def test_a_folder_and_database_an_older_client_left_open_are_tightened(data_dir: Path) -> None:
    Store.open(paths.database_path()).close()
    data_dir.chmod(0o755)
    paths.database_path().chmod(0o644)

    AppServices.open().close()

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.database_path().stat().st_mode) == 0o600


def _remove_log_handlers() -> None:
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_gjj_desk", False):
            root.removeHandler(handler)
            handler.close()


def test_a_full_disk_met_outside_the_store_still_exits_2_with_the_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(_self: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(data_dir / "settings.json"))

    monkeypatch.setattr("app.services.units.UnitService.current", no_space)

    code = run(["status"])

    err = capsys.readouterr().err
    assert code == 2
    assert "磁盘空间不足" in err and "Traceback" not in err


def test_scanned_pages_and_their_pdf_are_private(services: AppServices, tmp_path: Path) -> None:
    from PIL import Image

    from app.services.attachments import AttachmentService
    from app.services.businesses import SPECS
    from app.services.engine.pending import PendingLists

    unit = services.units.add("100001", "开封市示范机械厂")
    policy = services.units.policy(unit.id)
    pending = PendingLists(services.store, SPECS["open-account"], unit.id, lambda: policy)
    attachments = AttachmentService(services.store, unit.id)
    scan = tmp_path / "scan.png"
    Image.new("RGB", (300, 200), "white").save(scan)
    previous = os.umask(0o022)
    try:
        pages = attachments.pages_of(pending.list_id(), "身份证复印件")
        pages.import_files([scan])
        document = attachments.build("open-account", pending.list_id(), "身份证复印件", policy)
    finally:
        os.umask(previous)

    assert document is not None
    page_files = [pages.path(page) for page in pages.pages()]
    assert [stat.S_IMODE(p.stat().st_mode) for p in page_files] == [0o600]
    assert stat.S_IMODE(Path(document.path).stat().st_mode) == 0o600
