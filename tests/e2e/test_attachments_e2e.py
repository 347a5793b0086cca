"""影像资料 end to end: a scan from SANE's test device and a file, through the panel's service and
the outbox, arrive at a real fundserver byte for byte; bad files are refused with the rule named.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app.errors import ServerRejectedError
from app.models import Attachment
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.scanning import ScanSettings, Source
from app.services.scanning.sane import SaneScanner
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.ids import resident_id

pytestmark = [pytest.mark.e2e, pytest.mark.sane]


def test_scanned_and_file_materials_arrive_with_matching_checksums(
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    sane_test_device: str,
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    unit = session.login(
        fresh_fundserver.url, demo_credentials.unit_code, demo_credentials.password
    ).unit
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    pending.add(
        {
            "name": "高远",
            "id_number": resident_id("41020519980214003"),
            "mobile": "13600001234",
            "base": "4,800",
        }
    )
    policy = services.units.policy(unit.id)
    attachments = AttachmentService(services.store, unit.id)

    # 身份证复印件 from the feeder of SANE's test device (3 sheets), 劳动合同 from a file.
    pages = SaneScanner().scan(
        ScanSettings(
            sane_test_device, source=Source.ADF, dpi=75, extra_options={"x": "60", "y": "40"}
        ),
        tmp_path / "scans",
        on_page=lambda _page: None,
        cancelled=lambda: False,
    )[:3]
    assert len(pages) == 3
    scanned = attachments.add("open-account", pending.list_id(), "身份证复印件", pages, policy)
    contract = tmp_path / "contract.jpg"
    Image.new("RGB", (800, 1100), "white").save(contract, quality=85)
    filed = attachments.add("open-account", pending.list_id(), "劳动合同", [contract], policy)
    pending.submit()

    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    report = outbox.sync()
    assert report.run.stopped is None and outbox.counts()["已提交"] == 1

    with services.store.session() as db:
        local = {
            a.material: a.sha256
            for a in db.scalars(select(Attachment).where(Attachment.unit_id == unit.id))
        }
    assert local == {"身份证复印件": scanned.sha256, "劳动合同": filed.sha256}
    (item,) = outbox.items()
    assert item.server_id is not None
    with session.client(unit) as client:
        record = client.submission(int(item.server_id))
    assert sorted(record.attachments) == sorted([scanned.sha256, filed.sha256])
    for info in (scanned, filed):  # what the server stored is byte for byte what we built
        blob = (
            fresh_fundserver.folder
            / "attachments"
            / info.sha256[:2]
            / info.sha256[2:4]
            / info.sha256
        )
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == info.sha256
        assert hashlib.sha256(info.path.read_bytes()).hexdigest() == info.sha256


def test_a_damaged_wrong_type_or_oversize_file_is_refused_with_the_rule_named(
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    unit = session.login(fundserver_url, demo_credentials.unit_code, demo_credentials.password).unit
    damaged = tmp_path / "damaged.pdf"  # its bytes no longer match the checksum sent with it
    damaged.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n")
    with session.client(unit) as client:
        with pytest.raises(ServerRejectedError) as wrong_sum:
            client.upload_attachment(damaged, "0" * 64, "身份证复印件", "open-account")
        assert wrong_sum.value.code == "checksum_mismatch"
        assert "校验值（SHA-256）不符" in wrong_sum.value.message
        text = tmp_path / "notes.txt"
        text.write_text("只是一段文字", encoding="utf-8")
        with pytest.raises(ServerRejectedError) as wrong_type:
            client.upload_attachment(
                text, hashlib.sha256(text.read_bytes()).hexdigest(), "身份证复印件", "open-account"
            )
        assert wrong_type.value.code == "unsupported_type"
        assert "文件类型不被接受" in wrong_type.value.message
        with pytest.raises(ServerRejectedError) as too_big:
            client.upload_attachment(
                big, hashlib.sha256(big.read_bytes()).hexdigest(), "身份证复印件", "open-account"
            )
        assert too_big.value.code == "file_too_large"
        assert "文件超过大小上限 10.0 MB" in too_big.value.message
