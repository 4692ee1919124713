"""转介: every referral the user may see, with its status — draft, signed (and why it
was not delivered), delivered, acknowledged — and what can be done with it next."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xinhe.export.outbox import file_name as outbox_file_name
from xinhe.records import vocab
from xinhe.records.referrals import Referral
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.models.referrals_model import STATUS_COLUMN, ReferralsModel, StatusFilter, status_text
from xinhe.ui.operations import referrals as ops
from xinhe.ui.save_dialogs import ask_save_path
from xinhe.ui.screens.chunked import MAX_COLUMN_WIDTH, SIZE_SAMPLE
from xinhe.ui.screens.common import WhenShown
from xinhe.ui.widgets import label

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


class ReferralsScreen(QWidget):
    STATUS_FILTERS = ("", "draft", "signed", "delivered", "acknowledged", "recalled")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Referrals"), "pageTitle"))
        layout.addWidget(label(self.tr(
            "Referral packets to police, court and other agencies. A referral is started from "
            "its case; here it is signed, delivered again when the outbox was unreachable, "
            "and its acknowledgement recorded."), "hint"))
        bar = QHBoxLayout()
        bar.addWidget(label(self.tr("Show"), wrap=False))
        self.filter = QComboBox()
        for code, text in zip(self.STATUS_FILTERS, (
                self.tr("All"), self.tr("Drafts"), self.tr("Signed, not delivered"),
                self.tr("Delivered"), self.tr("Acknowledged"), self.tr("Recalled")),
                strict=True):
            self.filter.addItem(text, code)
        self.filter.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.filter)
        bar.addStretch()
        self.certificate = QPushButton(self.tr("Export studio certificate…"))
        self.certificate.setToolTip(self.tr("The certificate receivers use to check the "
                                            "signature (xinhe verify --trust)."))
        self.certificate.clicked.connect(self.export_certificate)
        bar.addWidget(self.certificate)
        layout.addLayout(bar)
        self.model = ReferralsModel(self)
        self.proxy = StatusFilter(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sized = False
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.table.doubleClicked.connect(lambda _i: self.open_draft())
        layout.addWidget(self.table, 1)
        self.details = label("", "hint")
        layout.addWidget(self.details)
        self.message = label("")
        layout.addWidget(self.message)
        actions = QHBoxLayout()
        self.continue_button = QPushButton(self.tr("Continue and sign…"))
        self.continue_button.clicked.connect(self.open_draft)
        self.deliver_button = QPushButton(self.tr("Deliver again"))
        self.deliver_button.clicked.connect(self.deliver_again)
        self.acknowledge_button = QPushButton(self.tr("Record acknowledgement…"))
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.copy_button = QPushButton(self.tr("Save a copy of the PDF…"))
        self.copy_button.clicked.connect(self.save_copy)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(lambda: self.print_selected())
        self.recall_button = QPushButton(self.tr("Recall…"))
        self.recall_button.setToolTip(self.tr("Recall a delivered referral: a signed notice "
                                              "goes to the agency through the outbox."))
        self.recall_button.clicked.connect(self.recall)
        for button in (self.continue_button, self.deliver_button, self.acknowledge_button,
                       self.copy_button, self.print_button, self.recall_button):
            actions.addWidget(button)
        actions.addStretch()
        layout.addLayout(actions)
        self._enable()
        self.refresh_when_shown = WhenShown(self, self.refresh)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    # -- data ------------------------------------------------------------------------------
    def refresh(self) -> None:
        ops.load_referrals(ctx=self.ctx, parent=self, on_done=self._loaded)

    def _loaded(self, rows: list[Referral]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        if rows and not self.sized:  # once: later the person's own widths stay
            self._size_columns()
            self.sized = True
        if selected is not None:
            self.select(selected.id)
        self._enable()

    def _size_columns(self) -> None:
        """Widths from the header and the first rows' texts (resizeColumnToContents asked
        the model for every column of 100 rows, ~40 ms on the UI thread)."""
        header = self.table.horizontalHeader()
        metrics, header_metrics = self.table.fontMetrics(), header.fontMetrics()
        sample = self.model.sample_texts(SIZE_SAMPLE)
        for column in range(STATUS_COLUMN):
            widest = max((metrics.horizontalAdvance(texts[column]) for texts in sample),
                         default=0)
            title = header_metrics.horizontalAdvance(self.model.headers[column]) + 32
            header.resizeSection(column, min(max(widest + 16, title), MAX_COLUMN_WIDTH))

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.REFERRAL, Change.CONSENT, Change.CASE}:
            self.refresh_when_shown()

    def _apply_filter(self) -> None:
        self.proxy.set_status(self.filter.currentData() or "")
        self._enable()

    def selected(self) -> Referral | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.proxy.mapToSource(rows[0]).data(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, Referral) else None

    def select(self, referral_id: int) -> None:
        for row, referral in enumerate(self.model.rows):
            if referral.id == referral_id:
                self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return

    def _enable(self) -> None:
        referral = self.selected()
        status = referral.status if referral else ""
        self.details.setText(self.describe(referral) if referral else "")
        self.continue_button.setEnabled(status == "draft")
        self.deliver_button.setEnabled(status == "signed" or bool(
            status == "recalled" and referral and referral.status_note))
        self.acknowledge_button.setEnabled(status == "delivered")
        self.copy_button.setEnabled(status in ("signed", "delivered", "acknowledged",
                                               "recalled"))
        self.print_button.setEnabled(status in ("signed", "delivered", "acknowledged",
                                                "recalled"))
        self.recall_button.setEnabled(status in ("delivered", "acknowledged") and
                                      self.ctx.has_role("counsellor", "supervisor"))

    def describe(self, r: Referral) -> str:
        """The selected referral's history in one or two lines."""
        parts = [f"{r.referral_no} · {status_text(r)}",
                 self.tr("drafted by %1 on %2").replace("%1", r.created_by)
                 .replace("%2", r.created_at[:10])]
        if r.signed_at:
            parts.append(self.tr("signed by %1 on %2").replace("%1", r.signed_by or "")
                         .replace("%2", r.signed_at[:10]))
        if r.delivered_to:
            parts.append(self.tr("delivered to %1").replace("%1", r.delivered_to))
        if r.acknowledgement:
            parts.append(self.tr("confirmed: %1").replace("%1", r.acknowledgement))
        if r.file_sha256:
            parts.append(f"SHA-256 {r.file_sha256[:16]}…")
        if r.recalled_at:
            parts.append(self.tr("recalled by %1 on %2: %3").replace("%1", r.recalled_by or "")
                         .replace("%2", r.recalled_at[:10]).replace("%3", r.recall_reason or ""))
        return "; ".join(parts)

    def say(self, text: str, kind: str = "ok") -> None:
        self.message.setObjectName(kind)
        self.message.setStyleSheet("")
        self.message.setText(text)

    # -- actions -------------------------------------------------------------------------------
    def open_draft(self) -> None:
        referral = self.selected()
        if referral is None or referral.status != "draft":
            return
        from xinhe.ui.referral_wizard import open_referral_wizard  # with QtPdf: ~40 ms

        open_referral_wizard(self.ctx, referral.case_id, self, referral_id=referral.id)

    def deliver_again(self) -> None:
        referral = self.selected()
        if referral is None:
            return

        def done(result: Any) -> None:
            if result.delivered:
                self.say(self.tr("%1 delivered: %2").replace("%1", referral.referral_no)
                         .replace("%2", str(result.delivered_to)))
            else:
                self.say(result.failure.message(), "warning")
        if referral.status == "recalled":
            ops.deliver_recall_again(ctx=self.ctx, referral_id=referral.id, parent=self,
                                     on_done=done)
            return
        ops.deliver_again(ctx=self.ctx, referral_id=referral.id, parent=self, on_done=done)

    def acknowledge(self) -> None:
        referral = self.selected()
        if referral is None:
            return
        note, ok = QInputDialog.getText(
            self, self.tr("Record acknowledgement"),
            self.tr("Who at %1 confirmed receipt, how and when:")
            .replace("%1", vocab.label(vocab.AGENCIES, referral.agency)))
        if not ok:
            return
        ops.acknowledge(ctx=self.ctx, referral_id=referral.id, note=note, parent=self,
                        on_done=lambda _r: self.say(self.tr("Acknowledgement recorded.")))

    def save_copy(self) -> None:
        referral = self.selected()
        if referral is None:
            return
        name = outbox_file_name(referral.referral_no, referral.agency)
        path = ask_save_path(self, self.tr("Save a copy of the signed PDF"), name,
                             self.tr("PDF files (*.pdf)"), suffix=".pdf")
        if path is None:
            return
        ops.save_signed_copy(ctx=self.ctx, referral_id=referral.id, path=path,
                             parent=self, on_done=lambda _r: self.say(
                                 self.tr("Saved: %1").replace("%1", str(path))))

    def print_selected(self, printer: QPrinter | None = None) -> None:
        """Print the signed referral (the recall notice, once recalled); audited."""
        from xinhe.ui.printing import print_signed

        referral = self.selected()
        if referral is None:
            return
        print_signed(ctx=self.ctx, parent=self, printer=printer, title=referral.referral_no,
                     fetch=partial(ops.print_copy, referral_id=referral.id),
                     on_done=lambda: self.say(self.tr("%1 sent to the printer.")
                                              .replace("%1", referral.referral_no)))

    def recall(self) -> None:
        from xinhe.ui.dialogs.consent_dialog import offer_recall

        referral = self.selected()
        if referral is None:
            return

        def done(results: object) -> None:
            failed = [r for r in results if not r.delivered] if isinstance(results, list) \
                else []
            if failed:
                self.say(failed[0].failure.message(), "warning")
            else:
                self.say(self.tr("%1 recalled; the notice is in the outbox.")
                         .replace("%1", referral.referral_no))
        offer_recall(self.ctx, self, [referral], on_done=done)

    def export_certificate(self) -> None:
        path = ask_save_path(self, self.tr("Export the studio certificate"),
                             "studio-certificate.pem", self.tr("Certificates (*.pem)"),
                             suffix=".pem")
        if path is None:
            return
        ops.export_certificate(ctx=self.ctx, path=path, parent=self, on_done=lambda fp:
                               self.say(self.tr("Certificate saved: %1 — fingerprint (SHA-256) "
                                                "%2").replace("%1", str(path))
                                        .replace("%2", fp)))
