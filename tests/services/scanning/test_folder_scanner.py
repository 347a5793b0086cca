"""The watched-folder backend, driven by explicit `poll()` calls (no sleeping, no timers)."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

from app.services.scanning import ScanSettings
from app.services.scanning.folder import FolderScanner, FolderWatcher


def _png(path: Path) -> Path:
    Image.new("L", (20, 30), 255).save(path, format="PNG")
    return path


def test_files_there_before_watching_are_not_pages(tmp_path: Path) -> None:
    _png(tmp_path / "old.png")
    watcher = FolderWatcher(tmp_path)

    assert watcher.poll() == []
    assert watcher.poll() == []


def test_a_new_file_is_a_page_once_its_size_holds_for_two_polls(tmp_path: Path) -> None:
    watcher = FolderWatcher(tmp_path)
    scan = _png(tmp_path / "scan001.png")
    data = scan.read_bytes()
    scan.write_bytes(data[:50])  # the scanner software is still writing

    assert watcher.poll() == []  # first sight
    scan.write_bytes(data)
    assert watcher.poll() == []  # it grew: still being written
    assert watcher.poll() == [scan]  # unchanged since the last poll: finished
    assert watcher.poll() == []  # reported once only


def test_empty_temporary_and_non_image_files_are_not_pages(tmp_path: Path) -> None:
    watcher = FolderWatcher(tmp_path)
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "scan.tmp").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "notes.txt").write_text("扫描记录", encoding="utf-8")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%...")

    watcher.poll()
    assert watcher.poll() == [pdf]


def test_scan_copies_each_finished_file_as_a_numbered_page(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    out = tmp_path / "out"
    arrivals = [[_png(tmp_path / "first.png")], [], [_png(tmp_path / "second.png")], [], []]
    polls = {"count": 0}

    def scanner_software_saves(_seconds: float) -> None:
        """Stands in for the wait between polls: the scanner's software drops files."""
        batch = arrivals[polls["count"]] if polls["count"] < len(arrivals) else []
        for source in batch:
            os.replace(source, inbox / source.name)
        polls["count"] += 1

    scanner = FolderScanner(inbox, wait=scanner_software_saves)
    device = scanner.list_devices()[0]
    seen: list[Path] = []

    pages = scanner.scan(
        ScanSettings(device.id), out, seen.append, lambda: polls["count"] >= len(arrivals)
    )

    assert [page.name for page in pages] == ["page-0001.png", "page-0002.png"]
    assert seen == pages
    assert all(page.read_bytes()[:4] == b"\x89PNG" for page in pages)
    assert sorted(path.name for path in inbox.iterdir()) == ["first.png", "second.png"]


def test_scan_stops_after_an_idle_spell_once_a_page_arrived(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    now = {"t": 0.0}
    source = _png(tmp_path / "only.png")

    def wait(seconds: float) -> None:
        now["t"] += seconds
        if source.exists():
            os.replace(source, inbox / source.name)

    scanner = FolderScanner(inbox, idle_seconds=5, wait=wait, clock=lambda: now["t"])

    pages = scanner.scan(
        ScanSettings(scanner.device_id), tmp_path / "out", lambda _: None, lambda: now["t"] > 100
    )

    assert len(pages) == 1
    assert now["t"] < 100  # it stopped on idleness, not on the safety cancel


def test_a_missing_folder_lists_no_device(tmp_path: Path) -> None:
    assert FolderScanner(tmp_path / "nowhere").list_devices() == []
