"""Backup reminder, backup panel, retention screen and the wizard's restore road, driven
offscreen as a person would, with real encrypted vaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD, Clock, InMemoryKeyring, Studio
from test_retention import closed_case
from ui_helpers import click, running_app, type_into
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import backup, restore
from xinhe.records.accounts import AccountService
from xinhe.records.vault import VaultFolder
from xinhe.ui import save_dialogs
from xinhe.ui.main_window import MainWindow
from xinhe.ui.screens.backup_panel import BackupPanel
from xinhe.ui.setup_wizard import SetupWizard
from xinhe.ui.unlock_window import UnlockWindow


def sign_in(qtbot: QtBot, app: Any, user: str, password: str) -> MainWindow:
    window = app.window
    assert isinstance(window, UnlockWindow)
    window.user.setCurrentText(user)
    type_into(qtbot, window.password, password)
    click(qtbot, window.unlock_button)
    qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)
    return app.window


def fresh_folder(folder: VaultFolder) -> VaultFolder:
    """The same vault as a new start of the app would see it (the studio's connections
    stay open, as other workstations' would)."""
    return VaultFolder(folder.path, folder.binding, kdf=KdfParams.cheap_for_tests(),
                       clock=folder.clock, workstation="ui")


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


def _key_of(folder: VaultFolder) -> str:
    return folder.path.joinpath("..", "key.txt").resolve().read_text()


@pytest.fixture
def keyed(tmp_path: Path, binding: DeviceBinding) -> VaultFolder:
    """A vault whose recovery key is kept beside it, for the checks in these tests."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    vault, key = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    vault.close()
    (tmp_path / "key.txt").write_text(key)
    return folder


def test_the_reminder_appears_when_the_last_backup_is_old(
        qtbot: QtBot, studio: Studio, usb: Path, clock: Clock) -> None:
    backup.make_backup(studio.admin.vault, usb / "b.xhbak")
    clock.advance(days=6)
    with running_app(fresh_folder(studio.folder)) as app:
        main = sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        qtbot.waitUntil(lambda: main.backup_line.text().startswith("最近备份"))
        assert not main.backup_reminder.isVisible()  # 6 days: not yet
        app.lock()
        clock.advance(days=3)
        main = sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        qtbot.waitUntil(lambda: main.backup_reminder.isVisible())
        text = main.backup_reminder.text.text()
        assert "9 天前" in text and str(usb / "b.xhbak") in text
        assert main.backup_reminder.button.isVisible()
        app.lock()
        # Someone who is not the administrator gets a line to pass on, no button.
        main = sign_in(qtbot, app, "wang", Studio.PASSWORDS["wang"])
        qtbot.waitUntil(lambda: "请告诉管理员" in main.backup_line.text())
        assert "9 天" in main.backup_line.text()
        assert not main.backup_reminder.isVisible()


def test_backing_up_from_the_banner(qtbot: QtBot, keyed: VaultFolder, usb: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = keyed
    target = usb / "from-banner.xhbak"
    monkeypatch.setattr(save_dialogs.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    with running_app(folder) as app:
        main = sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        qtbot.waitUntil(lambda: main.backup_reminder.isVisible())
        assert "还没有" in main.backup_reminder.text.text()  # never backed up
        click(qtbot, main.backup_reminder.button)
        qtbot.waitUntil(lambda: not main.backup_reminder.isVisible(), timeout=10_000)
        assert "已写入并验证" in main.statusBar().currentMessage()
        assert main.backup_line.text().startswith("最近备份")
    assert restore.verify_backup(target, _key_of(folder)) is not None


def test_the_panel_sets_automatic_backups_which_run_on_lock_and_exit(
        qtbot: QtBot, keyed: VaultFolder, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_app(keyed) as app:
        sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        panel = BackupPanel(app.ctx)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.status is not None)
        assert panel.last.text() == "还没有经过验证的备份。"
        type_into(qtbot, panel.auto_folder, str(usb))
        panel.auto_keep.setValue(2)
        click(qtbot, panel.on_lock)
        click(qtbot, panel.on_exit)
        click(qtbot, panel.save)
        qtbot.waitUntil(lambda: panel.settings_message.text() == "已保存。")
        app.lock()
        app.worker.call(lambda: None)  # the backup and the close have run
        made = list(usb.iterdir())
        assert len(made) == 1 and made[0].suffix == ".xhbak"
        sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        quits: list[bool] = []
        vault = app.ctx.vault
        monkeypatch.setattr(QApplication.instance(), "quit", lambda: quits.append(True))
        app.quit()  # the app quits only after the backup and the close
        qtbot.waitUntil(lambda: quits == [True], timeout=10_000)
        monkeypatch.undo()
        assert vault.closed
    assert len(list(usb.iterdir())) == 2
    vault = keyed.unlock("admin", ADMIN_PASSWORD)
    actions = [e.outcome for e in vault.audit.events(action_prefix="backup.create")]
    vault.close()
    assert actions == ["verified:auto:exit", "verified:auto:lock"]


def test_the_panel_backs_up_now_and_shows_a_failure_plainly(
        qtbot: QtBot, keyed: VaultFolder, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = {"path": str(usb / "gone" / "b.xhbak")}
    monkeypatch.setattr(save_dialogs.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (chosen["path"], ""))
    with running_app(keyed) as app:
        sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
        panel = BackupPanel(app.ctx)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: panel.status is not None)
        click(qtbot, panel.backup_now)
        qtbot.waitUntil(lambda: panel.result.objectName() == "error")
        assert "不存在" in panel.result.text()
        chosen["path"] = str(usb / "b")  # no suffix typed: .xhbak is added
        click(qtbot, panel.backup_now)
        qtbot.waitUntil(lambda: panel.result.objectName() in ("ok", "warning"), timeout=10_000)
        assert "已写入并验证" in panel.result.text()
        qtbot.waitUntil(lambda: str(usb / "b.xhbak") in panel.last.text())


def test_a_supervisor_purges_a_case_past_its_time(qtbot: QtBot, studio: Studio,
                                                  clock: Clock) -> None:
    old = closed_case(studio, clock, years_ago=11, note="很久以前的记录")
    closed_case(studio, clock, years_ago=1, note="去年的记录")
    with running_app(fresh_folder(studio.folder)) as app:
        main = sign_in(qtbot, app, "sup", Studio.PASSWORDS["sup"])
        assert "retention" in main.section_keys()
        screen = main.show_section("retention") or main._built["retention"]
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
        assert screen.model.rows[0].case_no == old.case_no
        assert not screen.purge_button.isEnabled()
        screen.table.selectRow(0)
        dialog = screen.ask_purge()
        assert dialog is not None and not dialog.purge_button.isEnabled()
        click(qtbot, dialog.understood)
        type_into(qtbot, dialog.password, "wrong-password")
        click(qtbot, dialog.purge_button)
        qtbot.waitUntil(lambda: dialog.error.isVisible())
        assert dialog.error.text() == "用户名或密码不正确。" and dialog.isVisible()
        dialog.password.clear()
        type_into(qtbot, dialog.password, Studio.PASSWORDS["sup"])
        click(qtbot, dialog.purge_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 0)
        assert old.case_no in screen.summary.text() and screen.empty.isVisible()
    assert studio.sup.vault.db.scalar("SELECT count(*) FROM cases") == 1
    with running_app(fresh_folder(studio.folder)) as app:
        main = sign_in(qtbot, app, "wang", Studio.PASSWORDS["wang"])
        assert "retention" not in main.section_keys()


def test_the_wizard_restores_on_a_new_computer_and_sets_an_admin_password(
        qtbot: QtBot, keyed: VaultFolder, usb: Path, tmp_path: Path) -> None:
    vault = keyed.unlock("admin", ADMIN_PASSWORD)
    AccountService(vault).add_user("wang", "王丽", "counsellor", "wang-password")
    backup.make_backup(vault, usb / "b.xhbak")
    vault.close()
    key = _key_of(keyed)
    new_machine = VaultFolder(tmp_path / "machine2" / "vault", DeviceBinding(InMemoryKeyring()),
                              kdf=KdfParams.cheap_for_tests())
    with running_app(new_machine) as app:
        wizard = app.window
        assert isinstance(wizard, SetupWizard)
        click(qtbot, wizard.admin.restore_button)
        page = wizard.restore_page
        assert wizard.currentPage() is page
        assert wizard.button(QWizard.WizardButton.CommitButton).text() == "恢复"
        type_into(qtbot, page.file, str(usb / "b.xhbak"))
        type_into(qtbot, page.key, key[:-1] + ("0" if key[-1] != "0" else "1"))
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        qtbot.waitUntil(lambda: "输入错误" in page.error.text(), timeout=10_000)
        assert not new_machine.exists()
        page.key.clear()
        type_into(qtbot, page.key, key)
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.restored_page, timeout=10_000)
        done = wizard.restored_page
        assert "admin, wang" in done.accounts.text() and done.new_password.isVisible()
        type_into(qtbot, done.password, "admin-on-new-pc")
        type_into(qtbot, done.confirm, "admin-on-new-pc")
        click(qtbot, done.set_password)
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)
        assert app.ctx.actor.username == "admin"
    new_machine.unlock("admin", "admin-on-new-pc").close()


def test_the_wizard_restore_on_the_same_computer_leads_to_the_unlock_window(
        qtbot: QtBot, keyed: VaultFolder, usb: Path, tmp_path: Path) -> None:
    vault = keyed.unlock("admin", ADMIN_PASSWORD)
    backup.make_backup(vault, usb / "b.xhbak")
    vault.close()
    again = VaultFolder(tmp_path / "again", keyed.binding, kdf=KdfParams.cheap_for_tests())
    with running_app(again) as app:
        wizard = app.window
        click(qtbot, wizard.admin.restore_button)
        type_into(qtbot, wizard.restore_page.file, str(usb / "b.xhbak"))
        type_into(qtbot, wizard.restore_page.key, _key_of(keyed))
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.restored_page, timeout=10_000)
        assert not wizard.restored_page.new_password.isVisible()
        assert "用原密码登录：admin" in wizard.restored_page.accounts.text()
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
        qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow))
        sign_in(qtbot, app, "admin", ADMIN_PASSWORD)
