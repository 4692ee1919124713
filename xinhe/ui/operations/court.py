"""The court extract of a case: what may go in it, making and signing it, saving a copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.records.court_extract import ExtractItem, extract_items
from xinhe.ui.changes import Change
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.export.court_extract import ExtractResult
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


def load_items(*, ctx: AppContext, parent: QWidget, case_id: int, lang: str,
               on_done: Callable[[list[ExtractItem]], None]) -> None:
    """The records that may be put in the extract."""
    run(ctx, lambda s: extract_items(s.vault, s.templates, case_id, lang), parent=parent,
        on_done=on_done)


def _make(services: Services, case_id: int, chosen: list[str]) -> ExtractResult:
    from xinhe.export.court_extract import export_court_extract

    return export_court_extract(services.vault, services.templates, case_id, chosen)


def make_extract(*, ctx: AppContext, parent: QWidget, case_id: int, chosen: list[str],
                 on_done: Callable[[ExtractResult], None], on_failure: Failure) -> None:
    """Make and sign the extract of the chosen records (kept in the vault)."""
    run(ctx, lambda s: _make(s, case_id, chosen), parent=parent, on_done=on_done,
        on_failure=on_failure, changed={Change.COURT_EXTRACT})


def _save(services: Services, extract_no: str, path: Path) -> None:
    from xinhe.crypto.files import atomic_write
    from xinhe.records.court_extract_store import extract_copy

    atomic_write(path, extract_copy(services.vault, extract_no, purpose="save")[1])


def save_copy(*, ctx: AppContext, parent: QWidget, extract_no: str, path: Path,
              on_done: Callable[[object], None]) -> None:
    """Save a copy of the signed extract as a PDF (audited)."""
    run(ctx, lambda s: _save(s, extract_no, path), parent=parent, on_done=on_done)


def print_copy(services: Services, *, extract_no: str) -> bytes:
    """The signed extract, fetched to be printed (audited as a print)."""
    from xinhe.records.court_extract_store import extract_copy

    return extract_copy(services.vault, extract_no)[1]
