"""The main window: navigation on the left, one screen at a time on the right.

It only assembles the screens (one module each in xinhe/ui/screens) and offers the role's
sections; what a role may do is enforced again by the services.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xinhe.errors import XinheError
from xinhe.records.drafts import Draft
from xinhe.ui.backup_reminder import BackupReminder
from xinhe.ui.context import AppContext
from xinhe.ui.integrity_notice import IntegrityNotice
from xinhe.ui.operations import notes as notes_ops
from xinhe.ui.roles import role_label
from xinhe.ui.widgets import label

ALL_CASE_ROLES = ("counsellor", "supervisor", "staff")
# A real timer, not singleShot(0): that is a posted event, run in the same pass as the
# events before it (the paint, the click), so the UI thread would never get a turn between.
NEXT_TURN_MS = 1


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    roles: tuple[str, ...]
    path: str  # "module:Class" of the screen, a QWidget taking (ctx, parent)


class MainWindow(QMainWindow):
    lock_requested = Signal()
    quit_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Xinhe — %1").replace("%1", ctx.org_name))
        self.sections = [s for s in self._sections() if ctx.actor.role in s.roles]
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._top_bar())
        self.backup_line = QLabel("")
        self.backup_reminder = BackupReminder(ctx, self.backup_line)
        outer.addWidget(self.backup_reminder)
        self.integrity_notice = IntegrityNotice(ctx)
        outer.addWidget(self.integrity_notice)
        body = QHBoxLayout()
        body.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(168)
        self.nav.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget()
        self._built: dict[str, QWidget] = {}
        for section in self.sections:
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            self.nav.addItem(item)
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(16, 12, 16, 12)
            self.stack.addWidget(holder)
        self.nav.currentRowChanged.connect(self.show_section_at)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        self.status = self.statusBar()
        self.binding_label = QLabel(
            self.tr("Studio server: %1").replace("%1", ctx.server) if ctx.server else
            self.tr("Workstation binding: on") if ctx.binding_on else
            self.tr("Workstation binding: off (no secure keyring on this computer)"))
        self.status.addPermanentWidget(self.backup_line)
        self.status.addPermanentWidget(self.binding_label)
        self.busy_label = QLabel("")
        self.status.addWidget(self.busy_label)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setMaximumWidth(140)
        self.busy_bar.hide()
        self.status.addWidget(self.busy_bar)
        self.busy_timer = QTimer(self)
        self.busy_timer.setSingleShot(True)
        self.busy_timer.setInterval(500)  # anything that takes longer shows it is working
        self.busy_timer.timeout.connect(self._show_busy_bar)
        # A bound method, not a lambda: Qt drops the connection when this window goes.
        ctx.worker.busy_changed.connect(self._show_busy)
        ctx.bus.open_case.connect(self.open_case)
        ctx.bus.open_followup.connect(self.open_followup)
        ctx.bus.open_review.connect(self.open_review)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock_requested)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.new_case)
        for index in range(min(len(self.sections), 9)):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self).activated.connect(
                lambda i=index: self.nav.setCurrentRow(i))
        self.resize(1280, 760)
        self.setMinimumSize(1024, 640)
        if self.sections:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(0)
            self.nav.blockSignals(False)
            # The first screen is built on the turn after the window is made (and shown):
            # the window and the dashboard in one turn held the UI thread ~150 ms.
            QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._build_in_turns(0))

    def _show_busy(self, busy: bool) -> None:
        if busy:
            self.busy_timer.start()
        else:
            self.busy_timer.stop()
            self.busy_bar.hide()
            self.busy_label.setText("")
            QApplication.restoreOverrideCursor()

    def _show_busy_bar(self) -> None:
        self.busy_label.setText(self.tr("Working…"))
        self.busy_bar.show()
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

    # -- navigation ------------------------------------------------------------------------
    def open_case(self, case_id: int) -> QWidget | None:
        screen = self.show_section("cases")
        if screen is None or not hasattr(screen, "open_case"):
            return None
        view: QWidget = screen.open_case(case_id)
        return view

    def new_case(self) -> None:
        """Ctrl+N from any section or tab: the new-case dialog over the case list."""
        if not self.ctx.has_role("counsellor", "supervisor"):
            return
        screen = self.show_section("cases")
        if screen is not None and hasattr(screen, "list_panel"):
            screen.list_panel.create_case()

    def open_followup(self, case_id: int, followup_id: int) -> None:
        from xinhe.ui.screens.followups import open_followup_dialog

        self.open_case(case_id)
        notes_ops.load_followup(ctx=self.ctx, parent=self, followup_id=followup_id,
                                on_done=lambda followup: open_followup_dialog(
                                    self.ctx, followup, self))

    def open_review(self, review_id: int) -> None:
        screen = self.show_section("review")
        if screen is not None and hasattr(screen, "select"):
            screen.select(review_id)

    def restore_drafts(self) -> None:
        """Forms left unsaved when the session locked (or kept on this workstation while
        the studio server was away) come back, with their content."""
        def reopen(drafts: list[Draft]) -> None:
            if not drafts:
                return
            from xinhe.ui.dialogs.records import reopen_draft  # the forms: only if needed

            for draft in drafts:
                try:
                    dialog = reopen_draft(self.ctx, self.ctx.services.templates,
                                          draft.payload, self)
                except XinheError:
                    continue  # its template is gone: the draft stays listed on the dashboard
                if dialog is not None:
                    dialog.open()
        notes_ops.flush_kept(ctx=self.ctx, parent=self)  # kept here while the server was away
        notes_ops.load_drafts(ctx=self.ctx, parent=self, on_done=reopen)

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("card")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(label(self.ctx.org_name, "pageTitle", wrap=False))
        layout.addStretch()
        if self.ctx.actor.role in ALL_CASE_ROLES:
            from xinhe.ui.search_box import SearchBox

            self.search = SearchBox(self.ctx, self)
            layout.addWidget(self.search)
        who = QToolButton()
        who.setText(f"{self.ctx.actor.display_name} · {role_label(self.ctx.actor.role)}")
        who.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        who.setStyleSheet("QToolButton { padding: 4px 18px 4px 8px; }")
        menu = QMenu(who)
        menu.addAction(self.tr("Change my password…"), self.change_password)
        menu.addAction(self.tr("Lock (Ctrl+L)"), self.lock_requested.emit)
        menu.addAction(self.tr("Sign out and quit"), self.quit_requested.emit)
        who.setMenu(menu)
        layout.addWidget(who)
        lock = QPushButton(self.tr("Lock (Ctrl+L)"))
        lock.setToolTip(self.tr("Lock now: the records close until you sign in again."))
        lock.clicked.connect(self.lock_requested.emit)
        layout.addWidget(lock)
        return bar

    def change_password(self) -> None:
        from xinhe.ui.dialogs.simple import SimpleForm
        from xinhe.ui.operations import accounts as account_ops
        from xinhe.ui.widgets import password_field

        form = SimpleForm(self.ctx, self.tr("Change my password"), parent=self)
        old, new, again = password_field(), password_field(), password_field()
        form.add("old", self.tr("Current password"), old, old.text)
        form.add("new", self.tr("New password"), new, new.text)
        form.add("again", self.tr("New password again"), again, again.text)
        form.run(account_ops.change_password, set(),
                 on_done=lambda _r: self.status.showMessage(self.tr("Password changed."), 5000))

    def _sections(self) -> list[Section]:
        """Every section; each screen module is imported when first shown.
        Screens are classes taking (ctx, parent) in xinhe/ui/screens/."""
        return [
            Section("dashboard", self.tr("Dashboard"), ALL_CASE_ROLES,
                    "xinhe.ui.screens.dashboard:DashboardScreen"),
            Section("cases", self.tr("Cases"), ALL_CASE_ROLES,
                    "xinhe.ui.screens.cases:CasesScreen"),
            Section("followups", self.tr("Follow-ups"), ("counsellor", "supervisor"),
                    "xinhe.ui.screens.followups:FollowupsScreen"),
            Section("calendar", self.tr("Calendar"), ("counsellor", "supervisor"),
                    "xinhe.ui.screens.calendar:CalendarScreen"),
            Section("review", self.tr("Review"), ("supervisor",),
                    "xinhe.ui.screens.review:ReviewScreen"),
            Section("referrals", self.tr("Referrals"), ALL_CASE_ROLES,
                    "xinhe.ui.screens.referrals:ReferralsScreen"),
            Section("statistics", self.tr("Statistics"), ALL_CASE_ROLES,
                    "xinhe.ui.screens.statistics:StatisticsScreen"),
            Section("retention", self.tr("Retention"), ("supervisor",),
                    "xinhe.ui.screens.retention:RetentionScreen"),
            Section("admin", self.tr("Admin"), ("admin",),
                    "xinhe.ui.screens.admin:AdminScreen"),
        ]

    def show_section_at(self, row: int) -> None:
        """A section chosen in the list: its place shows at once; a screen not yet built
        is built over the next turns of the event loop, so the click is answered first."""
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        if self.sections[row].key not in self._built:
            QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._build_in_turns(row))

    def _build_in_turns(self, row: int) -> None:
        """Its module is imported on one turn, the screen made on the next and shown (style
        polish, first layout and paint) on a third: in one turn they held the UI thread
        ~100 ms for the case list or the statistics."""
        section = self.sections[row]
        if section.key in self._built:
            return
        importlib.import_module(section.path.split(":")[0])
        QTimer.singleShot(NEXT_TURN_MS, self, lambda: self._build(row, show_now=False))

    def _build(self, row: int, *, show_now: bool = True) -> QWidget:
        """The section's screen, built if it was not yet, inside its place (made top-down, so
        the style sheet is resolved once for each widget). Unless `show_now`, it shows on a
        later turn."""
        section = self.sections[row]
        page = self._built.get(section.key)
        if page is None:
            holder = self.stack.widget(row)
            assert holder is not None and holder.layout() is not None
            module, name = section.path.split(":")
            page = getattr(importlib.import_module(module), name)(self.ctx, holder)
            assert isinstance(page, QWidget)
            if not show_now:
                page.hide()  # explicitly: the layout would show it in this same pass
                QTimer.singleShot(NEXT_TURN_MS, page, page.show)
            holder.layout().addWidget(page)  # type: ignore[union-attr]
            self._built[section.key] = page
            if show_now and holder.isVisible():
                page.show()
        elif show_now and page.isHidden():
            page.show()
        return page

    def show_section(self, key: str) -> QWidget | None:
        """Show a section and return its screen, built now if it was not yet."""
        for row, section in enumerate(self.sections):
            if section.key == key:
                page = self._build(row)  # before its place shows: it shows with it
                self.nav.setCurrentRow(row)
                self.stack.setCurrentIndex(row)
                return page
        return None

    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        event.ignore()
        self.quit_requested.emit()
