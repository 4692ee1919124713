"""管理: accounts, template folders with their validation results, lock settings, about.
Removing a user or resetting a password asks again and re-authenticates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe import __version__
from xinhe.records import templates as tpl
from xinhe.records.accounts import ROLES, User
from xinhe.records.services import Services
from xinhe.ui import operations
from xinhe.ui.asking import inform
from xinhe.ui.case_data import local_time
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.simple import SimpleForm, confirm, reauthenticate
from xinhe.ui.operations import accounts as account_ops
from xinhe.ui.operations import admin as admin_ops
from xinhe.ui.roles import role_label
from xinhe.ui.save_dialogs import ask_folder
from xinhe.ui.screens.common import add_row, item_list
from xinhe.ui.widgets import label, password_field


@dataclass(frozen=True)
class UserLine:
    user: User
    locked_until: str | None


def load_users(services: Services) -> list[UserLine]:
    lines = []
    for user in services.accounts.users():
        until = services.accounts.locked_until(user.username)
        lines.append(UserLine(user, until.isoformat() if until else None))
    return lines


class UsersTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lines: dict[str, UserLine] = {}
        layout = QVBoxLayout(self)
        self.list = item_list([self.tr("Login name"), self.tr("Name"), self.tr("Role"),
                               self.tr("State"), self.tr("Last login")])
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.buttons = {key: QPushButton(text) for key, text in (
            ("add", self.tr("Add a user…")), ("toggle", self.tr("Disable")),
            ("unlock", self.tr("Clear lockout")), ("reset", self.tr("Set a new password…")),
            ("remove", self.tr("Remove…")))}
        self.buttons["add"].setObjectName("primary")
        for key, handler in (("add", self.add), ("toggle", self.toggle),
                             ("unlock", self.unlock), ("reset", self.reset),
                             ("remove", self.remove)):
            self.buttons[key].clicked.connect(handler)
            row.addWidget(self.buttons[key])
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(label(self.tr(
            "Removing a user deletes their key and re-encrypts the vault under a new key, so "
            "nothing they may have kept can open it again. Their name stays on the records "
            "they wrote."), "hint"))
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _changed(self, kinds: Changes) -> None:
        if Change.USER in kinds:
            self.reload()

    def reload(self) -> None:
        operations.run(self.ctx, load_users, parent=self, on_done=self._loaded)

    def _loaded(self, lines: list[UserLine]) -> None:
        self.list.clear()
        self.lines = {line.user.username: line for line in lines}
        for line in lines:
            user = line.user
            state = self.tr("Active") if user.active else self.tr("Disabled")
            if line.locked_until:
                state += " · " + self.tr("locked until %1").replace(
                    "%1", local_time(line.locked_until))
            add_row(self.list, [user.username, user.display_name, role_label(user.role), state,
                                local_time(user.last_login_at)], user.username,
                    overdue=not user.active)
        self._enable()

    def current(self) -> UserLine | None:
        item = self.list.currentItem()
        return self.lines.get(item.data(0, Qt.ItemDataRole.UserRole)) if item else None

    def _enable(self) -> None:
        line = self.current()
        mine = line is not None and line.user.id == self.ctx.actor.user_id
        for key in ("toggle", "reset", "remove"):
            self.buttons[key].setEnabled(line is not None and not mine)
        self.buttons["unlock"].setEnabled(line is not None and line.locked_until is not None)
        if line is not None:
            self.buttons["toggle"].setText(self.tr("Disable") if line.user.active
                                           else self.tr("Enable"))

    def add(self) -> None:
        form = SimpleForm(self.ctx, self.tr("Add a user"), self.tr(
            "Give the person their initial password in person; they can change it after "
            "signing in."), self)
        form.add_line("name", self.tr("Full name"))
        form.add_line("login", self.tr("Login name"))
        form.add_choice("role", self.tr("Role"), [(r, role_label(r)) for r in ROLES],
                        "counsellor")
        first, again = password_field(), password_field()
        form.add("password", self.tr("Initial password"), first, first.text)
        form.add("again", self.tr("Password again"), again, again.text)
        form.run(account_ops.add_user, {Change.USER})

    def toggle(self) -> None:
        line = self.current()
        if line is None:
            return
        active = not line.user.active
        admin_ops.set_user_active(ctx=self.ctx, parent=self, username=line.user.username,
                                  active=active)

    def unlock(self) -> None:
        line = self.current()
        if line is not None:
            admin_ops.unlock_account(ctx=self.ctx, parent=self, username=line.user.username)

    def reset(self) -> None:
        line = self.current()
        if line is None:
            return

        def ask_new() -> None:
            form = SimpleForm(self.ctx, self.tr("New password for %1").replace(
                "%1", line.user.display_name), parent=self)
            first, again = password_field(), password_field()
            form.add("password", self.tr("New password"), first, first.text)
            form.add("again", self.tr("Password again"), again, again.text)
            form.run(partial(account_ops.reset_password, username=line.user.username),
                     {Change.USER})
        reauthenticate(self.ctx, self.tr("Setting someone's password is a key change."),
                       ask_new, self)

    def remove(self) -> None:
        line = self.current()
        if line is None:
            return
        def remove() -> None:
            admin_ops.remove_user(ctx=self.ctx, parent=self, username=line.user.username)
        confirm(self, self.tr("Remove a user"),
                self.tr("Remove %1? They will no longer be able to sign in, and the vault is "
                        "re-encrypted under a new key. This cannot be undone.").replace(
                    "%1", f"{line.user.display_name} ({line.user.username})"),
                lambda: reauthenticate(self.ctx, self.tr(
                    "Removing a user changes the vault's key."), remove, self))


class TemplatesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Xinhe ships its forms. An organisation may add its own (for example a licensed "
            "instrument) in a folder; each file is checked and a broken one is reported "
            "with its file and field while the others still load."), "hint"))
        row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("No organisation folder"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        save = QPushButton(self.tr("Use this folder"))
        save.clicked.connect(self.save)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        row.addWidget(save)
        layout.addLayout(row)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        admin_ops.load_template_folder(ctx=ctx, parent=self, on_done=self._loaded)

    def _loaded(self, folder: str) -> None:
        self.folder.setText(folder)
        self.check()

    def _browse(self) -> None:
        path = ask_folder(self, self.tr("Template folder"), self.folder.text().strip())
        if path:
            self.folder.setText(path)
            self.check()

    def check(self) -> None:
        folder = self.folder.text().strip()
        text, _problems = tpl.check_report(Path(folder) if folder else None)
        self.report.setPlainText(text)

    def save(self) -> None:
        folder = self.folder.text().strip()
        admin_ops.set_template_folder(ctx=self.ctx, parent=self, folder=folder,
                                      on_done=self._saved)

    def _saved(self, _result: object) -> None:
        inform(self, self.tr("Templates"), self.tr(
            "Saved. The forms are read again at the next sign-in."))


class LockTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QFormLayout(self)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 120)
        self.minutes.setSuffix(self.tr(" minutes"))
        layout.addRow(self.tr("Lock after being idle for"), self.minutes)
        save = QPushButton(self.tr("Save"))
        save.clicked.connect(self.save)
        layout.addRow("", save)
        layout.addRow(label(self.tr(
            "Locking closes the records until someone signs in again. Unsaved forms are kept "
            "encrypted and come back after signing in. Ctrl+L locks at once."), "hint"))
        admin_ops.load_idle_minutes(ctx=ctx, parent=self, on_done=self.minutes.setValue)

    def save(self) -> None:
        minutes = self.minutes.value()
        admin_ops.set_idle_minutes(ctx=self.ctx, parent=self, minutes=minutes,
                                   on_done=self._saved)

    def _saved(self, _result: object) -> None:
        inform(self, self.tr("Lock"), self.tr(
            "Saved. It applies from the next sign-in."))


class KeysTab(QWidget):
    """Key changes, each behind a confirmation and the admin's password."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr(
            "Re-encrypting puts the whole vault under a new key and rewraps every account's "
            "key slot; nobody's password changes. Do it when you suspect a copy of the key "
            "got out (removing a user does it by itself)."), "hint"))
        self.rekey_button = QPushButton(self.tr("Re-encrypt the vault under a new key…"))
        self.rekey_button.clicked.connect(self.rekey)
        layout.addWidget(self.rekey_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(16)
        layout.addWidget(label(self.tr(
            "If the paper with the recovery key is lost, make a new one: the old key stops "
            "working at once."), "hint"))
        self.recovery_button = QPushButton(self.tr("Make a new recovery key…"))
        self.recovery_button.clicked.connect(self.new_recovery_key)
        layout.addWidget(self.recovery_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = label("", "ok")
        layout.addWidget(self.result)
        layout.addStretch()

    def rekey(self) -> None:
        def run() -> None:
            admin_ops.rekey(ctx=self.ctx, parent=self,
                            on_done=lambda _r: self.result.setText(
                                self.tr("The vault is now under a new key.")))
        confirm(self, self.tr("Keys"), self.tr(
            "Re-encrypt the whole vault now? It takes a moment; nothing else can be done "
            "meanwhile."), lambda: reauthenticate(
                self.ctx, self.tr("Re-encrypting changes the vault's key."), run, self))

    def new_recovery_key(self) -> None:
        from xinhe.ui.dialogs.recovery_key import RecoveryKeyDialog

        def run() -> None:
            admin_ops.new_recovery_key(ctx=self.ctx, parent=self,
                                       on_done=lambda key: RecoveryKeyDialog(
                                           key, self.ctx.org_name, self).open())
        confirm(self, self.tr("Keys"), self.tr(
            "Make a new recovery key? The one on paper now will stop working."),
            lambda: reauthenticate(self.ctx, self.tr("A new recovery key is a key change."),
                                   run, self))


class AboutTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.text = label("")
        layout.addWidget(self.text)
        layout.addStretch()
        admin_ops.load_about(ctx=ctx, parent=self, on_done=self._show)

    def _show(self, info: tuple[str, int, str]) -> None:
        path, schema, engine = info
        if self.ctx.server:  # no vault file and no workstation binding on the server
            self.text.setText("\n".join([
                self.tr("Xinhe %1").replace("%1", __version__),
                self.tr("Studio server: %1").replace("%1", path),
                self.tr("Schema version: %1").replace("%1", str(schema)),
                self.tr("PostgreSQL %1").replace("%1", engine)]))
            return
        self.text.setText("\n".join([
            self.tr("Xinhe %1").replace("%1", __version__),
            self.tr("Vault: %1").replace("%1", path),
            self.tr("Schema version: %1").replace("%1", str(schema)),
            self.tr("SQLCipher %1").replace("%1", engine),
            self.tr("Workstation binding: on") if self.ctx.binding_on else
            self.tr("Workstation binding: off (no secure keyring on this computer)")]))


class OnTheServerTab(QWidget):
    """A local-vault tab's place on the studio server: who does it there, and how."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.text = label(text)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        layout.addStretch()


def server_backup_note() -> str:
    return QCoreApplication.translate(
        "AdminScreen", "This desk works on the studio server: the records are not on this "
        "computer, so there is nothing to back up here. The IT person backs up the studio "
        "server on the server itself with `xinhe server backup` (best as a daily scheduled "
        "job) and restores it with `xinhe server restore` and the recovery key; see the "
        "studio server guide (docs/server.md, section 9).")


def server_keys_note() -> str:
    return QCoreApplication.translate(
        "AdminScreen", "On the studio server the keys are looked after by the IT person. The "
        "recovery key was shown once by `xinhe server init`: keep it in the safe, away from "
        "the backups (`xinhe server restore` needs it). Re-encrypting the records and making "
        "a new recovery key are features of a local vault; the studio server does not offer "
        "them.")


class AdminScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Administration"), "pageTitle"))
        self.tabs = QTabWidget()
        self.tabs.addTab(UsersTab(ctx), self.tr("Users"))
        self.tabs.addTab(TemplatesTab(ctx), self.tr("Templates"))
        self.tabs.addTab(LockTab(ctx), self.tr("Lock"))
        self.tabs.addTab(OnTheServerTab(server_keys_note()) if ctx.server else KeysTab(ctx),
                         self.tr("Keys"))
        from xinhe.ui.screens.backup_panel import BackupPanel

        self.tabs.insertTab(1, OnTheServerTab(server_backup_note()) if ctx.server else
                            BackupPanel(ctx), self.tr("Backup"))
        from xinhe.ui.screens.referral_admin import ReferralAdminPanel

        self.tabs.insertTab(3, ReferralAdminPanel(ctx), self.tr("Referrals"))
        from xinhe.ui.register_wizard import RegisterImportPanel

        self.tabs.addTab(RegisterImportPanel(ctx), self.tr("Import"))
        from xinhe.ui.screens.audit_panel import AuditPanel

        self.tabs.addTab(AuditPanel(ctx), self.tr("Audit"))
        self.tabs.addTab(AboutTab(ctx), self.tr("About"))
        layout.addWidget(self.tabs, 1)
