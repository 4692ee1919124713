"""The administrator's referral settings (a tab of the admin screen): the studio's signing
certificate, the platform's outbox folder, and the per-agency field policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xinhe.records.referral_policy import (
    FieldPolicy,
    load_policy,
    outbox_folder,
    policy_is_default,
)
from xinhe.records.services import Services
from xinhe.records.signing_store import IdentityInfo, expires_soon
from xinhe.ui import operations
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.identity_dialog import IdentityDialog
from xinhe.ui.operations import referrals as ops
from xinhe.ui.policy_grid import PolicyGrid
from xinhe.ui.save_dialogs import ask_folder, ask_save_path
from xinhe.ui.widgets import label


@dataclass(frozen=True)
class AdminState:
    current: IdentityInfo | None
    history: list[IdentityInfo]
    outbox: str
    policy: FieldPolicy
    policy_is_default: bool


def load_state(services: Services) -> AdminState:
    vault = services.vault
    vault.require_role("admin")
    folder = outbox_folder(vault)
    return AdminState(services.signing.current(), services.signing.history(),
                      str(folder) if folder else "", load_policy(vault), policy_is_default(vault))


class ReferralAdminPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state: AdminState | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._identity_box())
        layout.addWidget(self._outbox_box())
        from xinhe.ui.screens.platform_setting import PlatformInboxSetting

        layout.addWidget(PlatformInboxSetting(ctx, self))
        layout.addWidget(self._policy_box(), 1)
        ctx.bus.changed.connect(self._changed)
        self.refresh()

    # -- building ---------------------------------------------------------------------------
    def _identity_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Studio signing certificate"))
        layout = QVBoxLayout(box)
        form = QFormLayout()
        self.subject = label("")
        self.fingerprint = label("")
        self.validity = label("")
        self.source = label("")
        form.addRow(self.tr("Studio"), self.subject)
        form.addRow(self.tr("Fingerprint (SHA-256)"), self.fingerprint)
        form.addRow(self.tr("Valid"), self.validity)
        form.addRow(self.tr("Made"), self.source)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.generate_button = QPushButton(self.tr("Make a new certificate…"))
        self.generate_button.clicked.connect(lambda: self._replace(importing=False))
        self.import_button = QPushButton(self.tr("Import from the district CA (.p12)…"))
        self.import_button.clicked.connect(lambda: self._replace(importing=True))
        self.export_button = QPushButton(self.tr("Export certificate…"))
        self.export_button.clicked.connect(self.export_certificate)
        for button in (self.generate_button, self.import_button, self.export_button):
            row.addWidget(button)
        row.addStretch()
        layout.addLayout(row)
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([self.tr("Fingerprint"), self.tr("Valid until"),
                                                self.tr("Made"), self.tr("Replaced")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setMaximumHeight(96)
        layout.addWidget(self.history)
        self.identity_message = label("")
        layout.addWidget(self.identity_message)
        return box

    def _outbox_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Platform outbox"))
        layout = QVBoxLayout(box)
        layout.addWidget(label(self.tr(
            "Signed referrals and the manifest are written to this folder, normally the "
            "platform's mapped share."), "hint"))
        row = QHBoxLayout()
        self.outbox = QLineEdit()
        self.outbox.setPlaceholderText(self.tr("e.g. Z:\\转介发件箱 or /mnt/platform/outbox"))
        row.addWidget(self.outbox, 1)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self.choose_outbox)
        row.addWidget(browse)
        self.save_outbox_button = QPushButton(self.tr("Save"))
        self.save_outbox_button.clicked.connect(self.save_outbox)
        row.addWidget(self.save_outbox_button)
        layout.addLayout(row)
        self.outbox_message = label("")
        layout.addWidget(self.outbox_message)
        return box

    def _policy_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("What each agency may receive"))
        layout = QVBoxLayout(box)
        self.policy_note = label("", "hint")
        layout.addWidget(self.policy_note)
        self.grid = PolicyGrid()
        layout.addWidget(self.grid, 1)
        row = QHBoxLayout()
        self.save_policy_button = QPushButton(self.tr("Save the policy"))
        self.grid.changed.connect(lambda: self.save_policy_button.setEnabled(True))
        self.save_policy_button.setObjectName("primary")
        self.save_policy_button.clicked.connect(self.save_policy)
        self.reset_button = QPushButton(self.tr("Go back to the shipped policy"))
        self.reset_button.clicked.connect(self.reset_policy)
        row.addWidget(self.save_policy_button)
        row.addWidget(self.reset_button)
        row.addStretch()
        layout.addLayout(row)
        return box

    # -- showing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        operations.run(self.ctx, load_state, parent=self, on_done=self._show)

    def _changed(self, kinds: Changes) -> None:
        if kinds & {Change.SIGNING_IDENTITY, Change.SETTINGS}:
            self.refresh()

    def _show(self, state: AdminState) -> None:
        self.state = state
        info = state.current
        if info is None:
            self.subject.setText(self.tr("None yet: one is made at the first export, or make "
                                         "one now."))
            for field in (self.fingerprint, self.validity, self.source):
                field.setText("")
        else:
            self.subject.setText(info.subject)
            self.fingerprint.setText(info.fingerprint_groups())
            self.validity.setText(f"{info.not_before[:10]} – {info.not_after[:10]}")
            how = self.tr("imported") if info.source == "imported" else self.tr("generated")
            self.source.setText(f"{how} · {info.created_by} · {info.created_at[:10]}")
            if expires_soon(info, datetime.now(UTC)):
                self.say(self.identity_message, self.tr(
                    "The certificate ends on %1: make or import a new one before then, or "
                    "referrals cannot be signed.").replace("%1", info.not_after[:10]),
                    "warning")
        self.export_button.setEnabled(info is not None)
        past = [i for i in state.history if not i.current]
        self.history.setRowCount(len(past))
        for row, old in enumerate(past):
            for column, text in enumerate((old.fingerprint[:16].upper(), old.not_after[:10],
                                           old.created_at[:10], (old.retired_at or "")[:10])):
                self.history.setItem(row, column, QTableWidgetItem(text))
        self.history.setVisible(bool(past))
        self.outbox.setText(state.outbox)
        self.grid.set_policy(state.policy)
        self.save_policy_button.setEnabled(False)
        self.reset_button.setEnabled(not state.policy_is_default)
        self.policy_note.setText(
            self.tr("The shipped policy is in use. Tick what each agency may receive; police "
                    "never get session notes unless you tick them here.")
            if state.policy_is_default else
            self.tr("The studio's own policy is in use."))

    def say(self, where: QLabel, text: str, kind: str = "ok") -> None:
        where.setObjectName(kind)
        where.setStyleSheet("")
        where.setText(text)

    # -- actions -----------------------------------------------------------------------------
    def _replace(self, importing: bool) -> None:
        dialog = IdentityDialog(self.ctx, importing, self)
        dialog.replaced.connect(lambda info: self.say(
            self.identity_message, self.tr("New certificate in use, fingerprint %1. Send it to "
                                           "the receiving agencies.")
            .replace("%1", info.fingerprint_groups())))
        dialog.open()

    def export_certificate(self) -> None:
        path = ask_save_path(self, self.tr("Export the studio certificate"),
                             "studio-certificate.pem", self.tr("Certificates (*.pem)"),
                             suffix=".pem")
        if path is not None:
            ops.export_certificate(ctx=self.ctx, path=path, parent=self, on_done=lambda _fp:
                                   self.say(self.identity_message, self.tr(
                                       "Certificate saved: %1").replace("%1", str(path))))

    def choose_outbox(self) -> None:
        path = ask_folder(self, self.tr("Outbox folder"), self.outbox.text().strip())
        if path:
            self.outbox.setText(path)

    def save_outbox(self) -> None:
        folder = self.outbox.text().strip()

        def done(reachable: bool) -> None:
            if not folder:
                self.say(self.outbox_message, self.tr("No outbox: signed referrals stay in "
                                                      "the vault until one is set."), "warning")
            elif reachable:
                self.say(self.outbox_message, self.tr("Saved. The folder is reachable."))
            else:
                self.say(self.outbox_message, self.tr(
                    "Saved, but the folder cannot be written to right now. Referrals will "
                    "wait as “signed” until it can."), "warning")
        ops.save_outbox_folder(ctx=self.ctx, parent=self, folder=folder, on_done=done)

    def save_policy(self) -> None:
        policy = self.grid.policy()
        ops.save_policy(ctx=self.ctx, parent=self, policy=policy)

    def reset_policy(self) -> None:
        from xinhe.ui.dialogs.simple import confirm

        confirm(self, self.tr("Shipped policy"), self.tr(
            "Replace the studio's policy with the shipped one?"),
            lambda: ops.reset_policy(ctx=self.ctx, parent=self))
