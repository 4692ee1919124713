"""Need to know (issue 12): every open of a case leaves one audit entry, whoever opens it
(refreshes leave none), and the new-case dialog shows another counsellor's client only
masked, with whom to contact. Driven against a real encrypted vault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD, Studio
from ui_helpers import click, find_dialog, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import AccessDenied
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder
from xinhe.ui.changes import Change

PASSWORDS = {"sup": "sup-password", "wang": "wang-password", "chen": "chen-password"}
CHEN_CLIENT = {"name": "赵雪梅", "birth_date": "1990-05-01", "phone": "13900139000",
               "id_number": "440306199005010023", "address": "西乡街道流塘社区某小区3栋"}


def opens(vault: Any) -> list[tuple[str, str, str]]:
    return sorted((e.user, e.object_id, e.outcome)
                  for e in vault.audit.events(action_prefix="case.read"))


def test_every_open_is_audited_for_every_role_and_a_refresh_is_not(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    studio.wang.cases.view(case.id)  # the responsible counsellor's own open counts too
    studio.sup.cases.view(case.id)
    studio.staff.cases.view(case.id)
    studio.wang.cases.header(case.id)  # what a refresh of an open view calls
    assert opens(studio.sup.vault) == [("staff", case.case_no, "open:header"),
                                       ("sup", case.case_no, "open:notes"),
                                       ("wang", case.case_no, "open:notes")]
    with pytest.raises(AccessDenied):
        studio.chen.cases.view(case.id)
    assert ("chen", case.case_no, "open:notes") not in opens(studio.sup.vault)
    assert [e.outcome for e in studio.sup.vault.audit.events(user="chen")
            if e.action == "case.access"] == ["refused:header"]


@pytest.fixture
def two_desks(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """wang has a case of her own; chen has 赵雪梅's case."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORDS["wang"])
    AccountService(admin).add_user("chen", "陈芳", "counsellor", PASSWORDS["chen"])
    admin.close()
    made: dict[str, Any] = {"folder": folder}
    for user, details in (("wang", {"name": "林晓燕", "phone": "13800138000"}),
                          ("chen", CHEN_CLIENT)):
        vault = folder.unlock(user, PASSWORDS[user])
        svc = Services(vault, tpl.TemplateRegistry.default())
        client = svc.clients.create(**details)
        case = svc.cases.open(client_id=client.id, category="emotional_dispute", source="self")
        made[user] = {"case": case.id, "case_no": case.case_no, "client": client.id}
        vault.close()
    return made


def reads_in(app: Any) -> list[tuple[str, str, str]]:
    return app.worker.call(lambda: opens(app.ctx.vault))


def test_opening_a_case_in_the_app_is_one_entry_refreshes_add_none(qtbot: QtBot,
                                                                    two_desks: dict) -> None:
    from xinhe.ui import operations
    from xinhe.ui.case_view import CaseView

    own = (two_desks["wang"]["case_no"], two_desks["wang"]["case"])
    with signed_in(qtbot, two_desks["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        cases = main.show_section("cases")
        table = cases.list_panel.table
        qtbot.waitUntil(lambda: cases.list_panel.model.rowCount() == 1)
        rect = table.visualRect(table.model().index(0, 0))
        qtbot.mousePress(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView))
        view = cases.tabs.currentWidget()
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        assert reads_in(app) == [("wang", own[0], "open:notes")]
        # A change elsewhere refreshes the open view: still one open.
        operations.run(app.ctx, lambda s: s.cases.set_status(own[1], "active"), parent=main,
                       changed={Change.CASE})
        qtbot.waitUntil(lambda: view.data.header.status == "active", timeout=5000)
        wait_idle(qtbot, app)
        assert reads_in(app) == [("wang", own[0], "open:notes")]
        # Closing the tab and opening the case again is a new open.
        cases.close_tab(cases.tabs.indexOf(view))
        again = main.open_case(own[1])
        qtbot.waitUntil(lambda: again.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        assert reads_in(app) == [("wang", own[0], "open:notes")] * 2


def test_the_new_case_dialog_shows_another_counsellors_client_masked(
        qtbot: QtBot, two_desks: dict) -> None:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    chen_case = two_desks["chen"]["case_no"]
    with signed_in(qtbot, two_desks["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "赵雪梅")
        type_into(qtbot, dialog.born.edit, "1990-05-01")
        qtbot.waitUntil(lambda: dialog.matches.count() > 0 and
                        chen_case in dialog.matches.item(0).text(), timeout=3000)
        item = dialog.matches.item(0)
        shown = item.text() + item.toolTip()
        assert "赵*梅" in shown and "1990" in shown and "陈芳" in shown
        assert "请联系其协调" in shown and "同名且同一出生年份" in shown
        for secret in ("赵雪梅", "13900139000", "440306199005010023", "流塘"):
            assert secret not in shown
        # It cannot be picked: clicking it does not offer "use this client".
        rect = dialog.matches.visualItemRect(item)
        qtbot.mouseClick(dialog.matches.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
        assert dialog.existing_client is None and dialog.next.text() == "下一步 >"
        # A new client needs the counsellor's acknowledgement first.
        click(qtbot, dialog.next)
        qtbot.waitUntil(dialog.error.isVisible)
        assert "其他咨询师" in dialog.error.text() and dialog.pages.currentIndex() == 0
        click(qtbot, dialog.new_anyway)
        click(qtbot, dialog.next)
        assert dialog.pages.currentIndex() == 1
        wait_idle(qtbot, app)
        [event] = app.worker.call(lambda: app.ctx.vault.audit.events(
            action_prefix="client.duplicates"))
        assert event.object_id == str(two_desks["chen"]["client"])
        dialog.close()
