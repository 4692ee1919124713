"""Admin screens and what each role is offered, driven offscreen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, press_ok, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import BadRecoveryKey, WrongPassword
from xinhe.records.accounts import AccountService
from xinhe.records.vault import VaultFolder


def studio(tmp_path: Path, binding: DeviceBinding) -> tuple[VaultFolder, str]:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, recovery_key = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("leaver", "离职者", "counsellor", "leaver-pass")
    AccountService(admin).add_user("staff", "黄敏", "staff", "staff-pass")
    admin.close()
    return folder, recovery_key


def select_user(tab: object, login: str) -> None:
    tree = tab.list  # type: ignore[attr-defined]
    for i in range(tree.topLevelItemCount()):
        if tree.topLevelItem(i).text(0) == login:
            tree.setCurrentItem(tree.topLevelItem(i))
            return
    raise AssertionError(f"{login} is not listed")


def test_removing_a_user_asks_twice_and_rekeys(qtbot: QtBot, tmp_path: Path,
                                                binding: DeviceBinding) -> None:
    from xinhe.ui.dialogs.simple import SimpleForm
    from xinhe.ui.screens.admin import UsersTab

    folder, _ = studio(tmp_path, binding)
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):
        tab = main._built["admin"].findChild(UsersTab)
        qtbot.waitUntil(lambda: tab.list.topLevelItemCount() == 3)
        generation = app.worker.call(lambda: app.ctx.vault.slots.generation)
        select_user(tab, "leaver")
        click(qtbot, tab.buttons["remove"])
        box = find_dialog(qtbot, QMessageBox)
        assert "离职者" in box.text() and "无法撤销" in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
        reauth = find_dialog(qtbot, SimpleForm)
        type_into(qtbot, reauth.form.itemAt(0, reauth.form.ItemRole.FieldRole).widget(),
                  "wrong-password")
        press_ok(qtbot, reauth)
        qtbot.waitUntil(reauth.error.isVisible)
        assert reauth.error.text() == "用户名或密码不正确。"
        field = reauth.form.itemAt(0, reauth.form.ItemRole.FieldRole).widget()
        field.clear()
        type_into(qtbot, field, ADMIN_PASSWORD)
        press_ok(qtbot, reauth)
        qtbot.waitUntil(lambda: tab.list.topLevelItemCount() == 2, timeout=5000)
        wait_idle(qtbot, app)
        assert app.worker.call(lambda: app.ctx.vault.slots.generation) == generation + 1
    try:
        folder.unlock("leaver", "leaver-pass")
        raise AssertionError("a removed user could still unlock")
    except WrongPassword:
        pass


def test_a_new_recovery_key_is_shown_once_and_replaces_the_old(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    from xinhe.ui.dialogs.recovery_key import RecoveryKeyDialog
    from xinhe.ui.dialogs.simple import SimpleForm
    from xinhe.ui.screens.admin import KeysTab

    folder, old_key = studio(tmp_path, binding)
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):
        keys = main._built["admin"].findChild(KeysTab)
        main._built["admin"].tabs.setCurrentWidget(keys)
        click(qtbot, keys.recovery_button)
        click(qtbot, find_dialog(qtbot, QMessageBox).button(QMessageBox.StandardButton.Yes))
        reauth = find_dialog(qtbot, SimpleForm)
        type_into(qtbot, reauth.form.itemAt(0, reauth.form.ItemRole.FieldRole).widget(),
                  ADMIN_PASSWORD)
        press_ok(qtbot, reauth)
        shown = find_dialog(qtbot, RecoveryKeyDialog)
        new_key = shown.key.text()
        assert not shown.done_button.isEnabled()
        shown.reject()  # Esc is refused before the box is ticked
        assert shown.isVisible()
        click(qtbot, shown.stored)
        click(qtbot, shown.done_button)
    try:
        folder.check_recovery_key(old_key)
        raise AssertionError("the old recovery key still works")
    except BadRecoveryKey:
        pass
    folder.check_recovery_key(new_key)


def test_staff_are_offered_no_casework_actions(qtbot: QtBot, tmp_path: Path,
                                               binding: DeviceBinding) -> None:
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services

    folder, _ = studio(tmp_path, binding)
    vault = folder.unlock("leaver", "leaver-pass")
    svc = Services(vault, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="钟某")
    case = svc.cases.open(client_id=client.id, category="other", source="self")
    vault.close()
    with signed_in(qtbot, folder, "staff", "staff-pass") as (app, main):
        assert main.section_keys() == ["dashboard", "cases", "referrals", "statistics"]
        cases = main.show_section("cases")
        assert not cases.list_panel.new_case.isVisible()
        view = main.open_case(case.id)
        qtbot.waitUntil(lambda: view.data is not None)
        wait_idle(qtbot, app)
        labels = {b.text() for b in view.findChildren(QPushButton) if b.isVisible()}
        assert not labels & {"新建咨询记录", "风险评估", "危机干预", "安全计划", "安排回访"}
        assert not view.data.header.can_read_notes
