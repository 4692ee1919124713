"""The set-up wizard, the unlock window, lock on demand and idle auto-lock, driven offscreen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, running_app, type_into
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.accounts import AccountService
from xinhe.records.vault import VaultFolder
from xinhe.ui.main_window import MainWindow
from xinhe.ui.setup_wizard import SetupWizard
from xinhe.ui.unlock_window import UnlockWindow

KEY_RE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$")


def new_folder(tmp_path: Path, binding: DeviceBinding) -> VaultFolder:
    return VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())


def test_setup_wizard_creates_the_vault_and_shows_the_recovery_key_once(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    folder = new_folder(tmp_path, binding)
    with running_app(folder) as app:
        wizard = app.window
        assert isinstance(wizard, SetupWizard)
        page = wizard.admin
        assert page.org.text() == "馨和家园工作室"  # the suggested name, kept
        type_into(qtbot, page.display_name, "张敏")
        assert page.username.text() == "zhangmin"  # suggested from the full name
        page.username.clear()
        type_into(qtbot, page.username, "Zhang Min")  # not a valid login name
        type_into(qtbot, page.password, "password-1")
        type_into(qtbot, page.confirm, "password-1")
        assert wizard.button(QWizard.WizardButton.CommitButton).text() == "创建数据库"
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        assert wizard.currentPage() is page and "登录名" in page.error.text()
        assert not folder.exists()
        page.username.clear()
        type_into(qtbot, page.username, "zhangmin")
        page.confirm.clear()
        type_into(qtbot, page.confirm, "password-2")
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        assert page.error.text() == "两次输入的密码不一致。"
        page.confirm.clear()
        type_into(qtbot, page.confirm, "password-1")
        click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))
        # Progress is said in grey, not in the red of an error, and the old error is gone.
        assert page.status.text() == "正在创建加密数据库……" and page.error.text() == ""
        assert page.status.palette().color(page.status.foregroundRole()).name() != "#b00020"
        assert page.error.palette().color(page.error.foregroundRole()).name() == "#b00020"
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=10_000)
        key = wizard.recovery.key.text()
        assert KEY_RE.match(key)
        # No going back (that could make a second vault) and no finishing before confirming.
        assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
        assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
        assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        # Closing the wizard now is refused, so the key cannot be lost by accident.
        from PySide6.QtWidgets import QMessageBox

        warned = []
        import xinhe.ui.setup_wizard as wizard_module

        original = wizard_module.QMessageBox.warning
        wizard_module.QMessageBox.warning = lambda *a: warned.append(a[2]) or \
            QMessageBox.StandardButton.Ok
        try:
            wizard.close()
        finally:
            wizard_module.QMessageBox.warning = original
        assert warned and "不会再次显示" in warned[0]
        assert wizard.isVisible() and app.window is wizard
        click(qtbot, wizard.recovery.stored)  # written down by hand: no printer at hand
        assert "工作站绑定已启用" in wizard.recovery.binding.text()
        click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow))
        main = app.window
        assert main.section_keys() == ["admin"]  # the admin sees no case screens
        assert "馨和家园工作室" in main.windowTitle()
    assert key not in folder.slots_path.read_text()
    folder.check_recovery_key(key)
    folder.unlock("zhangmin", "password-1").close()


def test_unlock_window_shows_errors_inline_and_opens_the_main_window(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    folder = new_folder(tmp_path, binding)
    vault, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(vault).add_user("wang", "王丽", "counsellor", "wang-password")
    vault.close()
    with running_app(folder) as app:
        window = app.window
        assert isinstance(window, UnlockWindow)
        # Nobody has signed in here yet: no login name is suggested.
        assert window.user.currentText() == ""
        assert [window.user.itemText(i) for i in range(window.user.count())] == ["admin", "wang"]
        window.user.setCurrentText("wang")
        type_into(qtbot, window.password, "wrong-password")
        click(qtbot, window.unlock_button)
        qtbot.waitUntil(lambda: window.error.isVisible())
        assert window.error.text() == "用户名或密码不正确。"
        assert window.password.selectedText() == "wrong-password"  # reselected for retyping
        assert isinstance(app.window, UnlockWindow)
        window.password.clear()
        type_into(qtbot, window.password, "wang-password")
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)
        main = app.window
        assert main.section_keys() == ["dashboard", "cases", "followups", "calendar",
                                     "referrals", "statistics"]
        from PySide6.QtWidgets import QToolButton

        assert "王丽 · 咨询师" in [w.text() for w in main.findChildren(QToolButton)]
        vault = app.ctx.vault
        assert app.worker.call(lambda: vault.db.threads_seen) == {app.worker.thread_id}


def test_damaged_vault_is_reported_in_the_unlock_window(qtbot: QtBot, tmp_path: Path,
                                                        binding: DeviceBinding) -> None:
    folder = new_folder(tmp_path, binding)
    vault, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    vault.close()
    data = bytearray(folder.db_path.read_bytes())
    data[200:3000] = bytes(2800)
    folder.db_path.write_bytes(bytes(data))
    with running_app(folder) as app:
        window = app.window
        type_into(qtbot, window.user.lineEdit(), "admin")
        type_into(qtbot, window.password, ADMIN_PASSWORD)
        click(qtbot, window.unlock_button)
        qtbot.waitUntil(lambda: window.error.isVisible())
        assert "数据库已损坏" in window.error.text() and "不是密码问题" in window.error.text()


def unlock_as_admin(qtbot: QtBot, app: object) -> MainWindow:
    window = app.window  # type: ignore[attr-defined]
    type_into(qtbot, window.user.lineEdit(), "admin")
    type_into(qtbot, window.password, ADMIN_PASSWORD)
    click(qtbot, window.unlock_button)
    qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)  # type: ignore
    return app.window  # type: ignore[attr-defined]


def test_ctrl_l_locks_and_drops_the_decrypted_session(qtbot: QtBot, tmp_path: Path,
                                                      binding: DeviceBinding) -> None:
    folder = new_folder(tmp_path, binding)
    folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)[0].close()
    with running_app(folder) as app:
        main = unlock_as_admin(qtbot, app)
        vault = app.ctx.vault
        import shiboken6

        qtbot.keyClick(main, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        # The window holding decrypted data is destroyed, not merely hidden.
        qtbot.waitUntil(lambda: not shiboken6.isValid(main), timeout=5000)
        assert isinstance(app.window, UnlockWindow)
        assert app.ctx is None
        assert app.worker.call(lambda: vault.closed)
        assert vault._db_key is None
        assert app.window.user.currentText() == "admin"
        assert not app.idle.active


def test_idle_time_locks_unless_someone_is_working(qtbot: QtBot, tmp_path: Path,
                                                   binding: DeviceBinding) -> None:
    folder = new_folder(tmp_path, binding)
    vault, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    vault.set_setting("idle_minutes", "7")
    vault.close()
    with running_app(folder) as app:
        main = unlock_as_admin(qtbot, app)
        assert app.idle._timer.interval() == 7 * 60_000  # the configured time
        app.idle.start(400)  # a short time for the test
        for _ in range(4):  # keep typing: no lock
            qtbot.wait(200)
            qtbot.keyClick(main, Qt.Key.Key_Shift)
        assert isinstance(app.window, MainWindow)
        qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow), timeout=3000)
        events = app.worker.call(lambda: None)  # let the close finish
        del events
    reopened = folder.unlock("admin", ADMIN_PASSWORD)
    assert "lock.idle" in [e.action for e in reopened.audit.events(limit=5)]
    reopened.close()


def test_english_is_selectable_and_remembered(qtbot: QtBot, tmp_path: Path,
                                              binding: DeviceBinding) -> None:
    from xinhe.ui import i18n

    i18n.install("zh_CN")
    folder = new_folder(tmp_path, binding)
    folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)[0].close()
    try:
        with running_app(folder) as app:
            assert app.window.unlock_button.text() == "解锁"
            app.window.language.setCurrentIndex(1)
            qtbot.waitUntil(lambda: app.window.unlock_button.text() == "Unlock")
            type_into(qtbot, app.window.user.lineEdit(), "admin")
            type_into(qtbot, app.window.password, "wrong-password")
            click(qtbot, app.window.unlock_button)
            qtbot.waitUntil(lambda: app.window.error.isVisible())
            assert app.window.error.text() == "The user name or password is not correct."
        from xinhe.ui.prefs import Prefs

        assert Prefs.load(folder.path).language == "en"
    finally:
        i18n.install("zh_CN")


def test_a_language_change_shows_the_new_window_on_the_next_turn(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    """The window in the new language is made on one turn and shown on the next; a
    second change before then shows only the last language, and no window is left over."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from xinhe.ui import i18n

    i18n.install("zh_CN")
    folder = new_folder(tmp_path, binding)
    folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)[0].close()
    try:
        with running_app(folder) as app:
            first = app.window
            first.language.setCurrentIndex(1)  # English
            QCoreApplication.sendPostedEvents()  # not a posted event: a turn of its own
            assert app.window is first and first.isVisible()
            first.language.setCurrentIndex(0)  # back to Chinese before it showed
            qtbot.waitUntil(lambda: app.window is not first)
            assert app.window.unlock_button.text() == "解锁" and app.window.isVisible()
            qtbot.wait(50)
            shown = [w for w in QApplication.topLevelWidgets()
                     if isinstance(w, UnlockWindow) and w.isVisible()]
            assert shown == [app.window]
    finally:
        i18n.install("zh_CN")


