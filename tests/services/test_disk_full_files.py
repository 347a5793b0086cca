"""Files on a full disk: a PDF write that runs out of space leaves nothing behind, and a PDF
whose row the database could not record is removed, not left unknown in the unit's folder.

ENOSPC is made at the operating-system boundary (the fsync that reports it), as a real full
disk does; the database's refusal is the error the store raises for a full disk.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from app.errors import StorageError, disk_full_message
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.documents import build_pdf
from app.services.engine.pending import PendingLists

ID_CARD = "身份证复印件"


def _png(path: Path) -> Path:
    Image.new("RGB", (300, 200), "white").save(path)
    return path


def _no_space(_fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_pdf_that_does_not_fit_on_the_disk_says_so_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "docs" / "material.pdf"
    monkeypatch.setattr("app.services.documents.os.fsync", _no_space)

    with pytest.raises(StorageError) as caught:
        build_pdf([_png(tmp_path / "page.png")], out)

    assert "磁盘空间不足" in caught.value.message
    assert list(out.parent.iterdir()) == []  # no half-written temporary file


def test_a_pdf_the_database_could_not_record_is_removed(
    services: AppServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = services.units.add("100001", "开封市示范机械厂")
    service = AttachmentService(services.store, unit.id)
    policy = services.units.policy(unit.id)
    pending = PendingLists(services.store, SPECS["open-account"], unit.id, lambda: policy)
    list_id = pending.list_id()
    folder = service.list_folder(list_id)
    real_session = services.store.session

    @contextmanager
    def full_disk_session() -> Iterator[Session]:
        with real_session() as session:
            yield session
            if session.new:  # a write: the disk has no room for it
                session.rollback()
                raise StorageError(disk_full_message(services.store.path))

    monkeypatch.setattr(services.store, "session", full_disk_session)

    with pytest.raises(StorageError, match="磁盘空间不足"):
        service.add("open-account", list_id, ID_CARD, [_png(tmp_path / "page.png")], policy)

    monkeypatch.undo()
    assert service.for_list(list_id) == []
    assert not folder.exists() or list(folder.glob("*.pdf")) == []
