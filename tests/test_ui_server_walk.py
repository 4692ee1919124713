"""The desktop app on the studio server as a studio uses it: a counsellor and a supervisor
at two desks (two app controllers, each with its own database thread and connection)
signed in to one real PostgreSQL studio. The counsellor opens a high-risk DV case and
signs a session note; the supervisor's open review queue shows it within a second, she
reads it and co-signs, and the counsellor's open case shows it co-signed. The screens
that are local-vault features say who does them on the server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from everyday import buttons
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD, Studio
from ui_helpers import click, find_dialog, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.records.vault import VaultFolder

pytestmark = pytest.mark.parametrize("backend", ["server"], indirect=True)

DAP = {"data": "当事人说上周丈夫又摔了东西", "assessment": "恐惧明显，暂无自伤念头",
       "plan": "周五前完成安全计划并电话回访"}


@contextmanager
def desk(qtbot: QtBot, tmp_path: Path, studio: Studio, user: str,
         password: str) -> Iterator[tuple[Any, Any]]:
    """One workstation joined to the studio server (its own preferences folder, no vault
    on its disk), signed in through the sign-in window as `user`."""
    from xinhe.ui import i18n, style
    from xinhe.ui.controller import AppController
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.prefs import Prefs
    from xinhe.ui.unlock_window import UnlockWindow

    i18n.install("zh_CN")
    style.apply(QApplication.instance())
    here = VaultFolder(tmp_path / f"desk-{user}", DeviceBinding.off("server-walk"),
                       workstation=f"desk-{user}", clock=studio.folder.clock)
    app = AppController(here, Prefs(), server=studio.folder.dsn)
    app.start()
    try:
        window = app.window
        assert isinstance(window, UnlockWindow)
        window.user.setCurrentText(user)
        type_into(qtbot, window.password, password)
        click(qtbot, window.unlock_button)
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=15_000)
        wait_idle(qtbot, app)
        yield app, app.window
    finally:
        app.dispose()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QApplication.processEvents()


def status_texts(main: Any) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(w.text() for w in main.statusBar().findChildren(QLabel) if w.isVisible())


def open_dv_case(qtbot: QtBot, app: Any, main: Any) -> Any:
    """Cases → new case → a DV intake with high-risk answers → sign and open."""
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    cases = main.show_section("cases")
    wait_idle(qtbot, app)
    click(qtbot, cases.list_panel.new_case)
    dialog = find_dialog(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.name, "林晓燕")
    type_into(qtbot, dialog.born.edit, "1990")
    type_into(qtbot, dialog.phone, "13800138000")
    click(qtbot, dialog.next)
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
    form = dialog.form
    assert form.template.id == "dv_intake"
    for field in ("danger_strangulation", "danger_threat_to_kill", "danger_weapon"):
        form.page_scroll.ensureWidgetVisible(form.inputs[field], 0, 60)
        click(qtbot, form.inputs[field].button_for(True))
    click(qtbot, dialog.next)
    ask = find_dialog(qtbot, QMessageBox)
    assert "高风险个案" in ask.text() and "督导审核队列" in ask.text()
    click(qtbot, ask.defaultButton())
    qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView), timeout=15_000)
    view = cases.tabs.currentWidget()
    qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
    wait_idle(qtbot, app)
    return view


def sign_note(qtbot: QtBot, app: Any, view: Any) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    click(qtbot, buttons(view, "新建咨询记录")[0])
    dialog = find_dialog(qtbot, SessionDialog)
    for field, text in DAP.items():
        type_into(qtbot, dialog.form.inputs[field].edit, text)
    click(qtbot, dialog.sign_button)
    box = find_dialog(qtbot, QMessageBox)
    assert "督导会签" in box.text()  # a high-risk case: the supervisor co-signs
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    wait_idle(qtbot, app)


def queue_rows(review: Any) -> list[list[str]]:
    return [[review.list.topLevelItem(i).text(c) for c in range(4)]
            for i in range(review.list.topLevelItemCount())]


def test_a_counsellor_signs_and_the_supervisor_at_another_desk_cosigns(
        qtbot: QtBot, tmp_path: Path, studio: Studio) -> None:
    import time

    with desk(qtbot, tmp_path, studio, "sup", Studio.PASSWORDS["sup"]) as (sup_app, sup), \
            desk(qtbot, tmp_path, studio, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        # Each desk's status line names the studio server; nobody is told to back up.
        for window in (sup, main):
            shown = status_texts(window)
            assert "工作室服务器：" in shown and studio.folder.studio_id in shown
            assert "备份" not in shown and "工作站绑定" not in shown
        review = sup.show_section("review")
        wait_idle(qtbot, sup_app)
        assert queue_rows(review) == [["没有等待您处理的事项。", "", "", ""]]

        view = open_dv_case(qtbot, app, main)
        case_no = view.data.header.case_no
        assert "高风险" in view.header.text()
        qtbot.waitUntil(lambda: [r[1:3] for r in queue_rows(review)] ==
                        [["高风险个案审核", case_no]], timeout=2000)

        sign_note(qtbot, app, view)
        signed = time.monotonic()
        # The other desk hears of the save and its open queue shows the note.
        qtbot.waitUntil(lambda: ["记录待督导会签", case_no, "林晓燕"] in
                        [r[1:4] for r in queue_rows(review)], timeout=1000)
        assert time.monotonic() - signed < 1.0

        row = next(review.list.topLevelItem(i) for i in range(review.list.topLevelItemCount())
                   if review.list.topLevelItem(i).text(1) == "记录待督导会签")
        rect = review.list.visualItemRect(row)
        qtbot.mouseClick(review.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: DAP["plan"] in review.note.toPlainText(), timeout=10_000)
        shown = review.note.toPlainText()
        assert all(text in shown for text in DAP.values()) and "王丽" in shown
        click(qtbot, review.buttons["cosign"])
        box = find_dialog(qtbot, QMessageBox)
        assert case_no in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))
        qtbot.waitUntil(lambda: "已会签" in review.status.text(), timeout=10_000)
        qtbot.waitUntil(lambda: "记录待督导会签" not in
                        [r[1] for r in queue_rows(review)], timeout=5000)

        # The counsellor's open case shows the note co-signed by the supervisor.
        def cosigned_here() -> bool:
            items = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
            return any(i.text(1).startswith("咨询记录") and i.text(2) == "已会签"
                       for i in items)
        qtbot.waitUntil(cosigned_here, timeout=5000)
        wait_idle(qtbot, app)
        wait_idle(qtbot, sup_app)
        # The daily check of a vault file has nothing to check on the server; nothing else
        # went wrong on either desk.
        for window in (main, sup):
            qtbot.waitUntil(lambda w=window: w.integrity_notice.finished, timeout=10_000)
            assert window.integrity_notice.report is None
            assert not window.integrity_notice.isVisible()
        assert not [w.text() for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible()]
        # Only each desk's database thread touched its connection.
        for desk_app in (app, sup_app):
            vault = desk_app.ctx.vault
            assert desk_app.worker.call(lambda v=vault: v.db.threads_seen) == {
                desk_app.worker.thread_id}
    # What the server keeps: one co-signed note on the case, by the supervisor.
    [note] = studio.sup.notes.sessions(view.case_id)
    assert note.signed and note.cosigned_by == "周督导"
    assert {k: note.answers[k] for k in DAP} == DAP


def test_the_admin_on_the_server_is_told_who_backs_up_and_sees_the_server(
        qtbot: QtBot, tmp_path: Path, studio: Studio) -> None:
    from xinhe.ui.screens.admin import OnTheServerTab

    with desk(qtbot, tmp_path, studio, "admin", ADMIN_PASSWORD) as (app, main):
        admin = main.show_section("admin")
        wait_idle(qtbot, app)
        tabs = {admin.tabs.tabText(i): admin.tabs.widget(i) for i in range(admin.tabs.count())}
        backup, keys = tabs["备份"], tabs["密钥"]
        assert isinstance(backup, OnTheServerTab) and isinstance(keys, OnTheServerTab)
        assert "xinhe server backup" in backup.text.text()
        assert "技术人员" in backup.text.text() and "docs/server.md" in backup.text.text()
        assert "xinhe server init" in keys.text.text() and "不提供" in keys.text.text()
        about = tabs["关于"]
        qtbot.waitUntil(lambda: "PostgreSQL" in about.text.text(), timeout=5000)
        assert f"工作室服务器：localhost:{studio.template.cluster.port}/" in about.text.text()
        assert "SQLCipher" not in about.text.text()
        shown = status_texts(main)
        assert "由技术人员在工作室服务器上完成" in shown and "还没有" not in shown
        # No unexpected failure on the way (About and the drafts crashed before), and the
        # daily check of a vault file has nothing to check here: no damage banner.
        assert not [w.text() for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible() and "出现问题" in w.text()]
        qtbot.waitUntil(lambda: main.integrity_notice.finished, timeout=10_000)
        assert main.integrity_notice.report is None
        assert not main.integrity_notice.isVisible()


def test_signing_a_referral_asks_the_password_again_on_the_server(studio: Studio) -> None:
    from xinhe.errors import WrongPassword

    # The referral wizard's last step and the admin's key changes re-authenticate; the
    # key slot that proves the password is kept on the server.
    with pytest.raises(WrongPassword):
        studio.wang.accounts.verify_password("not-her-password", "referral.sign")
    studio.wang.accounts.verify_password(Studio.PASSWORDS["wang"], "referral.sign")
    reauth = [(e.user, e.outcome)
              for e in studio.sup.vault.audit.events(action_prefix="reauth")]
    assert reauth == [("wang", "referral.sign"), ("wang", "failed:referral.sign")]


def test_a_refused_sign_in_names_the_studio_database_to_check(studio: Studio) -> None:
    from xinhe.errors import WrongPassword
    from xinhe.records.storage.server_session import ServerFolder

    # The login password is bound to the studio's database name: a mistyped name is
    # refused exactly as a wrong password is, so the message names what to check.
    dsn = studio.folder.dsn.replace(f"dbname={studio.folder.studio_id}", "dbname=xinhe_typo")
    for folder, password in ((ServerFolder(dsn), Studio.PASSWORDS["wang"]),
                             (studio.folder, "not-her-password")):
        with pytest.raises(WrongPassword) as info:
            folder.unlock("wang", password)
        zh, en = info.value.message("zh_CN"), info.value.message("en")
        assert zh.startswith("用户名或密码不正确。") and "工作室数据库名" in zh
        assert f"“{folder.studio_id}”" in zh and f'"{folder.studio_id}"' in en
        assert password not in zh + en


def test_the_admin_on_the_server_is_told_a_supervisor_imports_the_register(
        qtbot: QtBot, tmp_path: Path, studio: Studio) -> None:
    """Said on the Import tab before a file is chosen, with the button off: not a refusal
    after the file was read."""
    from xinhe.ui.register_wizard import RegisterImportPanel

    with desk(qtbot, tmp_path, studio, "admin", ADMIN_PASSWORD) as (app, main):
        admin = main.show_section("admin")
        wait_idle(qtbot, app)
        panel = admin.findChild(RegisterImportPanel)
        admin.tabs.setCurrentWidget(panel)
        assert not panel.start.isEnabled() and panel.who.isVisible()
        assert panel.who.text() == (
            "在工作室服务器上，登记表由督导导入（管理员账户不能写入个案内容）。请督导在自己的"
            "工作台导入：“平台新分拨的个案”下的“导入登记表…”。")


def test_the_supervisor_imports_a_register_from_her_dashboard_on_the_server(
        qtbot: QtBot, tmp_path: Path, studio: Studio) -> None:
    """Where the admin's tab sends her: the dashboard's button, the wizard, the import."""
    from tests.register_samples import write_xlsx
    from xinhe.ui.screens.platform_dispatches import PlatformDispatches

    register = write_xlsx(tmp_path / "register.xlsx")
    with desk(qtbot, tmp_path, studio, "sup", studio.PASSWORDS["sup"]) as (app, main):
        qtbot.waitUntil(lambda: "dashboard" in main._built)  # made on a turn after sign-in
        inbox = main._built["dashboard"].findChild(PlatformDispatches)
        qtbot.waitUntil(inbox.isVisible)
        assert inbox.import_button.isVisible() and inbox.import_button.isEnabled()
        assert inbox.import_button.text() == "导入登记表…"
        before = app.worker.call(lambda: app.ctx.vault.db.scalar("SELECT count(*) FROM cases"))
        wizard = inbox.import_register()
        qtbot.waitUntil(wizard.isVisible)
        type_into(qtbot, wizard.path, str(register))
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=10_000)
        click(qtbot, wizard.next_button)  # the dry run
        qtbot.waitUntil(lambda: wizard.plan is not None, timeout=15_000)
        assert wizard.plan.ok, wizard.report.toPlainText()
        assert "将新建 3 个个案" in wizard.summary.text()
        click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.outcome is not None, timeout=15_000)
        wait_idle(qtbot, app)
        after = app.worker.call(lambda: app.ctx.vault.db.scalar("SELECT count(*) FROM cases"))
        assert after - before == 3
