"""Settings: shared safely between instances; RecentFolders: where file dialogs open."""

from __future__ import annotations

from pathlib import Path

from app.services.settings import RecentFolders, Settings


def test_two_settings_on_one_file_keep_each_others_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    window, dialogs = Settings(path), Settings(path)

    dialogs.set("file_dialog_folders", {"batch-import": str(tmp_path)})
    window.set("window_geometry", "abc")  # loaded before the dialog's key was written

    again = Settings(path)
    assert again.get("file_dialog_folders") == {"batch-import": str(tmp_path)}
    assert again.get("window_geometry") == "abc"


def test_documents_first_then_the_last_folder_per_purpose(tmp_path: Path) -> None:
    documents = tmp_path / "文档"
    documents.mkdir()
    batches = tmp_path / "人事导出"
    batches.mkdir()
    folders = RecentFolders(Settings(tmp_path / "settings.json"), documents)

    assert folders.folder_for("batch-import") == documents
    folders.remember("batch-import", batches / "11月新员工.xlsx")

    assert folders.folder_for("batch-import") == batches.resolve()
    assert folders.folder_for("template") == documents  # each purpose its own
    # Kept in the settings file: a new start opens there too.
    reopened = RecentFolders(Settings(tmp_path / "settings.json"), documents)
    assert reopened.folder_for("batch-import") == batches.resolve()


def test_a_folder_that_is_gone_is_passed_over(tmp_path: Path) -> None:
    documents = tmp_path / "文档"
    documents.mkdir()
    usb = tmp_path / "U盘"
    usb.mkdir()
    folders = RecentFolders(Settings(tmp_path / "settings.json"), documents)
    folders.remember("attachments", usb)  # a chosen folder is remembered itself

    assert folders.folder_for("attachments") == usb.resolve()
    usb.rmdir()  # the USB stick was pulled out
    assert folders.folder_for("attachments") == documents
