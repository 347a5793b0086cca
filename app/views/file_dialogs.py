"""Every file dialog of the client, opening where the clerk expects.

Qt's static dialogs open in the process's working folder (the program's own folder) when given
no folder. These wrappers take the same arguments plus a `purpose` ("batch-import",
"template", "error-report", "attachments", "scan-folder"…), open in the clerk's Documents folder
the first time and then in the last folder used for that purpose, and return what Qt returns,
so a call site changes only its function name.

The folders are kept in the window's `Settings` (`use_settings` at start); before that, or in a
widget built on its own, in a `Settings` of the data folder, which merges with the file on save.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.services.settings import RecentFolders, Settings

_folders: RecentFolders | None = None


def use_settings(settings: Settings, documents: Path | None = None) -> RecentFolders:
    """Remember the folders in `settings` (the window's own) from now on."""
    global _folders
    _folders = RecentFolders(settings, documents)
    return _folders


def _recent() -> RecentFolders:
    # Not cached when unset: the data folder may change (--data-dir, each test its own).
    return _folders if _folders is not None else RecentFolders(Settings())


def get_open_file_name(
    parent: QWidget | None, caption: str, dir: str = "", filter: str = "", *, purpose: str
) -> tuple[str, str]:
    """QFileDialog.getOpenFileName, opening in the folder last used for `purpose`."""
    folders = _recent()
    start = dir or str(folders.folder_for(purpose))
    path, chosen_filter = QFileDialog.getOpenFileName(parent, caption, start, filter)
    if path:
        folders.remember(purpose, Path(path))
    return path, chosen_filter


def get_open_file_names(
    parent: QWidget | None, caption: str, dir: str = "", filter: str = "", *, purpose: str
) -> tuple[list[str], str]:
    """QFileDialog.getOpenFileNames, opening in the folder last used for `purpose`."""
    folders = _recent()
    start = dir or str(folders.folder_for(purpose))
    paths, chosen_filter = QFileDialog.getOpenFileNames(parent, caption, start, filter)
    if paths:
        folders.remember(purpose, Path(paths[0]))
    return paths, chosen_filter


def get_save_file_name(
    parent: QWidget | None, caption: str, dir: str = "", filter: str = "", *, purpose: str
) -> tuple[str, str]:
    """QFileDialog.getSaveFileName; a bare file name in `dir` is suggested in the folder last
    used for `purpose`."""
    folders = _recent()
    suggested = Path(dir) if dir else None
    if suggested is None or not suggested.is_absolute():
        folder = folders.folder_for(purpose)
        start = str(folder / suggested) if suggested is not None else str(folder)
    else:
        start = dir
    path, chosen_filter = QFileDialog.getSaveFileName(parent, caption, start, filter)
    if path:
        folders.remember(purpose, Path(path))
    return path, chosen_filter


def get_existing_directory(
    parent: QWidget | None, caption: str, dir: str = "", *, purpose: str
) -> str:
    """QFileDialog.getExistingDirectory, opening in the folder last chosen for `purpose`."""
    folders = _recent()
    start = dir or str(folders.folder_for(purpose))
    folder = QFileDialog.getExistingDirectory(parent, caption, start)
    if folder:
        folders.remember(purpose, Path(folder))
    return folder
