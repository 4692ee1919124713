"""The dashboard's platform section, driven as a supervisor would: the new dispatch is
listed, accepted with the existing client the duplicate check found, assigned to a
counsellor; the case opens, and its first-contact deadline is on the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from tests.platform_fixtures import dispatch_doc, write
from ui_helpers import click, find_dialog, signed_in, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import platform_inbox as inbox
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

PASSWORDS = {"sup": "sup-password", "wang": "wang-password", "chen": "chen-password",
             "huang": "huang-password"}


@pytest.fixture
def seeded(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """Wang's client 林晓燕 on file; a dispatch for her (same phone), received by staff,
    its first-contact deadline already passed."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    for user, name, role in (("sup", "周督导", "supervisor"), ("wang", "王丽", "counsellor"),
                             ("chen", "陈芳", "counsellor"), ("huang", "黄敏", "staff")):
        AccountService(admin).add_user(user, name, role, PASSWORDS[user])
    admin.close()
    vault = folder.unlock("wang", PASSWORDS["wang"])
    svc = Services(vault, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="林晓燕", birth_date="1990-05-01", phone="13800138000")
    svc.cases.open(client_id=client.id, category="emotional_dispute", source="self")
    vault.close()
    now = datetime.now(UTC).replace(microsecond=0)
    write(tmp_path / "inbox", "d.json", dispatch_doc(
        "BA-UI-1", dispatched_at=(now - timedelta(hours=13)).isoformat(),
        first_contact_due=(now - timedelta(hours=1)).isoformat(),
        parties=[{"role": "client", "name": "林晓燕", "phone": "138 0013 8000"}]))
    vault = folder.unlock("huang", PASSWORDS["huang"])
    inbox.receive_inbox(vault, tmp_path / "inbox")
    vault.close()
    return {"folder": folder, "client_id": client.id}


def test_a_supervisor_accepts_and_assigns_a_new_dispatch(qtbot: QtBot,
                                                         seeded: dict[str, Any]) -> None:
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.platform_accept import AcceptDispatchDialog

    with signed_in(qtbot, seeded["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        dashboard = main._built["dashboard"]
        section = dashboard.platform
        assert section.isVisible()
        qtbot.waitUntil(lambda: section.list.topLevelItem(0).text(1) == "BA-UI-1")
        row = section.list.topLevelItem(0)
        assert row.text(2) == "高" and row.text(4) == "林晓燕"
        click(qtbot, section.accept_button)
        dialog = find_dialog(qtbot, AcceptDispatchDialog)
        qtbot.waitUntil(lambda: dialog.clients.topLevelItemCount() == 2)
        match = dialog.clients.topLevelItem(1)
        assert match.text(0) == "林晓燕" and "电话" in match.text(2)
        dialog.clients.setCurrentItem(match)
        dialog.counsellor.setCurrentIndex(dialog.counsellor.findText("陈芳"))
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
        wait_idle(qtbot, app)
        case = app.worker.call(lambda: app.ctx.services.cases.find(category="domestic_violence"))
        assert len(case) == 1 and case[0].counsellor_name == "陈芳"
        header = app.worker.call(lambda: app.ctx.services.cases.header(case[0].id))
        assert header.platform_ref == "BA-UI-1" and header.client.id == seeded["client_id"]
        view = main._built["cases"].tabs.currentWidget()
        assert isinstance(view, CaseView) and view.case_id == case[0].id
        qtbot.waitUntil(lambda: section.list.topLevelItem(0).text(0) == "没有新的分拨。")
        due = dashboard.due
        qtbot.waitUntil(lambda: any(due.topLevelItem(i).text(2) == header.case_no
                                    for i in range(due.topLevelItemCount())))
        line = next(due.topLevelItem(i) for i in range(due.topLevelItemCount())
                    if due.topLevelItem(i).text(2) == header.case_no)
        assert line.text(1) == "平台分拨：首次联系时限"
        assert line.foreground(0).color().name() == "#b00020"  # overdue


def test_staff_see_dispatches_but_cannot_accept_and_counsellors_see_none(
        qtbot: QtBot, seeded: dict[str, Any]) -> None:
    with signed_in(qtbot, seeded["folder"], "huang", PASSWORDS["huang"]) as (_app, main):
        section = main._built["dashboard"].platform
        qtbot.waitUntil(lambda: section.list.topLevelItem(0).text(1) == "BA-UI-1")
        assert section.receive_button.isVisible() and not section.accept_button.isVisible()
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (_app, main):
        assert not main._built["dashboard"].platform.isVisible()


def test_the_admin_sets_the_inbox_folder_beside_the_outbox(
        qtbot: QtBot, seeded: dict[str, Any], tmp_path: Path) -> None:
    from test_ui_referrals import idle
    from test_ui_referrals import signed_in as context_for

    from ui_helpers import type_into
    from xinhe.ui.screens.platform_setting import PlatformInboxSetting
    from xinhe.ui.screens.referral_admin import ReferralAdminPanel

    with context_for(seeded["folder"], "admin", ADMIN_PASSWORD) as ctx:
        panel = ReferralAdminPanel(ctx)
        qtbot.addWidget(panel)
        panel.show()
        idle(qtbot, ctx)
        setting = panel.findChild(PlatformInboxSetting)
        assert setting is not None and setting.isVisible() and setting.folder.text() == ""
        type_into(qtbot, setting.folder, str(tmp_path / "inbox"))
        click(qtbot, setting.save_button)
        idle(qtbot, ctx)
        assert "已保存" in setting.message.text()
        saved = ctx.worker.call(lambda: inbox.inbox_folder(ctx.services.vault))
        assert saved == tmp_path / "inbox"
