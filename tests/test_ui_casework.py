"""The daily casework screens, driven offscreen as a person would (click, type, read),
against a real encrypted vault; each test then checks what changed in the vault.
Every test also checks that only the database thread touched the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import (
    click,
    find_dialog,
    press_ok,
    signed_in,
    type_into,
    wait_idle,
)
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

PASSWORDS = {"sup": "sup-password", "wang": "wang-password", "chen": "chen-password"}


@pytest.fixture
def seeded(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """A studio: wang's case A (an overdue follow-up, a signed note), chen's case B."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("sup", "周督导", "supervisor", PASSWORDS["sup"])
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORDS["wang"])
    AccountService(admin).add_user("chen", "陈芳", "counsellor", PASSWORDS["chen"])
    admin.close()
    templates = tpl.TemplateRegistry.default()
    ids: dict[str, Any] = {"folder": folder}
    for user, name, phone in (("wang", "林晓燕", "13800138000"), ("chen", "赵雪梅",
                                                                 "13900139000")):
        vault = folder.unlock(user, PASSWORDS[user])
        svc = Services(vault, templates)
        client = svc.clients.create(name=name, birth_date="1990-05-01", phone=phone)
        case = svc.cases.open(client_id=client.id, category="emotional_dispute", source="self")
        note = svc.notes.draft_session(case.id, started_at=datetime.now(UTC) - timedelta(
            days=3), duration_min=50, modality="in_person",
            answers={"data": f"{name}谈到申请保护令的顾虑。"})
        svc.notes.sign_session(note.id, note.version)
        followup = svc.planning.schedule_followup(case.id, datetime.now(UTC) - timedelta(
            days=1), "routine", "phone")
        ids[user] = {"case": case.id, "case_no": case.case_no, "followup": followup.id}
        vault.close()
    return ids


def services_in(app: Any) -> Services:
    return app.ctx.services


def in_vault(app: Any, work: Any) -> Any:
    """Read the vault on its own thread (as the app does)."""
    services = services_in(app)
    return app.worker.call(lambda: work(services))


def double_click_row(qtbot: QtBot, tree: Any, text: str) -> None:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    item = next(i for i in items if any(text in i.text(c) for c in range(i.columnCount())))
    tree.setCurrentItem(item)
    rect = tree.visualItemRect(item)
    # A view reacts to a double click only on the item the button was pressed on.
    qtbot.mousePress(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_dashboard_lists_due_items_and_opens_them(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import FollowupDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        dashboard = main._built["dashboard"]
        qtbot.waitUntil(lambda: dashboard.due.topLevelItemCount() > 0)
        row = dashboard.due.topLevelItem(0)
        assert row.text(2) == seeded["wang"]["case_no"] and row.text(3) == "林晓燕"
        assert "逾期" in row.text(4)
        assert seeded["chen"]["case_no"] not in [dashboard.due.topLevelItem(i).text(2) for i
                                                in range(dashboard.due.topLevelItemCount())]
        double_click_row(qtbot, dashboard.due, seeded["wang"]["case_no"])
        dialog = find_dialog(qtbot, FollowupDialog)
        assert seeded["wang"]["case_no"] in dialog.windowTitle()
        assert main.section_keys()[main.nav.currentRow()] == "cases"
        dialog.dirty = False
        dialog.close()


def test_creating_a_case_shows_duplicates_and_records_the_intake(qtbot: QtBot,
                                                                 seeded: dict) -> None:
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.phone, "13900139000")  # chen's client's phone: masked
        qtbot.waitUntil(lambda: dialog.matches.count() > 0 and
                        "赵*梅" in dialog.matches.item(0).text(), timeout=3000)
        assert "同一电话" in dialog.matches.item(0).text()
        assert "赵雪梅" not in dialog.matches.item(0).text()
        dialog.phone.clear()
        type_into(qtbot, dialog.name, "黄小梅")
        type_into(qtbot, dialog.phone, "13711112222")
        qtbot.waitUntil(lambda: dialog.matches.count() > 0 and
                        dialog.matches.item(0).text() == "没有找到相符的已有记录。",
                        timeout=3000)
        click(qtbot, dialog.next)
        dialog.category.setCurrentIndex(dialog.category.findData("other"))
        assert dialog.form.template.id == "general_intake"
        click(qtbot, dialog.next)  # nothing typed yet: opening says what is still to ask
        ask = find_dialog(qtbot, QMessageBox)
        assert "待补充 1 项" in ask.text() and "签名并锁定" in ask.text()
        click(qtbot, [b for b in ask.buttons() if b.text() == "返回修改"][0])
        qtbot.waitUntil(lambda: not ask.isVisible())
        type_into(qtbot, dialog.form.inputs["presenting_issue"].edit, "与丈夫长期冷战")
        click(qtbot, dialog.next)
        ask = find_dialog(qtbot, QMessageBox)
        assert "待补充" not in ask.text()
        click(qtbot, ask.defaultButton())
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView), timeout=5000)
        view = cases.tabs.currentWidget()
        qtbot.waitUntil(lambda: view.data is not None)
        assert view.data.header.client.name == "黄小梅"
        assessments = in_vault(app, lambda s: s.notes.assessments(view.case_id))
        assert [(a.template_id, a.answers["presenting_issue"]) for a in assessments] == [
            ("general_intake", "与丈夫长期冷战")]


