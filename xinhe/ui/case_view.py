"""One case: header (client, risk with its history, status, people, clocks), the timeline
of everything in it, the selected record, and the actions the role may take."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records import vocab
from xinhe.records.clients import MASK
from xinhe.records.templates_summary import pending_text
from xinhe.records.timeline import TimelineEntry
from xinhe.ui import case_actions, operations
from xinhe.ui.case_data import (
    CaseData,
    entry_title,
    local_time,
    status_text,
)
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.clock_notice import clock_name
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.score_chart import ScoreCharts
from xinhe.ui.style import RISK_COLOURS
from xinhe.ui.widgets import label

REFRESH_ON = {Change.CASE, Change.SESSION, Change.ASSESSMENT, Change.CRISIS, Change.SAFETY_PLAN,
              Change.FOLLOWUP, Change.CLOCK, Change.REVIEW, Change.RISK, Change.REFERRAL,
              Change.CONSENT, Change.ATTACHMENT, Change.ADDENDUM, Change.CLIENT}


class CaseView(QWidget):
    title_changed = Signal(str)

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.data: CaseData | None = None
        self.entries: list[TimelineEntry] = []
        self.open_audited = False
        self.wanted: Any = None  # the record to show after the next load
        self.revealed: dict[str, str] = {}  # confidential fields the user asked to see
        layout = QVBoxLayout(self)
        self.header = label("", wrap=True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setObjectName("caseHeader")
        self.header.linkActivated.connect(self._header_link)
        layout.addWidget(self.header)
        self.clocks = label("", wrap=True)
        self.clocks.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.clocks)
        self.actions_row = QHBoxLayout()
        layout.addLayout(self.actions_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("When"), self.tr("Record"), self.tr("Status"),
                                   self.tr("By")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setColumnWidth(0, 130)
        self.tree.setColumnWidth(1, 210)
        self.tree.setColumnWidth(2, 150)
        self.tree.currentItemChanged.connect(lambda item, _old: self._select(item))
        self.tree.itemDoubleClicked.connect(lambda item, _c: self._primary(item))
        split.addWidget(self.tree)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.scores = ScoreCharts(ctx, case_id, right)
        right_layout.addWidget(self.scores)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        right_layout.addWidget(self.detail, 1)
        self.detail_actions = QHBoxLayout()
        right_layout.addLayout(self.detail_actions)
        split.addWidget(right)
        split.setSizes([620, 560])
        layout.addWidget(split, 1)
        ctx.bus.changed.connect(self._changed)
        self.reload()

    # -- loading -----------------------------------------------------------------------------
    def _changed(self, kinds: Changes) -> None:
        if kinds & REFRESH_ON:
            self.reload()

    def reload(self) -> None:
        # The first load is the open (audited once); a failed open lets the next load retry.
        opening, self.open_audited = not self.open_audited, True

        def failed(exc: BaseException) -> None:
            if opening:
                self.open_audited = False
            operations.show_failure(self, exc)
        case_ops.load_case(ctx=self.ctx, parent=self, case_id=self.case_id, opening=opening,
                           on_done=self._loaded, on_failure=failed)

    def _loaded(self, data: CaseData) -> None:
        self.data = data
        h = data.header
        self.title_changed.emit(f"{h.case_no} {h.client.name}")
        self.header.setText(self._header_html(data))
        self.header.setToolTip(self._risk_history_text(data))
        self.clocks.setText(self._clocks_html(data))
        if not self.scores.enabled:
            self.scores.show_for(h.can_read_notes)
        self._build_actions()
        selected, self.wanted = self.wanted or self._selected_key(), None
        self.tree.clear()
        self.entries = data.timeline
        templates = self.ctx.services.templates
        for entry in data.timeline:
            item = QTreeWidgetItem([local_time(entry.at), entry_title(entry, templates),
                                    status_text(entry.status) + (
                                        f" · {vocab.label(vocab.RISK_LEVELS, entry.level)}"
                                        if entry.level else "") + (
                                        f" · +{entry.addenda}" if entry.addenda else ""),
                                    entry.author])
            item.setData(0, Qt.ItemDataRole.UserRole, (entry.kind, entry.record_id))
            if entry.status in ("draft", "cosign_pending", "due"):
                item.setForeground(2, Qt.GlobalColor.darkYellow)
            self.tree.addTopLevelItem(item)
            if (entry.kind, entry.record_id) == tuple(selected or ()):
                self.tree.setCurrentItem(item)
        first = self.tree.topLevelItem(0)
        if self.tree.currentItem() is None and first is not None:
            self.tree.setCurrentItem(first)
        if not self.tree.topLevelItemCount():
            empty = self.tr("Nothing recorded yet.")
            self.detail.setHtml(f"<p>{html.escape(empty)}</p>")

    def show_saved_session(self, note: object) -> None:
        """After a note is saved or signed from this case, the preview shows that note (the
        save's change notice has already asked for the reload that brings it)."""
        note_id = getattr(note, "id", None)
        if note_id is not None:
            self.wanted = ("session", int(note_id))

    def _selected_key(self) -> Any:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _entry(self, item: QTreeWidgetItem | None) -> TimelineEntry | None:
        if item is None:
            return None
        key = item.data(0, Qt.ItemDataRole.UserRole)
        return next((e for e in self.entries if (e.kind, e.record_id) == tuple(key)), None)

    def _header_html(self, data: CaseData) -> str:
        h, client = data.header, data.header.client
        age = client.age_on(datetime.now().date())
        facts = [vocab.label(vocab.GENDERS, client.gender) if client.gender else "",
                 self.tr("%n years", "", age) if age is not None else ""]
        facts = [f for f in facts if f]
        name = client.name + (self.tr(" (called %1)").replace("%1", client.alias)
                              if client.alias else "")
        who = html.escape(name) + (
            f"（{'，'.join(facts)}）" if facts and language() == "zh_CN" else
            f" ({', '.join(facts)})" if facts else "")
        risk = h.risk_level
        badge = (f"<span style='background:{RISK_COLOURS[risk]}; color:white; "
                 f"padding:2px 8px'>&nbsp;{html.escape(vocab.label(vocab.RISK_LEVELS, risk))}"
                 f"{'*' if h.risk_overridden else ''}&nbsp;</span>" if risk else
                 html.escape(self.tr("Risk not yet assessed")))
        parts = [f"<span style='font-size:15pt; font-weight:bold'>{html.escape(h.case_no)} · "
                 f"{who}</span> &nbsp; {badge}{self._instruments_html(data)}",
                 " · ".join(html.escape(x) for x in (
                     vocab.label(vocab.CATEGORIES, h.category),
                     vocab.label(vocab.STATUSES, h.status),
                     self.tr("Counsellor: %1").replace("%1", h.counsellor_name),
                     self.tr("Supervisor: %1").replace("%1", h.supervisor_name)
                     if h.supervisor_name else "",
                     self.tr("Source: %1").replace("%1", vocab.label(vocab.SOURCES, h.source)),
                     self.tr("Opened %1").replace("%1", local_time(h.opened_at, False)),
                 ) if x)]
        if h.platform_ref:
            parts[1] += " · " + html.escape(self.tr("Platform no. %1").replace(
                "%1", h.platform_ref))
        if h.shared_with:
            parts[1] += " · " + html.escape(self.tr("Shared with %1").replace(
                "%1", "、".join(h.shared_with)))
        line = self._client_line(client)
        if line:
            parts.append(line)
        return "<br>".join(parts)

    def _client_line(self, client: Any) -> str:
        """Where and how to reach the client: a confidential field masked (in red, with the
        reason as its tooltip) and a link to show it, which is audited."""
        labels = {"phone": self.tr("Phone"), "address": self.tr("Address"),
                  "workplace": self.tr("Workplace"), "child_school": self.tr("Children's school"),
                  "new_location": self.tr("New location")}
        out = [html.escape(x) for x in (client.street, client.community) if x]
        for key, title in labels.items():
            value = getattr(client, key)
            if not value:
                continue
            if key in self.revealed:
                out.append(f"{html.escape(title)}: <span style='color:#b00020'>"
                           f"{html.escape(self.revealed[key])}</span>")
            elif client.is_masked(key):
                out.append(f"{html.escape(title)}: <span style='color:#b00020' title='"
                           f"{html.escape(client.confidential[key], quote=True)}'>"
                           f"{html.escape(self.tr('confidential'))} {MASK}</span> "
                           f"<a href='reveal:{key}'>{html.escape(self.tr('show'))}</a>")
            else:
                out.append(f"{html.escape(title)}: {html.escape(value)}")
        links = []
        if self.data is not None and self.data.header.can_read_notes:
            persons = self.tr("People around her")  # lupdate cannot read tr() in an f-string
            links.append(f"<a href='persons:'>{html.escape(persons)}</a>")
        if self.can_write():
            details = self.tr("Client details")
            links.append(f"<a href='client:'>{html.escape(details)}</a>")
        return " · ".join(out + links)

    def reveal(self, key: str) -> None:
        """Show one confidential field of the client (the records layer audits it)."""
        if self.data is None:
            return
        client_id = self.data.header.client.id

        def shown(value: object) -> None:
            self.revealed[key] = str(value or "")
            if self.data is not None:
                self.header.setText(self._header_html(self.data))
        case_ops.reveal_client_field(ctx=self.ctx, parent=self, client_id=client_id, key=key,
                                     on_done=shown)

    def _instruments_html(self, data: CaseData) -> str:
        """What the level rests on, in each instrument's own words ("危险因素得分 19 · 严重
        危险"), and what is still to ask, with the way to complete it."""
        out = ""
        for state in data.instruments:
            summary = state.summary
            if summary.totals:
                out += " &nbsp; " + html.escape(" · ".join(summary.totals))
            todo = list(summary.incomplete) + (
                [pending_text(summary.pending, language())] if summary.pending else [])
            if todo:
                action = html.escape(self.tr("Complete it…"))
                link = (f" <a href='complete:{state.assessment_id}'>{action}</a>"
                        if self.can_write() else "")
                out += (" &nbsp; <span style='color:#8a5300'>" +
                        html.escape(" · ".join(todo)) + f"</span>{link}")
        return out

    def _header_link(self, link: str) -> None:
        kind, _, record = link.partition(":")
        if kind == "complete" and record.isdigit():
            case_actions.complete_assessment(self, int(record))
        elif kind == "reveal":
            self.reveal(record)
        elif kind == "persons":
            from xinhe.ui.linked_persons import LinkedPersonsDialog

            LinkedPersonsDialog(self.ctx, self.case_id, self.can_write(), self).open()
        elif kind == "client" and self.data is not None:
            from xinhe.ui.dialogs.client_details import ClientDetailsDialog

            ClientDetailsDialog(self.ctx, self.data.header.client, self).open()

    def _risk_history_text(self, data: CaseData) -> str:
        if not data.risk_history:
            return self.tr("No risk changes yet.")
        lines = [self.tr("Risk history:")]
        for change in data.risk_history:
            text = (f"{local_time(change.changed_at)}  "
                    f"{vocab.label(vocab.RISK_LEVELS, change.previous) or '—'} → "
                    f"{vocab.label(vocab.RISK_LEVELS, change.level) or '—'}  "
                    f"{change.changed_by}")
            if change.reason:
                text += f"：{change.reason}" if language() == "zh_CN" else f": {change.reason}"
            lines.append(text)
        return "\n".join(lines)

    def _clocks_html(self, data: CaseData) -> str:
        now = datetime.now().astimezone()
        items = []
        for clock in data.clocks:
            late = datetime.fromisoformat(clock.due_at) < now
            due_text = self.tr("due %1").replace("%1", local_time(clock.due_at))
            text = f"{clock_name(clock.kind, clock.urgent)}: {due_text}"
            if late:
                text += self.tr(" (overdue)")
            colour = "#b00020" if late else "#8a5300"
            items.append(f"<b style='color:{colour}'>{html.escape(text)}</b>")
        open_reviews = [r for r in data.reviews if r.status == "open"]
        if open_reviews:
            items.append("<span style='color:#6d3b7d'>" + html.escape(
                self.tr("%n item(s) waiting for the supervisor", "", len(open_reviews)))
                + "</span>")
        return " &nbsp; ".join(items)

    # -- actions -------------------------------------------------------------------------------
    def can_write(self) -> bool:
        return bool(self.data and self.data.header.can_read_notes and
                    self.ctx.has_role("counsellor", "supervisor"))

    def _build_actions(self) -> None:
        while self.actions_row.count():
            item = self.actions_row.takeAt(0)
            if item and item.widget():
                item.widget().deleteLater()  # type: ignore[union-attr]
        for text, handler, shortcut in case_actions.main_actions(self):
            button = QPushButton(text)
            button.clicked.connect(handler)
            if shortcut:
                button.setShortcut(shortcut)
                button.setToolTip(shortcut)
            self.actions_row.addWidget(button)
        more = case_actions.more_actions(self)
        if more:
            menu = QMenu(self)
            for text, handler in more:
                action = QAction(text, menu)
                action.triggered.connect(handler)
                menu.addAction(action)
            more_button = QToolButton()
            more_button.setText(self.tr("More…"))
            more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            more_button.setMenu(menu)
            self.actions_row.addWidget(more_button)
        self.actions_row.addStretch()

    def _select(self, item: QTreeWidgetItem | None) -> None:
        entry = self._entry(item)
        while self.detail_actions.count():
            old = self.detail_actions.takeAt(0)
            if old and old.widget():
                old.widget().deleteLater()  # type: ignore[union-attr]
        if entry is None:
            return
        case_ops.load_detail(ctx=self.ctx, parent=self, entry=entry, on_done=self.detail.setHtml)
        for action in case_actions.record_actions(self, entry):
            button = QPushButton(action.text)
            button.clicked.connect(action.handler)
            if action.refused:  # offered only as far as the records layer would allow
                button.setEnabled(False)
                button.setToolTip(action.refused)
            self.detail_actions.addWidget(button)
        self.detail_actions.addStretch()

    def _primary(self, item: QTreeWidgetItem | None) -> None:
        entry = self._entry(item)
        if entry is not None:
            allowed = [a for a in case_actions.record_actions(self, entry) if not a.refused]
            if allowed:
                allowed[0].handler()

    def choose_file(self, then: Callable[[str], object]) -> QWidget:
        """The file to attach; `then(path)` once chosen (never after a lock)."""
        from xinhe.ui.asking import choose_file

        return choose_file(self, self.tr("Attach a file"), "", self.tr(
            "Photos, scans and documents (*.jpg *.jpeg *.png *.pdf *.txt)"), then)

    def may_close(self) -> bool:
        return True
