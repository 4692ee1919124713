"""Where files are saved: every Save and folder dialog opens in the person's documents
folder (or where they saved last) with a file name that says what it is, never in the
program's own folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> Path:
    """The person's documents folder (their home folder if the system names none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def _start_folder(current: str | Path | None) -> Path:
    if current:
        folder = Path(current)
        if folder.is_dir():
            return folder
    return documents_folder()


def ask_save_path(parent: QWidget | None, title: str, file_name: str, name_filter: str, *,
                  folder: str | Path | None = None, suffix: str = "") -> Path | None:
    """The Save dialog (it asks before replacing a file) at `folder` if that still exists,
    else the documents folder, with `file_name` proposed; the chosen path with `suffix`
    added when the person left it off, or None if they cancelled."""
    start = _start_folder(folder) / file_name
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(start), name_filter)
    if not chosen:
        return None
    path = Path(chosen)
    if suffix and path.suffix.lower() != suffix.lower():
        path = path.with_name(path.name + suffix)
    return path


def ask_folder(parent: QWidget | None, title: str, current: str | Path | None = None) -> str:
    """A folder, starting at `current` if it exists, else the documents folder; "" if the
    person cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, str(_start_folder(current)))