def open_case(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Any:
    view = main.open_case(case_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    wait_idle(qtbot, app)
    return view


def answer(qtbot: QtBot, which: QMessageBox.StandardButton) -> None:
    """Answer the question the app asks (signing, co-signing)."""
    box = find_dialog(qtbot, QMessageBox)
    click(qtbot, box.button(which))


def more_menu(view: Any) -> dict[str, Any]:
    """The case view's "More…" menu, by action text."""
    from PySide6.QtWidgets import QToolButton

    more = next(b for b in view.findChildren(QToolButton) if b.text() == "更多……")
    return {a.text(): a for a in more.menu().actions()}


def button(view: Any, text: str) -> Any:
    from PySide6.QtWidgets import QPushButton

    return next(b for b in view.findChildren(QPushButton) if b.text() == text)


def test_a_session_signed_and_locked_then_an_addendum(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import SessionDialog
    from xinhe.ui.dialogs.simple import SimpleForm

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        click(qtbot, button(view, "新建咨询记录"))
        dialog = find_dialog(qtbot, SessionDialog)
        type_into(qtbot, dialog.form.inputs["data"].edit, "当事人说这周对方没有再动手")
        dialog.persons.setValue(2)
        click(qtbot, dialog.sign_button)
        answer(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        notes = in_vault(app, lambda s: s.notes.sessions(case_id))
        signed = notes[-1]
        assert signed.signed and signed.persons_served == 2
        assert signed.answers["data"] == "当事人说这周对方没有再动手"
        wait_idle(qtbot, app)
        tree = view.tree
        item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                    if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) ==
                    ["session", signed.id] or tuple(tree.topLevelItem(i).data(
                        0, Qt.ItemDataRole.UserRole)) == ("session", signed.id))
        tree.setCurrentItem(item)
        wait_idle(qtbot, app)
        assert "已签名" in item.text(2)
        assert not [b for b in view.findChildren(type(button(view, "新建咨询记录")))
                    if b.text() == "继续编辑" and b.isVisible()]
        click(qtbot, button(view, "添加补充说明……"))
        form = find_dialog(qtbot, SimpleForm)
        type_into(qtbot, form.form.itemAt(0, form.form.ItemRole.FieldRole).widget(),
                  "更正：服务人数应为一人")
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: not form.isVisible())
        addenda = in_vault(app, lambda s: s.notes.addenda("session", signed.id))
        assert [a.text for a in addenda] == ["更正：服务人数应为一人"]
        assert in_vault(app, lambda s: s.notes.session(signed.id)).answers == signed.answers


def test_an_assessment_that_raises_risk_lands_in_the_review_queue(qtbot: QtBot,
                                                                 seeded: dict) -> None:
    from xinhe.ui.dialogs.records import AssessmentDialog
    from xinhe.ui.dialogs.simple import SimpleForm

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        click(qtbot, button(view, "风险评估"))
        chooser = find_dialog(qtbot, SimpleForm)
        box = chooser.form.itemAt(0, chooser.form.ItemRole.FieldRole).widget()
        box.setCurrentIndex(box.findData("suicide_screen"))
        press_ok(qtbot, chooser)
        dialog = find_dialog(qtbot, AssessmentDialog)
        answers = {"wish_dead": True, "thoughts": True, "method": False, "intent": True,
                   "plan": False, "behaviour": False}
        for field, value in answers.items():
            click(qtbot, dialog.form.inputs[field].button_for(value))
        assert "高风险" in dialog.form.score_label.text()  # live, before saving
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        header = in_vault(app, lambda s: s.cases.header(case_id))
        assert header.risk_level == "high"
        qtbot.waitUntil(lambda: "高风险" in view.header.text())
    with signed_in(qtbot, seeded["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        review = main.show_section("review")
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 1)
        row = review.list.topLevelItem(0)
        assert row.text(1) == "高风险个案审核" and row.text(2) == seeded["wang"]["case_no"]
        assert "还剩" in row.text(0) and ("23 小时" in row.text(0) or "1 天" in row.text(0))


def test_a_supervisor_cosigns_a_note_on_a_high_risk_case(qtbot: QtBot, seeded: dict) -> None:
    folder, case_id = seeded["folder"], seeded["wang"]["case"]
    vault = folder.unlock("wang", PASSWORDS["wang"])
    svc = Services(vault, tpl.TemplateRegistry.default())
    svc.cases.override_risk(case_id, "high", "当事人说今晚回家会被打")
    note = svc.notes.draft_session(case_id, started_at=datetime.now(UTC), duration_min=30,
                                   modality="phone", answers={"data": "电话危机评估"})
    note = svc.notes.sign_session(note.id, note.version)
    vault.close()
    with signed_in(qtbot, folder, "sup", PASSWORDS["sup"]) as (app, main):
        review = main.show_section("review")
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 2)
        row = next(review.list.topLevelItem(i) for i in range(2)
                   if review.list.topLevelItem(i).text(1) == "记录待督导会签")
        review.list.setCurrentItem(row)
        click(qtbot, review.buttons["cosign"])
        answer(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 1)
        cosigned = in_vault(app, lambda s: s.notes.session(note.id))
        assert cosigned.cosigned_by == "周督导" and cosigned.cosigned_at is not None


def test_completing_a_follow_up_schedules_the_next(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import FollowupDialog

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        screen = main.show_section("followups")
        qtbot.waitUntil(lambda: screen.list.topLevelItemCount() == 1)
        screen.list.setCurrentItem(screen.list.topLevelItem(0))
        click(qtbot, screen.record)
        dialog = find_dialog(qtbot, FollowupDialog)
        inputs = dialog.form.inputs
        inputs["method"].combo.setCurrentIndex(inputs["method"].combo.findData("phone"))
        click(qtbot, inputs["reached"].button_for(True))
        type_into(qtbot, inputs["result"].edit, "当事人说一切平安")
        click(qtbot, inputs["safety_now"].button_for(4))
        click(qtbot, dialog.next_on)
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        done = in_vault(app, lambda s: s.planning.followup(seeded["wang"]["followup"]))
        assert done.status == "done" and done.answers["result"] == "当事人说一切平安"
        upcoming = in_vault(app, lambda s: s.planning.followups(case_id=case_id))
        assert len(upcoming) == 1 and upcoming[0].id != done.id
        qtbot.waitUntil(lambda: screen.list.topLevelItemCount() == 1 and "还剩" in
                        screen.list.topLevelItem(0).text(5))


def test_search_opens_the_case(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.case_view import CaseView

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        type_into(qtbot, main.search, "保护令")
        qtbot.waitUntil(lambda: main.search.popup.isVisible(), timeout=3000)
        assert main.search.results.count() == 1  # only her own case's note
        qtbot.keyClick(main.search, Qt.Key.Key_Return)
        cases = main._built["cases"]
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView))
        assert cases.tabs.currentWidget().case_id == seeded["wang"]["case"]


def test_auto_lock_keeps_a_draft_and_brings_it_back(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import SessionDialog
    from xinhe.ui.unlock_window import UnlockWindow

    marker = "锁屏前写到一半的记录MARK"
    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        click(qtbot, button(view, "新建咨询记录"))
        dialog = find_dialog(qtbot, SessionDialog)
        type_into(qtbot, dialog.form.inputs["data"].edit, marker)
        dialog.duration.setValue(75)
        app.idle.start(300)  # nobody touches anything for a while
        qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow), timeout=5000)
        import shiboken6

        # The form went with the decrypted window, not merely hidden.
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=3000)
        wait_idle(qtbot, app)
        for path in seeded["folder"].path.iterdir():
            if path.is_file():
                assert marker.encode() not in path.read_bytes()
        type_into(qtbot, app.window.password, PASSWORDS["wang"])
        click(qtbot, app.window.unlock_button)
        restored = find_dialog(qtbot, SessionDialog)
        assert restored.form.inputs["data"].value() == marker
        assert restored.duration.value() == 75 and restored.dirty
        click(qtbot, restored.sign_button)
        answer(qtbot, QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: not restored.isVisible(), timeout=5000)
        notes = in_vault(app, lambda s: s.notes.sessions(case_id))
        assert notes[-1].answers["data"] == marker and notes[-1].signed
        assert in_vault(app, lambda s: s.drafts.all()) == []


