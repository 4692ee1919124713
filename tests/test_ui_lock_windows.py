"""Lock means lock, whatever window is open: a form, a dialog, a wizard, a file chooser,
a message box. Ctrl+L, the lock button and the idle timer each close every window with
case data, close the vault and show the unlock window; a form's draft comes back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, press_ok, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

PASSWORD = "wang-password"
MARK = "离开座位前写到一半MARK"


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """wang's case with a client, a signed note and a follow-up due."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("sup", "周督导", "supervisor", "sup-password")
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORD)
    admin.close()
    vault = folder.unlock("wang", PASSWORD)
    services = Services(vault, tpl.TemplateRegistry.default())
    client = services.clients.create(name="林晓燕", birth_date="1990-05-01", phone="13800138000")
    case = services.cases.open(client_id=client.id, category="emotional_dispute", source="self")
    note = services.notes.draft_session(case.id, started_at=datetime.now(UTC) - timedelta(
        days=2), duration_min=50, modality="in_person", answers={"data": "保护令的顾虑"})
    services.notes.sign_session(note.id, note.version)
    vault.close()
    return {"folder": folder, "case": case.id}


# -- opening each kind of window ---------------------------------------------------------------
@dataclass
class Opened:
    window: QWidget
    draft_kind: type | None = None  # a form whose draft must come back
    draft_check: Callable[[Any], bool] | None = None
    after_lock: Callable[[], bool] | None = None  # what must (not) have happened meanwhile


