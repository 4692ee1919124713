"""The main window: navigation on the left, one screen at a time on the right.

It only assembles the screens (one module each in xinhe/ui/screens) and offers the role's
sections; what a role may do is enforced again by the services.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe.ui.context import AppContext
from xinhe.ui.roles import role_label
from xinhe.ui.screens.section_intro import SectionIntro
from xinhe.ui.widgets import label

ALL_CASE_ROLES = ("counsellor", "supervisor", "staff")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    roles: tuple[str, ...]
    build: Callable[[AppContext], QWidget]


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
            self.tr("Workstation binding: on") if ctx.binding_on else
            self.tr("Workstation binding: off (no secure keyring on this computer)"))
        self.status.addPermanentWidget(self.binding_label)
        self.busy_label = QLabel("")
        self.status.addWidget(self.busy_label)
        # A bound method, not a lambda: Qt drops the connection when this window goes.
        ctx.worker.busy_changed.connect(self._show_busy)
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock_requested)
        for index in range(min(len(self.sections), 9)):
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self).activated.connect(
                lambda i=index: self.nav.setCurrentRow(i))
        self.resize(1280, 760)
        self.setMinimumSize(1024, 640)
        if self.sections:
            self.nav.setCurrentRow(0)

    def _show_busy(self, busy: bool) -> None:
        self.busy_label.setText(self.tr("Working…") if busy else "")

    def _top_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("card")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(label(self.ctx.org_name, "pageTitle", wrap=False))
        layout.addStretch()
        self.top_bar_slot = layout  # screens may add a global search box here
        who = label(f"{self.ctx.actor.display_name} · {role_label(self.ctx.actor.role)}",
                    wrap=False)
        layout.addWidget(who)
        lock = QPushButton(self.tr("Lock (Ctrl+L)"))
        lock.setToolTip(self.tr("Lock now: the records close until you sign in again."))
        lock.clicked.connect(self.lock_requested.emit)
        layout.addWidget(lock)
        return bar

    def _sections(self) -> list[Section]:
        """Every section; each screen module is imported when first shown.
        Screens are classes taking (ctx, parent) in xinhe/ui/screens/."""
        def screen(path: str) -> Callable[[AppContext], QWidget]:
            def build(ctx: AppContext) -> QWidget:
                module, name = path.split(":")
                cls = getattr(importlib.import_module(module), name)
                widget: QWidget = cls(ctx)
                return widget
            return build

        def intro(title: str, text: str) -> Callable[[AppContext], QWidget]:
            return lambda ctx: SectionIntro(title, text)
        return [
            Section("dashboard", self.tr("Dashboard"), ALL_CASE_ROLES, intro(
                self.tr("Dashboard"), self.tr("Your due follow-ups, legal clocks and "
                                              "high-risk cases."))),
            Section("cases", self.tr("Cases"), ALL_CASE_ROLES, intro(
                self.tr("Cases"), self.tr("All cases you may see."))),
            Section("followups", self.tr("Follow-ups"), ("counsellor", "supervisor"), intro(
                self.tr("Follow-ups"), self.tr("Follow-up visits due and done."))),
            Section("review", self.tr("Review"), ("supervisor",), intro(
                self.tr("Review"), self.tr("High-risk cases and notes waiting for a "
                                           "supervisor."))),
            Section("referrals", self.tr("Referrals"), ALL_CASE_ROLES, intro(
                self.tr("Referrals"), self.tr("Referral packets to police, court and other "
                                              "agencies."))),
            Section("statistics", self.tr("Statistics"), ALL_CASE_ROLES,
                    screen("xinhe.ui.screens.statistics:StatisticsScreen")),
            Section("admin", self.tr("Admin"), ("admin",), intro(
                self.tr("Admin"), self.tr("Accounts, templates, lock settings and backup."))),
        ]

    def show_section_at(self, row: int) -> None:
        if row < 0:
            return
        section = self.sections[row]
        if section.key not in self._built:
            page = section.build(self.ctx)
            holder = self.stack.widget(row)
            assert holder is not None and holder.layout() is not None
            holder.layout().addWidget(page)  # type: ignore[union-attr]
            self._built[section.key] = page
        self.stack.setCurrentIndex(row)

    def show_section(self, key: str) -> QWidget | None:
        for row, section in enumerate(self.sections):
            if section.key == key:
                self.nav.setCurrentRow(row)
                return self._built.get(key)
        return None

    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        event.ignore()
        self.quit_requested.emit()