def test_garbage_left_by_closed_windows_is_collected_on_the_ui_thread_only(
        qtbot: QtBot) -> None:
    """A dialog caught in a reference cycle must never be destroyed by the database
    thread: Qt crashes the app when a widget dies off its own thread (this once took
    down the test run in CI with a segfault)."""
    import gc
    import threading
    import weakref

    from PySide6.QtWidgets import QDialog

    from xinhe.ui.worker import DbWorker

    worker = DbWorker()
    died_on: list[int] = []

    class Holder:
        def __init__(self) -> None:
            self.dialog = QDialog()
            self.me = self  # a cycle: only the cycle collector can free it

    holder = Holder()
    weakref.finalize(holder, lambda: died_on.append(threading.get_ident()))
    del holder
    # The database thread allocates far past every collection threshold.
    garbage = worker.call(lambda: [[] for _ in range(20 * gc.get_threshold()[0])])
    assert died_on == []
    qtbot.waitUntil(lambda: died_on != [], timeout=3000)
    assert died_on == [threading.get_ident()]
    assert len(garbage) > gc.get_threshold()[0]
    worker.shutdown()


def test_full_collections_come_at_most_every_thirty_seconds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gc.collect(2) lacks CPython's rule that the oldest generation waits until a
    quarter of it is new: called whenever its count passed 10, a full pass (50-100 ms of
    the UI thread on a big vault) came every tenth gen-1 pass."""
    import gc
    from types import SimpleNamespace

    from xinhe.ui import worker as worker_mod

    clock = [1000.0]
    passes: list[int] = []
    collector = SimpleNamespace(_last_full=clock[0])  # as made when the app started
    monkeypatch.setattr(worker_mod.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(gc, "get_count", lambda: (10_000, 100, 100))  # all three due
    monkeypatch.setattr(gc, "collect", lambda generation=2: passes.append(generation))
    collect_due = worker_mod._UiThreadCollector.collect_due
    collect_due(collector)
    clock[0] += worker_mod.FULL_EVERY / 2
    collect_due(collector)
    clock[0] += worker_mod.FULL_EVERY / 2 + 1
    collect_due(collector)
    collect_due(collector)
    monkeypatch.undo()
    assert passes == [1, 1, 2, 1]  # the first full pass waits FULL_EVERY from the start
