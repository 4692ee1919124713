"""回访: follow-up visits due and done; recording one can schedule the next."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from xinhe.records import vocab
from xinhe.records.planning import FollowUp
from xinhe.ui.case_data import local_time, status_text
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import notes as notes_ops
from xinhe.ui.screens.chunked import ChunkedFill, Shown
from xinhe.ui.screens.common import WhenShown, item_list, time_left
from xinhe.ui.widgets import label

translate = QCoreApplication.translate


REASONS = {
    "routine": QT_TRANSLATE_NOOP("Followups", "Routine"),
    "warning_letter": QT_TRANSLATE_NOOP("Followups", "After a police warning letter"),
}


class FollowupsScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Follow-up visits"), "pageTitle"))
        bar = QHBoxLayout()
        self.which = QComboBox()
        self.which.addItem(self.tr("Due"), "due")
        self.which.addItem(self.tr("Done"), "done")
        self.which.addItem(self.tr("Cancelled"), "cancelled")
        self.which.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.which)
        bar.addStretch()
        self.record = QPushButton(self.tr("Record the visit…"))
        self.record.setObjectName("primary")
        self.record.clicked.connect(self.record_visit)
        bar.addWidget(self.record)
        layout.addLayout(bar)
        self.list = item_list(
            [
                self.tr("Due"),
                self.tr("Case"),
                self.tr("Client"),
                self.tr("Why"),
                self.tr("Method"),
                self.tr("Status"),
            ]
        )
        self.list.itemDoubleClicked.connect(lambda *_: self.record_visit())
        self.fill = ChunkedFill(self.list, self._row)  # thousands due on a big vault
        layout.addWidget(self.list, 1)
        self.rows: dict[int, FollowUp] = {}
        self.reload_when_shown = WhenShown(self, self.reload)
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.FOLLOWUP, Change.CASE, Change.CLOCK}:
            self.reload_when_shown()

    def reload(self) -> None:
        status = self.which.currentData()
        notes_ops.load_followups(ctx=self.ctx, parent=self, status=status,
                                 on_done=self._loaded)

    def _loaded(self, rows: list[FollowUp]) -> None:
        self.rows = {r.id: r for r in rows}
        self.fill.fill(rows)
        self.record.setEnabled(self.which.currentData() == "due")

    def _row(self, row: FollowUp) -> Shown:
        if row.status == "due":
            state, overdue = time_left(row.due_at)
        elif row.done_late():
            state, overdue = (
                self.tr("Done late (%1)").replace("%1", local_time(row.done_at)),
                False,
            )
        else:
            state, overdue = local_time(row.done_at) or status_text(row.status), False
        return (
            [
                local_time(row.due_at),
                row.case_no,
                row.client_name,
                translate("Followups", str(REASONS.get(row.reason, REASONS["routine"]))),
                vocab.label(vocab.FOLLOWUP_METHODS, row.planned_method),
                state,
            ],
            row.id,
            overdue,
        )

    def record_visit(self) -> None:
        item = self.list.currentItem()
        followup = self.rows.get(item.data(0, Qt.ItemDataRole.UserRole)) if item else None
        if followup is None or followup.status != "due":
            return
        open_followup_dialog(self.ctx, followup, self)


def open_followup_dialog(ctx: AppContext, followup: FollowUp, parent: QWidget) -> None:
    from xinhe.ui.dialogs.records import FollowupDialog

    template = ctx.services.templates.get("followup_visit")
    dialog = FollowupDialog(
        ctx,
        followup.case_id,
        template,
        followup_id=followup.id,
        version=followup.version,
        parent=parent,
    )
    dialog.setWindowTitle(f"{dialog.windowTitle()} · {followup.case_no} {followup.client_name}")
    dialog.open()
