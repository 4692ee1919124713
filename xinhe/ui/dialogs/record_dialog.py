"""The dialog every template-based record is written in.

- The form is generated from the template; required questions are marked.
- A failed save (invalid answers, disk full, vault locked) keeps everything in the form
  and says why, inline.
- While it is open its state is kept as an encrypted draft in the vault: saved every
  so often, and always just before the session locks; after unlocking it comes back.
- Closing with unsaved changes asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.errors import ServerUnreachable
from xinhe.records import templates as tpl
from xinhe.records.services import Services
from xinhe.ui.context import AppContext
from xinhe.ui.forms.template_form import TemplateForm
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import notes as notes_ops
from xinhe.ui.widgets import ErrorLine

AUTOSAVE_MS = 20_000
NEXT_TURN_MS = 1  # a real timer: a posted event would run in the same pass as the one before
SAVED_LINE_MS = 6_000


class RecordDialog(QDialog):
    """Subclasses give `meta_fields()` (extra inputs above the form), `meta()` / `set_meta()`,
    and `save_work(services, answers, meta, final)` run on the database thread."""

    saved = Signal(object)
    kind = "record"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template, *,
                 draft_key: str, title: str, answers: dict[str, Any] | None = None,
                 meta: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.template = template
        self.draft_key = draft_key
        self.dirty = False
        self.finished_ok = False
        self.opening = False  # made, to be shown on the next turn (open_soon)
        self.setWindowTitle(title)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft)
        layout = QVBoxLayout(self)
        self.meta_form = QFormLayout()
        self.meta_fields(self.meta_form)
        layout.addLayout(self.meta_form)
        self.form = TemplateForm(template, answers, parent=self)  # in place: styled once
        layout.addWidget(self.form, 1)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(lock_button(ctx))
        self.saved_line = QLabel()  # "草稿已保存 14:05", for a few seconds after a draft save
        self.saved_line.setObjectName("savedLine")
        self.saved_line.hide()
        self.buttons.addWidget(self.saved_line)
        self.buttons.addStretch()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.buttons.addWidget(self.cancel_button)
        self.add_buttons(self.buttons)
        layout.addLayout(self.buttons)
        if meta:
            self.set_meta(meta)
        self.form.changed.connect(self._touched)
        self.dirty = False  # filling in the initial values is not a change
        ctx.bus.locking.connect(self.save_draft)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.primary_action)
        self.resize(860, 720)

    def open_soon(self) -> None:
        """Open on the next turn of the event loop: making the form and showing it for
        the first time (style polish, layout, paint) in one turn held the UI thread ~60 ms.
        A second one asked for on the same window before this shows is not opened."""
        parent = self.parentWidget()
        if parent is not None and any(d.opening for d in parent.findChildren(RecordDialog)):
            self.deleteLater()
            return
        self.opening = True

        def show() -> None:
            self.opening = False
            if parent is None or parent.isVisible():  # not if the window went meanwhile
                self.open()
        QTimer.singleShot(NEXT_TURN_MS, self, show)

    # -- for subclasses ---------------------------------------------------------------------
    def meta_fields(self, form: QFormLayout) -> None:
        """Extra inputs above the template form (time, duration …)."""

    def meta(self) -> dict[str, Any]:
        return {}

    def set_meta(self, meta: dict[str, Any]) -> None:
        """Restore the extra inputs from a draft."""

    def add_buttons(self, row: QHBoxLayout) -> None:
        save = QPushButton(self.tr("Save"))
        save.setObjectName("primary")
        save.setDefault(True)
        save.clicked.connect(lambda: self.submit(final=True))
        row.addWidget(save)
        self.save_button = save

    def primary_action(self) -> None:
        self.submit(final=True)

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        """Write the record (on the database thread). Returns what was saved."""
        return None

    # -- state -------------------------------------------------------------------------------
    def _touched(self) -> None:
        self.dirty = True
        self.error.hide()
        self.autosave.start()

    def mark_dirty(self) -> None:
        self._touched()

    def draft_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "case_id": self.case_id, "template_id": self.template.id,
                "template_version": self.template.version, "answers": self.form.raw_answers(),
                "meta": self.meta()}

    def save_draft(self) -> None:
        """Keep the form's state, encrypted, in the vault (queued on the database thread,
        so a lock that follows runs after it)."""
        if not self.dirty or self.finished_ok:
            return
        payload, key, title = self.draft_payload(), self.draft_key, self.windowTitle()
        notes_ops.save_draft(ctx=self.ctx, key=key, title=title, payload=payload, parent=self,
                             on_kept=self.say_kept)

    def _discard_draft(self) -> None:
        notes_ops.discard_draft(ctx=self.ctx, key=self.draft_key)

    # -- saving --------------------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        for button in self.findChildren(QPushButton):
            button.setEnabled(not busy)

    def submit(self, final: bool, after: Callable[[object], None] | None = None) -> None:
        answers, meta = self.form.answers(), self.meta()
        self.set_busy(True)
        self.error.hide()

        def done(result: object) -> None:
            self.set_busy(False)
            self.finished_ok = final
            self.dirty = False  # saved (a session draft is saved too, as a draft note)
            self._discard_draft()
            self.saved.emit(result)
            if not final:
                self.say_saved()
            if after is not None:
                after(result)
            if final:
                self.accept()

        def failed(exc: BaseException) -> None:
            self.set_busy(False)
            if isinstance(exc, tpl.InvalidAnswer):
                self.form.mark_problems(exc)
            self.error.say(exc)
            if isinstance(exc, ServerUnreachable):  # kept on this workstation; saved when back
                self.keep_on_workstation()
                self.ctx.when_server_back(self, lambda: self.submit(final, after))
        notes_ops.save_record(ctx=self.ctx, parent=self, kind=self.kind, save=self.save_work,
                              answers=answers, meta=meta, final=final, on_done=done,
                              on_failure=failed)

    def keep_on_workstation(self) -> None:
        """The server is away: the form, sealed, on this workstation (a lock, closing the
        app or a crash loses nothing); it becomes a server draft when the server is back."""
        notes_ops.keep_on_workstation(ctx=self.ctx, parent=self, key=self.draft_key,
                                      title=self.windowTitle(), payload=self.draft_payload(),
                                      on_done=lambda _r: self.say_kept(),
                                      on_failure=self.error.say)

    def say_kept(self) -> None:
        self.error.say(self.tr("The studio server cannot be reached: the form is kept "
                               "encrypted on this computer and will be saved when the "
                               "connection is back."))

    def say_saved(self) -> None:
        """A short-lived line saying the draft is kept (not a dialog: nothing to dismiss)."""
        self.saved_line.setText(self.tr("Draft saved %1").replace(
            "%1", datetime.now().strftime("%H:%M")))
        self.saved_line.show()
        QTimer.singleShot(SAVED_LINE_MS, self.saved_line, self.saved_line.hide)

    def reject(self) -> None:
        """Cancel, Esc and the window's close button all come here."""
        if self.dirty and not self.finished_ok and self.isVisible():
            self.confirm_discard()
            return
        self.autosave.stop()
        super().reject()

    def confirm_discard(self) -> QMessageBox:
        """Ask before unsaved changes are thrown away (without blocking the app)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("This form has changes that are not saved. Close it and "
                                  "discard them?"),
                          QMessageBox.StandardButton.Discard |
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDiscard")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Discard:
                self.dirty = False
                self._discard_draft()
                self.reject()
        box.finished.connect(answered)
        box.open()
        return box