def test_closing_a_form_with_changes_asks_first(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, seeded["wang"]["case"])
        click(qtbot, button(view, "新建咨询记录"))
        dialog = find_dialog(qtbot, SessionDialog)
        type_into(qtbot, dialog.form.inputs["data"].edit, "还没写完")
        click(qtbot, dialog.cancel_button)
        box = find_dialog(qtbot, QMessageBox)
        assert "未保存" in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
        assert dialog.isVisible()
        click(qtbot, dialog.cancel_button)
        box = find_dialog(qtbot, QMessageBox)
        click(qtbot, box.button(QMessageBox.StandardButton.Discard))
        qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_counsellor_never_sees_another_counsellors_case(qtbot: QtBot, seeded: dict) -> None:
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        cases = main.show_section("cases")
        qtbot.waitUntil(lambda: cases.list_panel.model.rowCount() > 0)
        shown = [r.case_no for r in cases.list_panel.model.rows]
        assert shown == [seeded["wang"]["case_no"]]
        # Asking for it anyway (say from an old link) is refused with the reason.
        main.open_case(seeded["chen"]["case"])
        box = find_dialog(qtbot, QMessageBox)
        assert "其他咨询师的个案" in box.text()
        box.close()


def test_a_failed_save_keeps_the_text_and_says_why(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, seeded["wang"]["case"])
        click(qtbot, button(view, "新建咨询记录"))
        dialog = find_dialog(qtbot, SessionDialog)
        type_into(qtbot, dialog.form.inputs["plan"].edit, "下周再约")
        click(qtbot, dialog.sign_button)  # the required "data" is empty
        qtbot.waitUntil(dialog.error.isVisible)
        assert dialog.error.text() == "“资料（D）：本次了解到的情况”：此题必填。"
        assert dialog.isVisible()
        assert dialog.form.inputs["plan"].value() == "下周再约"
        assert in_vault(app, lambda s: len(s.notes.sessions(seeded["wang"]["case"]))) == 1
        dialog.dirty = False
        dialog.close()


