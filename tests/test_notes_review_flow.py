"""Writing, signing and co-signing a session note, driven as a person does it against a
real encrypted vault: asking before signing, a missing answer, cancelling, returning a note.
The counted tasks (T3 sign a note, T4 co-sign it) are in test_everyday_tasks.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from everyday import Steps, buttons, in_vault, open_case
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.vault import VaultFolder

PASSWORDS = {"sup": "sup-password", "wang": "wang-password"}
DAP = {"data": "当事人说上周丈夫又摔了东西", "assessment": "恐惧明显，暂无自伤念头",
       "plan": "周五前完成安全计划并电话回访"}


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> dict[str, Any]:
    """A supervisor and a counsellor (wang) with one case and its client."""
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("sup", "周督导", "supervisor", PASSWORDS["sup"])
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORDS["wang"])
    admin.close()
    vault = folder.unlock("wang", PASSWORDS["wang"])
    svc = Services(vault, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="武欣怡", birth_year=1990)
    case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
    svc.notes.record_assessment(case.id, template_id="general_intake",
                                answers={"presenting_issue": "与丈夫的冲突"})
    vault.close()
    return {"folder": folder, "case": case.id, "case_no": case.case_no}


def as_user(studio: dict[str, Any], user: str) -> tuple[Any, Services]:
    vault = studio["folder"].unlock(user, PASSWORDS[user])
    return vault, Services(vault, tpl.TemplateRegistry.default())


def row_of(tree: QTreeWidget, key: tuple[str, int]) -> QTreeWidgetItem:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return next(i for i in items if tuple(i.data(0, Qt.ItemDataRole.UserRole)) == key)


def write_note(qtbot: QtBot, steps: Steps, view: Any) -> Any:
    from xinhe.ui.dialogs.records import SessionDialog

    steps.click(buttons(view, "新建咨询记录")[0])
    dialog = find_dialog(qtbot, SessionDialog)
    for field, text in DAP.items():
        steps.type(dialog.form.inputs[field].edit, text)
    return dialog


def test_signing_asks_first_and_cancel_signs_nothing(qtbot: QtBot,
                                                     studio: dict[str, Any]) -> None:
    vault, svc = as_user(studio, "wang")
    svc.cases.override_risk(studio["case"], "high", "对方扬言报复")
    vault.close()
    with signed_in(qtbot, studio["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, studio["case"])
        steps = Steps(qtbot)
        dialog = write_note(qtbot, steps, view)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog.form.inputs["plan"].edit, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)  # Ctrl+S, where the typing was
        box = steps.answer(QMessageBox.StandardButton.Cancel)
        assert "督导会签" in box.text() and "高风险" in box.text()
        wait_idle(qtbot, app)
        assert dialog.isVisible() and dialog.form.inputs["data"].value() == DAP["data"]
        assert in_vault(app, lambda s: s.notes.sessions(studio["case"])) == []
        click(qtbot, dialog.sign_button)
        steps.answer(QMessageBox.StandardButton.Yes)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        [note] = in_vault(app, lambda s: s.notes.sessions(studio["case"]))
        assert note.signed and note.cosign_required
        queue = in_vault(app, lambda s: s.cases.header(studio["case"]))
        assert queue.risk_level == "high"


def test_a_missing_answer_is_said_before_any_question(qtbot: QtBot,
                                                      studio: dict[str, Any]) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    with signed_in(qtbot, studio["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, studio["case"])
        click(qtbot, buttons(view, "新建咨询记录")[0])
        dialog = find_dialog(qtbot, SessionDialog)
        type_into(qtbot, dialog.form.inputs["plan"].edit, "下周再约")
        click(qtbot, dialog.sign_button)
        qtbot.waitUntil(dialog.error.isVisible)
        assert dialog.sign_question is None and dialog.isVisible()
        dialog.dirty = False
        dialog.close()


def high_risk_note(studio: dict[str, Any]) -> int:
    vault, svc = as_user(studio, "wang")
    svc.cases.override_risk(studio["case"], "high", "对方扬言报复")
    note = svc.notes.draft_session(studio["case"], started_at=datetime.now(UTC),
                                   duration_min=40, modality="in_person", answers=DAP)
    svc.notes.sign_session(note.id, note.version)
    vault.close()
    return note.id


def test_cancelling_the_cosign_leaves_the_note_waiting(qtbot: QtBot,
                                                       studio: dict[str, Any]) -> None:
    note_id = high_risk_note(studio)
    with signed_in(qtbot, studio["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        review = main.show_section("review")
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 2)
        row = next(review.list.topLevelItem(i) for i in range(2)
                   if review.list.topLevelItem(i).text(1) == "记录待督导会签")
        review.list.setCurrentItem(row)
        click(qtbot, review.buttons["cosign"])
        Steps(qtbot).answer(QMessageBox.StandardButton.Cancel)
        wait_idle(qtbot, app)
        assert review.list.topLevelItemCount() == 2 and review.status.text() == ""
        assert in_vault(app, lambda s: s.notes.session(note_id)).cosigned_by is None


def test_returning_a_note_asks_why_and_says_so(qtbot: QtBot, studio: dict[str, Any]) -> None:
    from ui_helpers import press_ok
    from xinhe.ui.dialogs.simple import SimpleForm

    high_risk_note(studio)
    with signed_in(qtbot, studio["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        dashboard = main._built["dashboard"]
        qtbot.waitUntil(lambda: dashboard.reviews.topLevelItemCount() == 2)
        steps = Steps(qtbot)
        row = next(dashboard.reviews.topLevelItem(i) for i in range(2)
                   if dashboard.reviews.topLevelItem(i).text(1) == "记录待督导会签")
        steps.click_row(dashboard.reviews, row, double=True)  # from the dashboard
        review = main._built["review"]
        qtbot.waitUntil(lambda: DAP["data"] in review.note.toPlainText(), timeout=5000)
        steps.click(review.buttons["return"])
        form = find_dialog(qtbot, SimpleForm)
        steps.type(form.form.itemAt(0, form.form.ItemRole.FieldRole).widget(),
                   "请补充当事人目前的住处")
        press_ok(qtbot, form)
        qtbot.waitUntil(lambda: review.status.text() != "", timeout=5000)
        assert review.status.text() == (f"已将 {studio['case_no']} 的咨询记录退回咨询师，"
                                        "并附上您的意见。")
        [returned] = in_vault(app, lambda s: [i for i in s.reviews.queue(include_done=True)
                                              if i.status == "returned"])
        assert returned.comment == "请补充当事人目前的住处"


def test_a_supervisor_is_not_offered_to_edit_a_counsellors_draft(
        qtbot: QtBot, studio: dict[str, Any]) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    vault, svc = as_user(studio, "wang")
    draft = svc.notes.draft_session(studio["case"], started_at=datetime.now(UTC),
                                    duration_min=40, modality="phone",
                                    answers={"data": "写到一半"})
    vault.close()
    with signed_in(qtbot, studio["folder"], "sup", PASSWORDS["sup"]) as (app, main):
        view = open_case(qtbot, app, main, studio["case"])
        item = row_of(view.tree, ("session", draft.id))
        view.tree.setCurrentItem(item)
        wait_idle(qtbot, app)
        [edit] = buttons(view, "继续编辑")
        assert not edit.isEnabled() and "作者" in edit.toolTip()
        # Double-clicking the row (the first action's shortcut) opens nothing either.
        rect = view.tree.visualItemRect(item)
        qtbot.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        wait_idle(qtbot, app)
        assert not [w for w in view.findChildren(SessionDialog) if w.isVisible()]
    with signed_in(qtbot, studio["folder"], "wang", PASSWORDS["wang"]) as (app, main):
        view = open_case(qtbot, app, main, studio["case"])
        view.tree.setCurrentItem(row_of(view.tree, ("session", draft.id)))
        wait_idle(qtbot, app)
        [edit] = buttons(view, "继续编辑")
        assert edit.isEnabled() and edit.toolTip() == ""
        click(qtbot, edit)
        dialog = find_dialog(qtbot, SessionDialog)
        assert dialog.form.inputs["data"].value() == "写到一半"
        dialog.dirty = False
        dialog.close()
