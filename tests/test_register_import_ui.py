"""The administrator's import wizard, driven offscreen as a person would: pick the file,
confirm the columns, run the dry run, choose who takes unknown counsellors' rows, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from tests.register_samples import write_xlsx
from ui_helpers import click, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.accounts import AccountService
from xinhe.records.vault import VaultFolder


def studio(tmp_path: Path, binding: DeviceBinding) -> VaultFolder:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", "wang-pass")
    AccountService(admin).add_user("zhou", "周督导", "supervisor", "zhou-pass")
    admin.close()
    return folder


def columns_shown(wizard) -> dict[str, str]:  # noqa: ANN001
    out = {}
    for row in range(wizard.columns.rowCount()):
        combo = wizard.columns.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        out[wizard.columns.item(row, 0).text()] = combo.currentText()
    return out


def test_pick_confirm_dry_run_assign_and_import(qtbot: QtBot, tmp_path: Path,
                                                binding: DeviceBinding) -> None:
    from xinhe.ui.register_wizard import RegisterImportPanel

    folder = studio(tmp_path, binding)
    register = write_xlsx(tmp_path / "register.xlsx")
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (app, main):
        panel = main._built["admin"].findChild(RegisterImportPanel)
        panel.window().show()
        main._built["admin"].tabs.setCurrentWidget(panel)
        assert panel.start.isEnabled() and panel.who.isHidden()  # the vault's admin imports
        click(qtbot, panel.start)
        wizard = panel.wizard
        qtbot.waitUntil(wizard.isVisible)
        type_into(qtbot, wizard.path, str(register))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=10_000)
        assert "register.xlsx" in wizard.file_info.text() and "第 2 行" in wizard.file_info.text()
        shown = columns_shown(wizard)
        assert shown["负责人"] == "负责咨询师" and shown["出生日期"] == "出生日期/出生年月"
        assert shown["序号"] == "（不导入）" and shown["情况摘要"] == "情况摘要"
        assert wizard.next_button.text() == "试导入"
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10_000)
        report = wizard.report.toPlainText()
        assert ("第 3 行：将新建 · 赵*梅 · 家庭暴力 · 公安转介 · 跟进中 · 2019-03-05 · "
                "王丽") in report
        assert "第 5 行“负责人”列：咨询师“陈芳”没有在用的账户" in report
        assert "第 8 行：合计行，忽略" in report
        assert "赵小梅" not in report and "欺凌" not in report
        assert not wizard.next_button.isEnabled()  # nothing is imported with a problem left
        click(qtbot, wizard.back_button)
        wizard.assign.setCurrentIndex(wizard.assign.findData("wang"))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.ok, timeout=10_000)
        assert "将新建 3 个个案" in wizard.summary.text()
        assert "陈芳（统一指定的负责人）" not in wizard.report.toPlainText()
        assert "王丽 · （统一指定的负责人）" in wizard.report.toPlainText()
        vault = app.ctx.vault
        assert app.worker.call(lambda: vault.db.scalar("SELECT count(*) FROM cases")) == 0
        assert wizard.next_button.text() == "导入"
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=10_000)
        wait_idle(qtbot, app)
        assert "3" in wizard.summary.text() and not wizard.next_button.isEnabled()
        owners = app.worker.call(lambda: [tuple(r) for r in vault.db.all(
            "SELECT u.username, count(*) FROM cases c JOIN users u ON u.id = c.counsellor_id"
            " GROUP BY u.username")])
        assert owners == [("wang", 3)]
        audit = app.worker.call(lambda: vault.db.all(
            "SELECT user, outcome FROM audit_event WHERE action = 'register.import'"))
        assert [tuple(r) for r in audit] == [
            ("admin", "3 cases created, 0 already imported, 0 repeated rows")]


def test_a_file_that_is_no_register_is_said_in_the_wizard(qtbot: QtBot, tmp_path: Path,
                                                           binding: DeviceBinding) -> None:
    from xinhe.ui.register_wizard import RegisterImportPanel

    folder = studio(tmp_path, binding)
    (tmp_path / "empty.csv").write_bytes(b"")
    with signed_in(qtbot, folder, "admin", ADMIN_PASSWORD) as (_app, main):
        panel = main._built["admin"].findChild(RegisterImportPanel)
        wizard = panel.open_wizard()
        type_into(qtbot, wizard.path, str(tmp_path / "empty.csv"))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(wizard.error.isVisible, timeout=10_000)
        assert wizard.error.text() == "empty.csv：文件是空的。"
        assert wizard.steps.currentIndex() == 0 and wizard.next_button.isEnabled()


def test_a_supervisor_imports_from_her_dashboard_and_a_counsellor_is_not_offered_it(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    from xinhe.ui.screens.platform_dispatches import PlatformDispatches

    folder = studio(tmp_path, binding)
    register = write_xlsx(tmp_path / "register.xlsx")
    with signed_in(qtbot, folder, "wang", "wang-pass") as (_app, main):
        inbox = main._built["dashboard"].findChild(PlatformDispatches)
        assert inbox.isHidden() and inbox.import_button.isHidden()
    with signed_in(qtbot, folder, "zhou", "zhou-pass") as (app, main):
        inbox = main._built["dashboard"].findChild(PlatformDispatches)
        qtbot.waitUntil(inbox.isVisible)
        assert inbox.import_button.isVisible()
        wizard = inbox.import_register()
        qtbot.waitUntil(wizard.isVisible)
        type_into(qtbot, wizard.path, str(register))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=10_000)
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10_000)
        click(qtbot, wizard.back_button)  # 陈芳 has no account here: rows go to 王丽
        wizard.assign.setCurrentIndex(wizard.assign.findData("wang"))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.plan is not None and wizard.plan.ok, timeout=10_000)
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=10_000)
        wait_idle(qtbot, app)
        vault = app.ctx.vault
        audit = app.worker.call(lambda: vault.db.all(
            "SELECT user, outcome FROM audit_event WHERE action = 'register.import'"))
        assert [tuple(r) for r in audit] == [
            ("zhou", "3 cases created, 0 already imported, 0 repeated rows")]