def test_a_returned_note_shows_on_the_counsellors_dashboard(qtbot: QtBot,
                                                            seeded: dict) -> None:
    folder, case_id = seeded["folder"], seeded["wang"]["case"]
    vault = folder.unlock("wang", PASSWORDS["wang"])
    svc = Services(vault, tpl.TemplateRegistry.default())
    svc.cases.override_risk(case_id, "high", "专业判断")
    note = svc.notes.draft_session(case_id, started_at=datetime.now(UTC), duration_min=30,
                                   modality="phone", answers={"data": "电话联系"})
    svc.notes.sign_session(note.id, note.version)
    vault.close()
    sup_vault = folder.unlock("sup", PASSWORDS["sup"])
    sup = Services(sup_vault, tpl.TemplateRegistry.default())
    item = next(i for i in sup.reviews.queue() if i.kind == "cosign")
    sup.reviews.return_with_comment(item.id, "请补充当事人的住处")
    sup_vault.close()
    with signed_in(qtbot, folder, "wang", PASSWORDS["wang"]) as (app, main):
        dashboard = main._built["dashboard"]
        qtbot.waitUntil(lambda: dashboard.returned.topLevelItemCount() == 1)
        assert dashboard.returned_box.isVisible()
        assert dashboard.returned.topLevelItem(0).text(3) == "请补充当事人的住处"


def test_the_case_view_opens_the_referral_wizard_and_the_consent_dialog(
        qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.consent_dialog import ConsentDialog
    from xinhe.ui.referral_wizard import ReferralWizard

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, seeded["wang"]["case"])
        click(qtbot, button(view, "转介……"))
        wizard = find_dialog(qtbot, ReferralWizard)
        assert wizard.isVisible()
        wizard.reject()
        more_menu(view)["记录知情同意……"].trigger()
        dialog = find_dialog(qtbot, ConsentDialog)
        assert dialog.isVisible()
        dialog.reject()


