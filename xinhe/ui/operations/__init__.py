"""One keyword-only function per user action. Each runs its work on the database thread
and hands success or failure back on the UI thread.

`run` is the common path: the work gets the Services of the unlocked vault; on success
the "records changed" signal carries the kinds of records written, so every view that
shows them refreshes; on failure the user is told why in their language (unless the
caller handles the failure itself, e.g. to keep a half-filled form).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from xinhe.ui.changes import Change
from xinhe.ui.widgets import error_text

if TYPE_CHECKING:  # the unlock window imports this package before any vault is open
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

T = TypeVar("T")
FormValues = dict[str, Any]  # a form's inputs by key (SimpleForm.values)


def show_failure(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Say why, without blocking the rest of the app."""
    box = QMessageBox(QMessageBox.Icon.Warning,
                      QCoreApplication.translate("Operations", "Not done"), error_text(exc),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("failure")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def run(ctx: AppContext, work: Callable[[Services], T], *, parent: QWidget | None,
        on_done: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        changed: Iterable[Change] = ()) -> None:
    """Run `work(services)` on the database thread (nothing, once the session locked:
    a window's code may still run after the lock closed it)."""
    if ctx.locked:
        return
    kinds = frozenset(changed)

    def gone() -> bool:
        # The screen that asked may have been closed (or the session locked) meanwhile.
        return parent is not None and not shiboken6.isValid(parent)

    def done(result: Any) -> None:
        if kinds and shiboken6.isValid(ctx.bus):
            ctx.bus.changed.emit(kinds)
        if on_done is not None and not gone():
            on_done(result)

    def failed(exc: BaseException) -> None:
        if gone():
            return
        if on_failure is not None:
            on_failure(exc)
        else:
            show_failure(parent, exc)

    services = ctx.services
    ctx.worker.submit(lambda: work(services), done, failed)


def run_form(ctx: AppContext, work: Callable[[Services, FormValues], T], values: FormValues,
             *, parent: QWidget | None, on_done: Callable[[T], None],
             on_failure: Callable[[BaseException], None], changed: Iterable[Change]) -> None:
    """Run a form's operation, `work(services, values)`, on the database thread."""
    run(ctx, lambda s: work(s, values), parent=parent, on_done=on_done, on_failure=on_failure,
        changed=changed)
