"""Pages kept per material, the material's PDF, and the cleanup of accepted originals."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.errors import BadInputError
from app.models import Attachment, OutboxItem, PendingList
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.material_pages import MaterialPages

BUSINESS = "open-account"
ID_CARD = "身份证复印件"


@pytest.fixture
def service(services: AppServices) -> AttachmentService:
    unit = services.units.add("100001", "开封市示范机械厂")
    return AttachmentService(services.store, unit.id)


def png(path: Path, colour: str = "white") -> Path:
    Image.new("RGB", (300, 200), colour).save(path)
    return path


def test_pages_keep_their_order_and_rotation_in_the_unit_folder(
    service: AttachmentService, data_dir: Path, tmp_path: Path
) -> None:
    pages = service.pages_of(1, ID_CARD)
    result = pages.import_files([png(tmp_path / "a.png"), png(tmp_path / "b.png")])
    assert [p.origin for p in result.added] == ["a.png", "b.png"] and result.refused == []
    assert pages.folder.is_relative_to(data_dir / "units" / "100001" / "attachments")

    turned = [pages.pages()[1].rotated(270), pages.pages()[0]]
    pages.replace(turned)
    again = MaterialPages(pages.folder, ID_CARD)  # as the next session reads it
    assert [(p.origin, p.rotation) for p in again.pages()] == [("b.png", 270), ("a.png", 0)]


def test_a_bad_file_is_refused_by_name_and_the_rest_added(
    service: AttachmentService, tmp_path: Path
) -> None:
    empty_pdf = tmp_path / "empty.pdf"
    empty_pdf.write_bytes(b"%PDF-1.4\n% nothing\n")
    text = tmp_path / "readme.txt"
    text.write_text("hello", encoding="utf-8")
    result = service.pages_of(1, ID_CARD).import_files([text, png(tmp_path / "ok.png"), empty_pdf])
    assert [p.origin for p in result.added] == ["ok.png"]
    assert any("readme.txt" in m and "不是支持的格式" in m for m in result.refused)
    assert any("empty.pdf" in m for m in result.refused)


def _submitted(services: AppServices, service: AttachmentService, tmp_path: Path) -> int:
    """An attachment built from pages, then put in an outbox item; the attachment's id."""
    policy = services.units.policy(service.unit_id)
    service.pages_of(7, ID_CARD).import_files([png(tmp_path / "card.png")])
    with services.store.session() as session:
        session.add(PendingList(id=7, unit_id=service.unit_id, business=BUSINESS))
    info = service.build(BUSINESS, 7, ID_CARD, policy)
    assert info is not None
    with services.store.session() as session:
        session.add(
            OutboxItem(
                id=40,
                unit_id=service.unit_id,
                business=BUSINESS,
                idempotency_key="k40",
                list_id=7,
                rows=[],
                attachment_ids=[info.id],
            )
        )
    return info.id


def _upload(services: AppServices, attachment_id: int) -> None:
    with services.store.session() as session:
        session.get_one(Attachment, attachment_id).server_id = "srv-1"


def test_originals_are_kept_until_uploaded_and_accepted_then_removed_on_schedule(
    services: AppServices, service: AttachmentService, tmp_path: Path
) -> None:
    attachment_id = _submitted(services, service, tmp_path)
    folder = service.pages_of(7, ID_CARD).folder
    accepted_at = datetime(2025, 3, 1, 9, 0)
    later = accepted_at + timedelta(days=31)

    # Accepted (say) but never uploaded: kept, whatever the date.
    (entry,) = service.kept_originals({40: accepted_at}, keep_days=30)
    assert entry.state == "待上传" and entry.delete_on is None and entry.bytes_on_disk > 0
    assert service.cleanup({40: accepted_at}, keep_days=30, now=later) == []
    assert folder.exists()

    _upload(services, attachment_id)
    (entry,) = service.kept_originals({}, keep_days=30)
    assert entry.state == "待审核"
    assert service.cleanup({}, keep_days=30, now=later) == []

    (entry,) = service.kept_originals({40: accepted_at}, keep_days=30)
    assert entry.state == "已通过" and entry.delete_on == datetime(2025, 3, 31).date()
    assert service.cleanup({40: accepted_at}, keep_days=30, now=later - timedelta(days=2)) == []
    assert folder.exists()

    removed = service.cleanup({40: accepted_at}, keep_days=30, now=later)
    assert [e.attachment_id for e in removed] == [attachment_id]
    assert not folder.exists()
    with services.store.session() as session:
        row = session.get_one(Attachment, attachment_id)
        assert not Path(row.path).exists() and row.sha256  # the record stays, files go
    (entry,) = service.kept_originals({40: accepted_at}, keep_days=30)
    assert entry.state == "已清理" and entry.bytes_on_disk == 0


def test_an_open_list_is_never_cleaned(
    services: AppServices, service: AttachmentService, tmp_path: Path
) -> None:
    policy = services.units.policy(service.unit_id)
    with services.store.session() as session:
        session.add(PendingList(id=3, unit_id=service.unit_id, business=BUSINESS))
    service.pages_of(3, ID_CARD).import_files([png(tmp_path / "a.png")])
    service.build(BUSINESS, 3, ID_CARD, policy)
    (entry,) = service.kept_originals({})
    assert entry.state == "未提交"
    assert service.cleanup({1: datetime(2000, 1, 1)}, keep_days=0) == []
    assert service.pages_of(3, ID_CARD).folder.exists()


def test_accepted_submissions_come_from_the_review_state(
    services: AppServices, service: AttachmentService, tmp_path: Path
) -> None:
    _submitted(services, service, tmp_path)
    assert service.accepted_submissions() == {}
    with services.store.session() as session:
        session.get_one(OutboxItem, 40).review_state = "审核通过"
    assert list(service.accepted_submissions()) == [40]


def test_rebuilding_replaces_the_document_and_no_pages_means_none(
    services: AppServices, service: AttachmentService, tmp_path: Path
) -> None:
    policy = services.units.policy(service.unit_id)
    with services.store.session() as session:
        session.add(PendingList(id=5, unit_id=service.unit_id, business=BUSINESS))
    pages = service.pages_of(5, ID_CARD)
    pages.import_files([png(tmp_path / "a.png"), png(tmp_path / "b.png")])
    first = service.build(BUSINESS, 5, ID_CARD, policy)
    assert first is not None and first.page_count == 2
    pages.replace(pages.pages()[:1])
    second = service.build(BUSINESS, 5, ID_CARD, policy)
    assert second is not None and second.page_count == 1
    assert not first.path.exists()  # the superseded PDF (never uploaded) is gone
    pages.replace([])
    assert service.build(BUSINESS, 5, ID_CARD, policy) is None
    assert service.for_list(5) == []


def test_an_uploaded_document_is_not_replaced(
    services: AppServices, service: AttachmentService, tmp_path: Path
) -> None:
    attachment_id = _submitted(services, service, tmp_path)
    _upload(services, attachment_id)
    with pytest.raises(BadInputError, match="已上传"):
        service.build(BUSINESS, 7, ID_CARD, services.units.policy(service.unit_id))
    with services.store.session() as session:
        assert session.scalars(select(Attachment)).one().id == attachment_id