def test_a_recorded_consent_is_on_the_timeline_and_can_be_withdrawn(
        qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.consent_dialog import ConsentDialog

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        more_menu(view)["记录知情同意……"].trigger()
        dialog = find_dialog(qtbot, ConsentDialog)
        dialog.recipient.setCurrentIndex(dialog.recipient.findData("court"))
        dialog.form.setCurrentIndex(dialog.form.findData("written"))
        type_into(qtbot, dialog.given_by, "当事人本人")
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

        def consent_row() -> Any:
            items = [view.tree.topLevelItem(i) for i in range(view.tree.topLevelItemCount())]
            return next((i for i in items if i.text(1).startswith("知情同意")), None)
        qtbot.waitUntil(lambda: consent_row() is not None, timeout=5000)
        assert consent_row().text(1) == "知情同意：转介 → 人民法院"
        assert consent_row().text(2) == "有效"
        view.tree.setCurrentItem(consent_row())
        qtbot.waitUntil(lambda: "书面同意" in view.detail.toPlainText(), timeout=5000)
        assert "当事人本人" in view.detail.toPlainText()

        click(qtbot, button(view, "撤回此同意……"))
        box = find_dialog(qtbot, QMessageBox)
        assert "已经发出的转介不会撤回" in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
        wait_idle(qtbot, app)
        assert in_vault(app, lambda s: s.consents.for_case(case_id))[0].active

        click(qtbot, button(view, "撤回此同意……"))
        click(qtbot, find_dialog(qtbot, QMessageBox).button(QMessageBox.StandardButton.Yes))
        qtbot.waitUntil(lambda: consent_row() is not None and consent_row().text(2) == "已撤回",
                        timeout=5000)
        consents = in_vault(app, lambda s: s.consents.for_case(case_id))
        assert [(c.recipient, c.active, c.withdrawn_by) for c in consents] == [
            ("court", False, "王丽")]
        assert in_vault(app, lambda s: s.consents.covering(case_id, "referral", "court")) is None
        view.tree.setCurrentItem(consent_row())
        qtbot.waitUntil(lambda: "已撤回" in view.detail.toPlainText(), timeout=5000)
        assert "王丽" in view.detail.toPlainText()
        assert not [b for b in view.findChildren(QPushButton) if b.text() == "撤回此同意……"
                    and b.isVisible()]


def test_a_supervisor_names_the_responsible_supervisor_shown_in_the_header(
        qtbot: QtBot, seeded: dict) -> None:
    from PySide6.QtWidgets import QComboBox

    from xinhe.ui.dialogs.simple import SimpleForm

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        assert "指定负责督导……" not in more_menu(view)
        assert "督导：" not in view.header.text()
    with signed_in(qtbot, seeded["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        more_menu(view)["指定负责督导……"].trigger()
        form = find_dialog(qtbot, SimpleForm)
        (box,) = form.findChildren(QComboBox)
        assert [box.itemText(i) for i in range(box.count())] == ["周督导", "（不指定）"]
        box.setCurrentIndex(box.findText("周督导"))
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: "督导：周督导" in view.header.text(), timeout=5000)
        header = in_vault(app, lambda s: s.cases.header(case_id))
        assert header.supervisor_name == "周督导"


def test_cases_are_shared_from_the_case_and_reassigned_from_the_review_queue(
        qtbot: QtBot, seeded: dict) -> None:
    from PySide6.QtWidgets import QComboBox

    from xinhe.ui.dialogs.simple import SimpleForm

    folder, case_id = seeded["folder"], seeded["wang"]["case"]

    def pick(qtbot: QtBot, name: str) -> list[str]:
        form = find_dialog(qtbot, SimpleForm)
        (box,) = form.findChildren(QComboBox)
        offered = [box.itemText(i) for i in range(box.count())]
        box.setCurrentIndex(box.findText(name))
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
        return offered

    with signed_in(qtbot, folder, "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        more_menu(view)["共享给同事……"].trigger()
        assert sorted(pick(qtbot, "陈芳")) == sorted(["周督导", "王丽", "陈芳"])  # no admin
        wait_idle(qtbot, app)
        assert in_vault(app, lambda s: s.cases.header(case_id)).shared_with == ("陈芳",)
    vault = folder.unlock("wang", PASSWORDS["wang"])
    Services(vault, tpl.TemplateRegistry.default()).cases.request_closure(case_id, "目标已达成")
    vault.close()
    with signed_in(qtbot, folder, "sup", PASSWORDS["sup"]) as (app, main):
        review = main.show_section("review")
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 1)
        review.list.setCurrentItem(review.list.topLevelItem(0))
        click(qtbot, review.buttons["reassign"])
        pick(qtbot, "陈芳")
        wait_idle(qtbot, app)
        assert in_vault(app, lambda s: s.cases.header(case_id)).counsellor_name == "陈芳"


@pytest.mark.parametrize(("typed", "birth_date", "birth_year"), [
    ("1991年3月15日", "1991-03-15", 1991), ("19910315", "1991-03-15", 1991),
    ("1991", None, 1991)])
def test_the_birth_date_is_typed_as_people_write_it(qtbot: QtBot, seeded: dict, typed: str,
                                                    birth_date: str | None,
                                                    birth_year: int) -> None:
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "黄小梅")
        type_into(qtbot, dialog.born.edit, typed)
        click(qtbot, dialog.next)
        dialog.category.setCurrentIndex(dialog.category.findData("other"))
        type_into(qtbot, dialog.form.inputs["presenting_issue"].edit, "失眠")
        click(qtbot, dialog.next)
        click(qtbot, find_dialog(qtbot, QMessageBox).defaultButton())  # sign and open
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView), timeout=5000)
        view = cases.tabs.currentWidget()
        qtbot.waitUntil(lambda: view.data is not None)
        client = view.data.header.client
        assert (client.birth_date, client.birth_year) == (birth_date, birth_year)


