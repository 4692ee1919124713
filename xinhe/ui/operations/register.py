"""The register import wizard's actions, each run on the database thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.records.register_import import (
    ImportPlan,
    ImportResult,
    counsellor_choices,
    import_register,
    plan_import,
)
from xinhe.records.register_map import Layout, Mapping, find_layout
from xinhe.records.register_plan import Counsellor
from xinhe.records.register_read import Sheet, read_register
from xinhe.records.vault import Vault
from xinhe.ui.changes import Change
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


def open_register(*, ctx: AppContext, parent: QWidget | None, path: Path,
                  on_done: Callable[[tuple[Sheet, Layout, list[Counsellor]]], None],
                  on_failure: Failure) -> None:
    """Read the file, guess its columns, and list who cases can be given to."""
    run(ctx, lambda s: _opened(s.vault, path), parent=parent, on_done=on_done,
        on_failure=on_failure)


def _opened(vault: Vault, path: Path) -> tuple[Sheet, Layout, list[Counsellor]]:
    people = counsellor_choices(vault)  # refuses any other role before the file is read
    sheet = read_register(path)
    return sheet, find_layout(sheet), people


def dry_run(*, ctx: AppContext, parent: QWidget | None, sheet: Sheet, mapping: Mapping,
            assign_to: str | None, on_done: Callable[[ImportPlan], None],
            on_failure: Failure) -> None:
    run(ctx, lambda s: plan_import(s.vault, sheet, mapping=mapping, assign_to=assign_to),
        parent=parent, on_done=on_done, on_failure=on_failure)


def import_rows(*, ctx: AppContext, parent: QWidget | None, sheet: Sheet, mapping: Mapping,
                assign_to: str | None, on_done: Callable[[ImportResult], None],
                on_failure: Failure) -> None:
    run(ctx, lambda s: import_register(s.vault, sheet, mapping=mapping, assign_to=assign_to),
        parent=parent, on_done=on_done, on_failure=on_failure,
        changed={Change.CASE, Change.CLIENT, Change.AUDIT})
