"""督导审核: the supervisor's queue, most urgent first, with the selected item's note shown
beside it to read before deciding — open the case, co-sign (asked once, the result said),
return with a comment, reassign, change the risk with a reason."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import pick
from xinhe.records import vocab
from xinhe.records.reviews import KINDS, ReviewItem
from xinhe.ui.case_actions import reassign_case
from xinhe.ui.case_data import local_time
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.simple import SimpleForm
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.operations import review as review_ops
from xinhe.ui.screens.common import add_row, item_list, time_left
from xinhe.ui.widgets import label


class ReviewScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: dict[int, ReviewItem] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Review queue"), "pageTitle"))
        layout.addWidget(label(self.tr(
            "High-risk cases are to be reviewed within 24 hours of becoming high risk. Notes "
            "on high-risk cases wait here for your co-signature."), "hint"))
        self.include_done = QCheckBox(self.tr("Show handled items"))
        self.include_done.toggled.connect(lambda _on: self.reload())
        layout.addWidget(self.include_done)
        self.list = item_list([self.tr("Time left"), self.tr("What"), self.tr("Case"),
                               self.tr("Client"), self.tr("Risk"), self.tr("Asked by"),
                               self.tr("Comment")])
        self.list.currentItemChanged.connect(lambda *_: self._selected())
        self.list.itemDoubleClicked.connect(lambda *_: self.open_case())
        self.note = QTextBrowser()  # read-only: what is co-signed is read first
        self.note.setObjectName("reviewNote")
        self.note.setOpenLinks(False)
        self.note.setPlaceholderText(self.tr("Choose an item to read what it is about here."))
        self.shown: int | None = None  # the item whose text the pane holds
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.note)
        split.setSizes([560, 620])
        layout.addWidget(split, 1)
        self.status = label("", "hint")
        self.status.setObjectName("reviewStatus")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.buttons = {
            "open": QPushButton(self.tr("Open the case")),
            "cosign": QPushButton(self.tr("Co-sign / mark reviewed")),
            "return": QPushButton(self.tr("Return with a comment…")),
            "risk": QPushButton(self.tr("Change risk…")),
            "reassign": QPushButton(self.tr("Reassign…")),
        }
        self.buttons["cosign"].setObjectName("primary")
        for key, handler in (("open", self.open_case), ("cosign", self.cosign),
                             ("return", self.send_back), ("risk", self.change_risk),
                             ("reassign", self.reassign)):
            self.buttons[key].clicked.connect(handler)
            row.addWidget(self.buttons[key])
        row.addStretch()
        layout.addLayout(row)
        ctx.bus.changed.connect(self._changed)
        ctx.bus.open_review.connect(self.select)
        self._wanted: int | None = None
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.REVIEW, Change.CASE, Change.RISK, Change.SESSION, Change.CRISIS}:
            self.reload()

    def reload(self) -> None:
        done = self.include_done.isChecked()
        review_ops.load_queue(ctx=self.ctx, parent=self, include_done=done,
                              on_done=self._loaded)

    def _loaded(self, items: list[ReviewItem]) -> None:
        current = self.current()
        if self._wanted is None and current is not None:
            self._wanted = current.id  # a refresh keeps what is being read
        self.list.clear()
        self.items = {i.id: i for i in items}
        for item in items:
            left, overdue = time_left(item.due_at) if item.status == "open" else (
                local_time(item.decided_at), False)
            added = add_row(self.list, [left, pick(*KINDS.get(item.kind, (item.kind,
                                                                          item.kind))),
                                        item.case_no, item.client_name,
                                        vocab.label(vocab.RISK_LEVELS, item.risk_level),
                                        item.requested_by, item.comment or ""], item.id,
                            overdue=overdue, risk=item.risk_level, risk_column=4)
            if item.id == self._wanted:
                self.list.setCurrentItem(added)
        self._wanted = None
        if not items:
            add_row(self.list, [self.tr("Nothing is waiting for you.")], None).\
                setFirstColumnSpanned(True)
        self._enable()

    def select(self, review_id: int) -> None:
        self._wanted = review_id
        self.reload()

    def current(self) -> ReviewItem | None:
        item = self.list.currentItem()
        return self.items.get(item.data(0, Qt.ItemDataRole.UserRole)) if item else None

    def _enable(self) -> None:
        item = self.current()
        open_ = item is not None and item.status == "open"
        self.buttons["open"].setEnabled(item is not None)
        for key in ("cosign", "return"):
            self.buttons[key].setEnabled(open_ and item is not None and item.kind != "closure")
        for key in ("risk", "reassign"):
            self.buttons[key].setEnabled(item is not None)

    def _selected(self) -> None:
        self._enable()
        item = self.current()
        if item is None:
            self.shown = None
            self.note.clear()
            return
        if item.id == self.shown:
            return
        self.shown = item.id
        self.note.setHtml("<p>" + self.tr("Loading…") + "</p>")
        review_id = item.id

        def show(text: str) -> None:
            if self.shown == review_id:  # not an answer for an item no longer selected
                self.note.setHtml(text)
        review_ops.load_review_note(ctx=self.ctx, parent=self, review_id=review_id,
                                    on_done=show)

    def _what(self, item: ReviewItem) -> str:
        """The item's subject, as the status line and the question name it."""
        if item.kind == "cosign":
            subject = (self.tr("the crisis intervention record of %1")
                       if item.target_type == "crisis" else
                       self.tr("the session note of %1"))
        elif item.kind == "high_risk":
            subject = self.tr("the high-risk review of %1")
        else:
            subject = self.tr("the review request of %1")
        return subject.replace("%1", item.case_no)

    def say(self, text: str) -> None:
        self.status.setText(text)

    def open_case(self) -> None:
        item = self.current()
        if item is not None:
            self.ctx.bus.open_case.emit(item.case_id)

    def cosign(self) -> None:
        """Ask once (naming what is co-signed); on Yes co-sign and say so."""
        item = self.current()
        if item is None:
            return
        what = self._what(item)
        if item.kind == "cosign":
            question = self.tr("Co-sign %1? You confirm that you have read it; it is kept "
                               "with your name and the time.").replace("%1", what)
            done = self.tr("Co-signed %1.").replace("%1", what)
        else:
            question = self.tr("Mark %1 as reviewed?").replace("%1", what)
            done = self.tr("Reviewed: %1.").replace("%1", what)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Co-sign"), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmCosign")
        box.button(QMessageBox.StandardButton.Yes).setText(
            self.tr("Co-sign") if item.kind == "cosign" else self.tr("Mark reviewed"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        review_id = item.id

        def answered(button: int) -> None:
            if button != QMessageBox.StandardButton.Yes:
                return
            review_ops.cosign(ctx=self.ctx, parent=self, review_id=review_id,
                              on_done=lambda _r: self.say(done))
        box.finished.connect(answered)
        box.open()

    def send_back(self) -> None:
        item = self.current()
        if item is None:
            return
        done = self.tr("Returned %1 to the counsellor with your comment.").replace(
            "%1", self._what(item))
        form = SimpleForm(self.ctx, self.tr("Return with a comment"), parent=self)
        form.add_text("comment", self.tr("Comment for the counsellor"))
        form.run(partial(review_ops.return_with_comment, review_id=item.id), {Change.REVIEW},
                 on_done=lambda _r: self.say(done))

    def change_risk(self) -> None:
        item = self.current()
        if item is None:
            return
        form = SimpleForm(self.ctx, self.tr("Change the risk level"), parent=self)
        form.add_choice("level", self.tr("Level"),
                        [(k, vocab.label(vocab.RISK_LEVELS, k)) for k in ("high", "medium",
                                                                          "low")],
                        item.risk_level)
        form.add_text("reason", self.tr("Reason"))
        form.run(partial(case_ops.override_risk, case_id=item.case_id),
                 {Change.RISK, Change.CASE, Change.REVIEW})

    def reassign(self) -> None:
        item = self.current()
        if item is None:
            return
        reassign_case(self.ctx, self, item.case_id)