def test_an_unreadable_birth_date_stops_on_the_first_page(qtbot: QtBot, seeded: dict) -> None:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (_app, main):
        cases = main.show_section("cases")
        click(qtbot, cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        type_into(qtbot, dialog.name, "黄小梅")
        type_into(qtbot, dialog.born.edit, "1991-02-30")
        click(qtbot, dialog.next)
        qtbot.waitUntil(dialog.error.isVisible)
        assert dialog.error.text().startswith("出生日期")
        assert dialog.pages.currentIndex() == 0
        dialog.close()


def test_the_search_popup_leaves_no_app_wide_filter_however_it_closes(
        qtbot: QtBot, seeded: dict) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (_app, main):
        box = main.search
        seen: list[object] = []
        filter_events = box.eventFilter
        box.eventFilter = lambda watched, event: (seen.append(watched),  # type: ignore[method-assign]
                                                  filter_events(watched, event))[1]
        type_into(qtbot, box, "保护令")
        qtbot.waitUntil(lambda: box.popup.isVisible(), timeout=3000)
        probe = QEvent(QEvent.Type.User)
        QApplication.sendEvent(main.nav, probe)  # any widget's event passes the filter
        assert main.nav in seen
        box.popup.hide()  # closed without hide_popup (the window hid it, say)
        seen.clear()
        QApplication.sendEvent(main.nav, probe)
        assert main.nav not in seen


def test_a_session_note_is_made_then_shown_on_the_next_turn_with_focus_as_before(
        qtbot: QtBot, seeded: dict) -> None:
    """Making the form and its first showing are separate turns of the event loop; the
    dialog opens with the keyboard on its first field, and a second click while it is
    on its way opens no second note."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from xinhe.ui.case_actions import new_session
    from xinhe.ui.dialogs.records import SessionDialog

    case_id = seeded["wang"]["case"]
    with signed_in(qtbot, seeded["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, case_id)
        new_session(view)
        [dialog] = view.findChildren(SessionDialog)
        assert set(dialog.form.inputs) >= {"data", "assessment", "plan"}  # all made
        QCoreApplication.sendPostedEvents()  # not a posted event: a turn of its own
        assert not dialog.isVisible()
        new_session(view)  # clicked again before it shows
        shown = find_dialog(qtbot, SessionDialog)
        assert shown is dialog
        qtbot.waitUntil(lambda: len(view.findChildren(SessionDialog)) == 1, timeout=5000)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.started, timeout=5000)
        tab_order, widget = [], dialog.started
        for _ in range(60):  # Tab goes from the time through the questions to the buttons
            widget = widget.nextInFocusChain()
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
                tab_order.append(widget)
        data = tab_order.index(dialog.form.inputs["data"].edit)
        assert tab_order.index(dialog.persons) < data < tab_order.index(dialog.sign_button)
        type_into(qtbot, dialog.form.inputs["data"].edit, "当事人说这周对方没有再动手")
        dialog.submit(final=False)
        wait_idle(qtbot, app)
        [note] = in_vault(app, lambda s: [n for n in s.notes.sessions(case_id)
                                          if not n.signed])
        assert note.answers["data"] == "当事人说这周对方没有再动手"
        dialog.close()