def open_case(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Any:
    view = main.open_case(case_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    wait_idle(qtbot, app)
    return view


def button(view: QWidget, text: str) -> QPushButton:
    return next(b for b in view.findChildren(QPushButton) if b.text() == text)


def more(view: Any, text: str) -> None:
    from PySide6.QtWidgets import QToolButton

    menu = next(b for b in view.findChildren(QToolButton) if b.text() == "更多……").menu()
    next(a for a in menu.actions() if a.text() == text).trigger()


def session_note(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.records import SessionDialog

    click(qtbot, button(open_case(qtbot, app, main, case_id), "新建咨询记录"))
    dialog = find_dialog(qtbot, SessionDialog)
    type_into(qtbot, dialog.form.inputs["data"].edit, MARK)
    return Opened(dialog, SessionDialog, lambda d: d.form.inputs["data"].value() == MARK)


def intake_form(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.records import AssessmentDialog
    from xinhe.ui.dialogs.simple import SimpleForm

    click(qtbot, button(open_case(qtbot, app, main, case_id), "风险评估"))
    chooser = find_dialog(qtbot, SimpleForm)
    box = chooser.findChild(QComboBox)
    box.setCurrentIndex(box.findData("general_intake"))
    press_ok(qtbot, chooser)
    dialog = find_dialog(qtbot, AssessmentDialog)
    type_into(qtbot, dialog.form.inputs["presenting_issue"].edit, MARK)
    return Opened(dialog, AssessmentDialog,
                  lambda d: d.template.id == "general_intake"
                  and d.form.inputs["presenting_issue"].value() == MARK)


def safety_plan(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.records import SafetyPlanDialog

    click(qtbot, button(open_case(qtbot, app, main, case_id), "安全计划"))
    dialog = find_dialog(qtbot, SafetyPlanDialog)
    field = next(k for k, v in dialog.form.inputs.items() if hasattr(v, "edit")
                 and hasattr(v.edit, "toPlainText"))
    type_into(qtbot, dialog.form.inputs[field].edit, MARK)
    return Opened(dialog, SafetyPlanDialog, lambda d: d.form.inputs[field].value() == MARK)


def unsaved_changes_box(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    """A form with changes, and on top of it the question whether to discard them."""
    opened = session_note(qtbot, app, main, case_id)
    qtbot.keyClick(opened.window, Qt.Key.Key_Escape)
    box = find_dialog(qtbot, QMessageBox)
    assert box.objectName() == "confirmDiscard"
    return Opened(box, opened.draft_kind, opened.draft_check)


def new_case(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    click(qtbot, main.show_section("cases").list_panel.new_case)
    dialog = find_dialog(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.name, "黄小梅")
    type_into(qtbot, dialog.phone, "13711112222")
    click(qtbot, dialog.next)
    dialog.category.setCurrentIndex(dialog.category.findData("other"))
    type_into(qtbot, dialog.form.inputs["presenting_issue"].edit, MARK)

    def restored(again: Any) -> bool:
        return (again.name.text() == "黄小梅" and again.phone.text() == "13711112222"
                and again.category.currentData() == "other"
                and again.form.inputs["presenting_issue"].value() == MARK)
    return Opened(dialog, NewCaseDialog, restored)


def referral_wizard(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.referral_wizard import ReferralWizard

    click(qtbot, button(open_case(qtbot, app, main, case_id), "转介……"))
    return Opened(find_dialog(qtbot, ReferralWizard))


def consent_dialog(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.consent_dialog import ConsentDialog

    more(open_case(qtbot, app, main, case_id), "记录知情同意……")
    dialog = find_dialog(qtbot, ConsentDialog)
    type_into(qtbot, dialog.given_by, "当事人本人")
    return Opened(dialog)


def simple_form(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.simple import SimpleForm

    more(open_case(qtbot, app, main, case_id), "请督导审阅……")
    form = find_dialog(qtbot, SimpleForm)
    type_into(qtbot, form.findChild(QPlainTextEdit), MARK)
    return Opened(form)


def reauthentication(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.simple import SimpleForm, reauthenticate

    reauthenticate(app.ctx, "导出转介前请再次确认身份。", lambda: None,
                   open_case(qtbot, app, main, case_id))
    return Opened(find_dialog(qtbot, SimpleForm))


def confirmation(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    from xinhe.ui.dialogs.simple import confirm

    confirmed: list[bool] = []
    confirm(open_case(qtbot, app, main, case_id), "撤回同意", "确定撤回吗？",
            lambda: confirmed.append(True))
    # Locking is no answer: the act asked about does not happen.
    return Opened(find_dialog(qtbot, QMessageBox), after_lock=lambda: confirmed == [])


def attach_file_dialog(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Opened:
    more(open_case(qtbot, app, main, case_id), "添加附件……")
    return Opened(find_dialog(qtbot, QFileDialog))


OPENERS = {
    "session_note": session_note, "intake_form": intake_form, "safety_plan": safety_plan,
    "unsaved_changes_box": unsaved_changes_box, "new_case": new_case,
    "referral_wizard": referral_wizard, "consent_dialog": consent_dialog,
    "simple_form": simple_form, "reauthentication": reauthentication,
    "confirmation": confirmation, "file_dialog": attach_file_dialog,
}
WITH_LOCK_BUTTON = {"session_note", "intake_form", "safety_plan", "new_case",
                    "referral_wizard", "consent_dialog", "simple_form", "reauthentication"}


# -- what a lock must leave behind --------------------------------------------------------------
def visible_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def assert_locked(qtbot: QtBot, app: Any, vault: Any, opened: QWidget) -> None:
    from xinhe.ui.unlock_window import UnlockWindow

    qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow), timeout=5000)
    assert app.window.isVisible()
    assert visible_windows() == [app.window]
    qtbot.waitUntil(lambda: not shiboken6.isValid(opened), timeout=3000)
    wait_idle(qtbot, app)
    assert app.worker.call(lambda: vault.closed)
    assert app.ctx is None and not app.idle.active


def press_ctrl_l(qtbot: QtBot, window: QWidget) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def unlock_again(qtbot: QtBot, app: Any) -> None:
    from xinhe.ui.main_window import MainWindow

    type_into(qtbot, app.window.password, PASSWORD)
    click(qtbot, app.window.unlock_button)
    qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)


# Message boxes and file choosers have no lock button: Ctrl+L and the idle timer lock there.
CASES = [(kind, trigger) for kind in OPENERS for trigger in ("ctrl_l", "idle", "lock_button")
         if trigger != "lock_button" or kind in WITH_LOCK_BUTTON]


@pytest.mark.parametrize(("kind", "trigger"), CASES)
def test_locking_closes_every_window_and_keeps_drafts(qtbot: QtBot, studio: dict, kind: str,
                                                      trigger: str) -> None:
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        vault = app.ctx.vault
        opened = OPENERS[kind](qtbot, app, main, studio["case"])
        assert opened.window.isVisible()
        if trigger == "ctrl_l":
            press_ctrl_l(qtbot, opened.window)
        elif trigger == "idle":
            app.idle.start(200)  # nobody touches anything for a while
        else:
            lock = opened.window.findChild(QPushButton, "lockButton")
            assert lock is not None and lock.text() == "锁定"
            click(qtbot, lock)
        assert_locked(qtbot, app, vault, opened.window)
        assert opened.after_lock is None or opened.after_lock()
        for path in studio["folder"].path.iterdir():
            if path.is_file():
                assert MARK.encode() not in path.read_bytes()
        unlock_again(qtbot, app)
        if opened.draft_kind is not None:
            restored = find_dialog(qtbot, opened.draft_kind)
            assert opened.draft_check is not None and opened.draft_check(restored)
            if hasattr(restored, "dirty"):
                assert restored.dirty
                restored.dirty = False
            restored.reject()
            if kind == "new_case":  # cancelled: its draft is gone
                wait_idle(qtbot, app)
                assert app.worker.call(lambda: app.ctx.services.drafts.all()) == []
        else:
            wait_idle(qtbot, app)
            assert [w for w in visible_windows() if isinstance(w, QDialog)] == []


@pytest.mark.parametrize("trigger", ["ctrl_l", "idle"])
def test_a_lock_inside_a_blocking_save_dialog_unwinds_it_and_writes_nothing(
        qtbot: QtBot, studio: dict, tmp_path: Path, trigger: str) -> None:
    """The statistics export asks for its file with QFileDialog's own event loop: the lock
    comes while that loop runs, ends it, and no export follows on the closed vault."""
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        vault = app.ctx.vault
        screen = main.show_section("statistics")
        qtbot.waitUntil(lambda: screen.report is not None and screen.csv_button.isEnabled(),
                        timeout=10_000)
        seen: list[QFileDialog] = []

        def in_the_dialog() -> None:
            dialogs = [w for w in visible_windows() if isinstance(w, QFileDialog)]
            seen.extend(dialogs)
            if dialogs and trigger == "ctrl_l":
                press_ctrl_l(qtbot, dialogs[0])

        QTimer.singleShot(400, in_the_dialog)
        # Should the lock not end the dialog, end it here so the test fails instead of hanging.
        QTimer.singleShot(8000, lambda: [w.reject() for w in visible_windows()
                                         if isinstance(w, QFileDialog)])
        if trigger == "idle":
            app.idle.start(800)
        click(qtbot, screen.csv_button)  # returns once the dialog's own loop has ended
        assert seen, "the save dialog was not showing"
        assert_locked(qtbot, app, vault, seen[0])
        qtbot.wait(300)  # time for anything that would have followed the dialog
    reopened = studio["folder"].unlock("wang", PASSWORD)
    actions = [e.action for e in reopened.audit.events(limit=20)]
    reopened.close()
    assert "lock" in actions or "lock.idle" in actions
    assert "stats.export" not in actions


def test_a_lock_while_a_context_menu_is_open_closes_it(qtbot: QtBot, studio: dict) -> None:
    from PySide6.QtWidgets import QMenu

    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        vault = app.ctx.vault
        view = open_case(qtbot, app, main, studio["case"])
        view.tree.setCurrentItem(view.tree.topLevelItem(0))
        qtbot.waitUntil(lambda: bool(view.detail.toPlainText()), timeout=5000)
        pos = view.detail.viewport().rect().center()
        view.detail.setFocus()
        from PySide6.QtGui import QContextMenuEvent

        QApplication.sendEvent(view.detail.viewport(), QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, pos, view.detail.viewport().mapToGlobal(pos)))
        menu = find_dialog(qtbot, QMenu)
        app.idle.start(100)
        assert_locked(qtbot, app, vault, view)
        assert not shiboken6.isValid(menu) or not menu.isVisible()


def test_attaching_through_the_non_blocking_chooser(qtbot: QtBot, studio: dict,
                                                     tmp_path: Path) -> None:
    """The file chooser no longer blocks; choosing a file still leads to the attachment."""
    from xinhe.ui.dialogs.simple import SimpleForm

    scan = tmp_path / "同意书扫描.txt"
    scan.write_text("consent scan", encoding="utf-8")
    with signed_in(qtbot, studio["folder"], "wang", PASSWORD) as (app, main):
        opened = attach_file_dialog(qtbot, app, main, studio["case"])
        chooser = opened.window
        assert isinstance(chooser, QFileDialog)
        chooser.selectFile(str(scan))
        chooser.accept()
        form = find_dialog(qtbot, SimpleForm)
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
        wait_idle(qtbot, app)
        case_id = studio["case"]
        attached = app.worker.call(lambda: app.ctx.services.attachments.for_case(case_id))
        assert [a.filename for a in attached] == ["同意书扫描.txt"]
