"""工作台: what needs doing — overdue and due-soon follow-ups and legal clocks, high-risk
cases, and for supervisors the review queue with the time left. Double-click opens the
place where the work is done."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.cases import CaseRow
from xinhe.records.drafts import Draft
from xinhe.records.planning import DueItem
from xinhe.records.reviews import KINDS as REVIEW_KINDS
from xinhe.records.reviews import ReviewItem
from xinhe.records.services import Services
from xinhe.ui import operations
from xinhe.ui.case_data import local_time
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.clock_notice import clock_name
from xinhe.ui.screens.chunked import ChunkedFill, Shown
from xinhe.ui.screens.common import WhenShown, add_row, item_list, time_left
from xinhe.ui.widgets import label

REFRESH_ON = {Change.CASE, Change.FOLLOWUP, Change.CLOCK, Change.REVIEW, Change.RISK,
              Change.SESSION, Change.CRISIS, Change.ASSESSMENT, Change.DRAFT}
# Rows each list keeps room for however small the window is.
MIN_ROWS_SHOWN = 4


@dataclass(frozen=True)
class DashboardData:
    due: list[DueItem]
    high_risk: list[CaseRow]
    reviews: list[ReviewItem]
    returned: list[ReviewItem]
    drafts: list[Draft]


def load(services: Services) -> DashboardData:
    role = services.vault.actor.role
    high = [c for c in services.cases.find(risk="high") if c.status != "closed"]
    if role == "counsellor":
        high = [c for c in high if c.counsellor_id == services.vault.actor.user_id]
    reviews = services.reviews.queue() if role == "supervisor" else []
    returned = services.reviews.returned_to_me() if role == "counsellor" else []
    return DashboardData(services.planning.due_items(mine_only=role == "counsellor"), high,
                         reviews, returned, services.drafts.all())


class DashboardScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # On a 1366×768 laptop the sections do not all fit: the page scrolls, and every list
        # keeps room for a few rows instead of being squeezed to its header.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        page.setObjectName("dashboardPage")
        scroll.setWidget(page)
        outer.addWidget(scroll)
        layout = QVBoxLayout(page)
        title = label(self.tr("Good to see you, %1").replace("%1", ctx.actor.display_name),
                      "pageTitle")
        layout.addWidget(title)
        self.drafts_note = label("", "warning")
        self.drafts_note.hide()
        layout.addWidget(self.drafts_note)
        self.returned = item_list([self.tr("Returned"), self.tr("Case"), self.tr("Client"),
                                   self.tr("Supervisor's comment")])
        self.returned.itemDoubleClicked.connect(self._open_returned)
        self.returned_box = self._box(self.tr(
            "Returned by the supervisor: answer with an addendum to resubmit"), self.returned)
        self.returned_box.hide()
        layout.addWidget(self.returned_box)
        self.due = item_list([self.tr("Due"), self.tr("What"), self.tr("Case"),
                              self.tr("Client"), self.tr("Time")])
        self.due.itemDoubleClicked.connect(self._open_due)
        layout.addWidget(self._box(self.tr("Overdue and due in the next 48 hours"), self.due))
        self.high = item_list([self.tr("Case"), self.tr("Client"), self.tr("Category"),
                               self.tr("Counsellor"), self.tr("Next due")])
        self.high.itemDoubleClicked.connect(self._open_case)
        self.high_box = self._box(self.tr("High-risk cases") if ctx.has_role("supervisor",
                                                                              "staff")
                                  else self.tr("My high-risk cases"), self.high)
        layout.addWidget(self.high_box)
        self.reviews = item_list([self.tr("Time left"), self.tr("What"), self.tr("Case"),
                                  self.tr("Client"), self.tr("Asked by")])
        self.reviews.itemDoubleClicked.connect(self._open_review)
        box = self._box(self.tr("Review queue"), self.reviews)
        box.setVisible(ctx.has_role("supervisor"))
        layout.addWidget(box)
        # Thousands of due items on a big vault: filled a chunk per turn, never all at once.
        self.due_fill = ChunkedFill(self.due, self._due_row)
        self.high_fill = ChunkedFill(self.high, self._high_row)
        self.reviews_fill = ChunkedFill(self.reviews, self._review_row)
        from xinhe.ui.screens.platform_dispatches import PlatformDispatches

        self.platform = PlatformDispatches(ctx, self)
        layout.addWidget(self.platform)
        from xinhe.ui.screens.appointment_reminder import AppointmentReminder
        from xinhe.ui.screens.risk_signals import RiskSignals

        self.appointments = AppointmentReminder(ctx, self)
        layout.insertWidget(2, self.appointments)  # under the notes, above what is due
        self.risk_signals = RiskSignals(ctx, self)
        layout.addWidget(self.risk_signals)
        refresh = QPushButton(self.tr("Refresh (F5)"))
        refresh.setShortcut("F5")
        refresh.clicked.connect(self.reload)
        refresh.clicked.connect(self.platform.reload)
        refresh.clicked.connect(self.appointments.reload)
        refresh.clicked.connect(self.risk_signals.reload)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)
        self.reload_when_shown = WhenShown(self, self.reload)
        ctx.bus.changed.connect(self._changed)
        for tree in page.findChildren(QTreeWidget):
            rows = MIN_ROWS_SHOWN * (tree.fontMetrics().height() + 8)
            if tree.isHeaderHidden():  # the day's reminders: a few lines, not a table
                tree.setFixedHeight(rows)
            else:
                tree.setMinimumHeight(rows + tree.header().sizeHint().height())
        self.reload()

    def _box(self, title: str, tree: QTreeWidget) -> QGroupBox:
        box = QGroupBox(title, self)  # in place first: the style sheet is resolved once
        QVBoxLayout(box).addWidget(tree)
        return box

    def _changed(self, kinds: Changes) -> None:
        if kinds & REFRESH_ON:
            self.reload_when_shown()

    def reload(self) -> None:
        operations.run(self.ctx, load, parent=self, on_done=self._loaded)

    def _due_row(self, item: DueItem) -> Shown:
        left, overdue = time_left(item.due_at)
        what = (self.tr("Follow-up visit") if item.kind == "followup"
                else clock_name(item.kind, item.urgent))
        return ([local_time(item.due_at), what, item.case_no, item.client_name, left],
                (item.kind, item.case_id, item.item_id), overdue)

    def _high_row(self, case: CaseRow) -> Shown:
        return ([case.case_no, case.client_name, vocab.label(vocab.CATEGORIES, case.category),
                 case.counsellor_name, local_time(case.next_due)], ("case", case.id, 0),
                case.overdue)

    def _review_row(self, review: ReviewItem) -> Shown:
        left, overdue = time_left(review.due_at)
        kind = REVIEW_KINDS.get(review.kind, (review.kind, review.kind))
        return ([left, pick(*kind), review.case_no, review.client_name, review.requested_by],
                ("review", review.case_id, review.id), overdue)

    def _loaded(self, data: DashboardData) -> None:
        self.due_fill.fill(data.due)
        if not data.due:
            add_row(self.due, [self.tr("Nothing due. Well done.")], None).\
                setFirstColumnSpanned(True)
        self.high_fill.fill(data.high_risk)
        self.reviews_fill.fill(data.reviews)
        self.returned.clear()
        for back in data.returned:
            add_row(self.returned, [local_time(back.decided_at), back.case_no,
                                    back.client_name, back.comment or ""],
                    ("case", back.case_id, back.id), overdue=True)
        self.returned_box.setVisible(bool(data.returned))
        if data.drafts:
            self.drafts_note.setText(self.tr(
                "%n unsaved form(s) from before the lock were kept and reopened: %1", "",
                len(data.drafts)).replace("%1", "、".join(d.title for d in data.drafts)))
            self.drafts_note.show()
        else:
            self.drafts_note.hide()

    def _key(self, tree: QTreeWidget) -> tuple[str, int, int] | None:
        item = tree.currentItem()
        key = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        return (str(key[0]), int(key[1]), int(key[2])) if key else None

    def _open_due(self) -> None:
        key = self._key(self.due)
        if key is None:
            return
        kind, case_id, item_id = key
        if kind == "followup":
            self.ctx.bus.open_followup.emit(case_id, item_id)
        else:
            self.ctx.bus.open_case.emit(case_id)

    def _open_returned(self) -> None:
        key = self._key(self.returned)
        if key is not None:
            self.ctx.bus.open_case.emit(key[1])

    def _open_case(self) -> None:
        key = self._key(self.high)
        if key is not None:
            self.ctx.bus.open_case.emit(key[1])

    def _open_review(self) -> None:
        key = self._key(self.reviews)
        if key is not None:
            self.ctx.bus.open_review.emit(key[2])
