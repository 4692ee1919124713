"""The intake forms at a first contact (issue 14, task T2), driven offscreen as a counsellor
would against a real encrypted vault: the form holds still while answered, yes/no by
keyboard, a danger checklist that may be partly answered and completed later, what the case
header says, and a draft saved; the whole walk-in, counted, is T2 in test_everyday_tasks.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QWidget
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
CHECKLIST = 18


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> VaultFolder:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("sup", "周督导", "supervisor", PASSWORDS["sup"])
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORDS["wang"])
    admin.close()
    return folder


def in_vault(app: Any, work: Any) -> Any:
    services = app.ctx.services
    return app.worker.call(lambda: work(services))


def dv_case(folder: VaultFolder, answers: dict[str, Any]) -> int:
    """A walk-in DV case opened with a partly answered intake, as the counsellor."""
    vault = folder.unlock("wang", PASSWORDS["wang"])
    svc = Services(vault, tpl.TemplateRegistry.default())
    client = svc.clients.create(name="林晓燕", birth_date="1990-05-01")
    case = svc.cases.open(client_id=client.id, category="domestic_violence", source="self")
    svc.notes.record_assessment(case.id, template_id="dv_intake", answers=answers)
    vault.close()
    return case.id


def open_intake_page(qtbot: QtBot, main: Any) -> Any:
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    cases = main.show_section("cases")
    click(qtbot, cases.list_panel.new_case)
    dialog = find_dialog(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.name, "林晓燕")
    click(qtbot, dialog.next)
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
    assert dialog.form.template.id == "dv_intake"
    return dialog


def row_positions(form: Any) -> dict[str, tuple[QPoint, QPoint]]:
    """Where each question shown is on the screen: its label and its input."""
    return {fid: (form.labels[fid].mapToGlobal(QPoint(0, 0)),
                  form.inputs[fid].mapToGlobal(QPoint(0, 0)))
            for fid in form.inputs if fid in form.shown}


def push_button(parent: QWidget, text: str) -> QPushButton:
    return next(b for b in parent.findChildren(QPushButton) if b.text() == text)


def answer(qtbot: QtBot, form: Any, field: str, value: Any) -> None:
    widget = form.inputs[field]
    form.page_scroll.ensureWidgetVisible(widget, 0, 60)
    click(qtbot, widget.button_for(value))


def test_the_form_holds_still_while_it_is_answered(qtbot: QtBot, studio: VaultFolder) -> None:
    # Each answer here opens a follow-up question or a warning (or both).
    steps = [("children_in_home", True), ("children_witnessed", True), ("injured", True),
             ("police_called", True), ("police_warning_letter", True),
             ("danger_strangulation", True), ("danger_child_harm", True),
             ("danger_fear_killed", True), ("danger_escalation", True),
             ("danger_separation", True), ("danger_jealousy", True)]
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (_app, main):
        form = open_intake_page(qtbot, main).form
        order = list(form.inputs)
        for field, value in steps:
            form.page_scroll.ensureWidgetVisible(form.inputs[field], 0, 60)
            qtbot.wait(20)
            before, shown_before = row_positions(form), set(form.shown)
            panel = form.score_panel.mapToGlobal(QPoint(0, 0)), form.score_panel.size()
            answer(qtbot, form, field, value)
            qtbot.wait(20)
            after = row_positions(form)
            opened = set(form.shown) - shown_before
            warned = form.score_label.text()
            assert opened or "•" in warned, field  # the step really opened something
            for fid, where in before.items():
                if order.index(fid) <= order.index(field) or not opened:
                    assert after[fid] == where, (field, fid)
            # Follow-ups open below the answer that caused them.
            assert all(order.index(fid) > order.index(field) for fid in opened)
            assert (form.score_panel.mapToGlobal(QPoint(0, 0)),
                    form.score_panel.size()) == panel


def test_yes_no_by_keyboard(qtbot: QtBot, studio: VaultFolder) -> None:
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (_app, main):
        form = open_intake_page(qtbot, main).form
        first = form.inputs["danger_strangulation"]
        first.focus_answer()
        qtbot.waitUntil(lambda: first.isAncestorOf(QWidget.focusWidget(first)) or
                        first.group.buttons()[0].hasFocus())

        def key(k: Qt.Key) -> None:
            qtbot.keyClick(form.window().focusWidget(), k)

        key(Qt.Key.Key_Y)  # each answer moves on to the next item
        key(Qt.Key.Key_N)
        key(Qt.Key.Key_Question)
        assert [form.inputs[f].value() for f in ("danger_strangulation", "danger_weapon",
                                                 "danger_threat_to_kill")] == [
            True, False, "unknown"]
        assert form.inputs["danger_escalation"].isAncestorOf(form.window().focusWidget())
        key(Qt.Key.Key_Up)
        key(Qt.Key.Key_Up)  # back to the weapon item
        assert form.inputs["danger_weapon"].isAncestorOf(form.window().focusWidget())
        key(Qt.Key.Key_Delete)  # not yet asked after all
        assert form.inputs["danger_weapon"].value() is None
        key(Qt.Key.Key_Down)
        key(Qt.Key.Key_Down)
        key(Qt.Key.Key_Y)
        assert form.inputs["danger_escalation"].value() is True
        assert "已答 3/18" in form.score_label.text()
        assert "高风险" in form.score_label.text()  # strangulation: any yes ⇒ high


def test_a_partly_answered_checklist(qtbot: QtBot, studio: VaultFolder) -> None:
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (_app, main):
        form = open_intake_page(qtbot, main).form
        text = form.score_label.text()
        assert "未评估" in text and "低风险" not in text  # nothing answered: no level
        assert f"危险因素清单未完成：已答 0/{CHECKLIST}" in text
        answer(qtbot, form, "danger_unemployed", True)
        answer(qtbot, form, "danger_isolation", False)
        text = form.score_label.text()
        assert "危险因素得分 2 · 危险较低（仍须结合专业判断）" in text
        assert "（（" not in text and "））" not in text
        assert f"已答 2/{CHECKLIST}" in text and "低风险" in text
        answer(qtbot, form, "danger_weapon", True)  # one lethal factor is enough
        text = form.score_label.text()
        assert "高风险" in text and f"已答 3/{CHECKLIST}" in text
        assert "待补充 5 项" in text  # the intake's other required questions


def test_completing_the_checklist_later_updates_the_level(qtbot: QtBot,
                                                         studio: VaultFolder) -> None:
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.records import AssessmentDialog

    case_id = dv_case(studio, {"danger_fear_killed": True, "danger_isolation": "unknown"})
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (app, main):
        view: CaseView = main.open_case(case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        header = view.header.text()
        assert "中风险" in header and f"危险因素清单未完成：已答 2/{CHECKLIST}" in header
        assert "危险因素得分 3 · 危险较低（仍须结合专业判断）" in header
        assert "danger_score" not in header and "待补充 5 项" in header
        view.header.linkActivated.emit(next(
            f"complete:{i.assessment_id}" for i in view.data.instruments))  # the link
        dialog = find_dialog(qtbot, AssessmentDialog)
        form = dialog.form
        assert form.inputs["danger_fear_killed"].value() is True  # earlier answers kept
        assert form.inputs["danger_isolation"].value() == "unknown"
        for field in ("danger_escalation", "danger_separation", "danger_jealousy"):
            answer(qtbot, form, field, True)  # three strong factors: high
        for field in form.inputs:
            if field.startswith("danger_") and form.inputs[field].value() is None and \
                    form.inputs[field].field.type == "yes_no":
                answer(qtbot, form, field, False)
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: "高风险" in view.header.text(), timeout=5000)
        assert "清单未完成" not in view.header.text()
        levels = in_vault(app, lambda s: [a.level for a in s.notes.assessments(case_id)])
        assert levels == ["medium", "high"]
        assert in_vault(app, lambda s: s.cases.header(case_id)).risk_level == "high"
        queue = in_vault(app, lambda s: s.reviews.for_case(case_id))
        assert [(r.kind, r.status) for r in queue] == [("high_risk", "open")]


def test_the_case_header_names_the_instrument_in_english(qtbot: QtBot,
                                                         studio: VaultFolder) -> None:
    from xinhe.ui import i18n

    case_id = dv_case(studio, {"danger_strangulation": True, "danger_weapon": True,
                               "danger_threat_to_kill": True, "danger_escalation": True,
                               "danger_fear_killed": True, "danger_forced_sex": True})
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (app, main):
        i18n.install("en")
        try:
            view = main.open_case(case_id)
            qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
            wait_idle(qtbot, app)
            header = view.header.text()
            qtbot.waitUntil(lambda: "Danger score 21 · Extreme danger" in
                            view.detail.toPlainText(), timeout=5000)
            assert "danger_score" not in view.detail.toPlainText()
        finally:
            i18n.install("zh_CN")
    assert "Danger score 21 · Extreme danger" in header
    assert f"Danger checklist incomplete: 6/{CHECKLIST} answered" in header
    assert "danger_score" not in header and "&nbsp;High&nbsp;" in header


def test_a_draft_saved_says_so(qtbot: QtBot, studio: VaultFolder) -> None:
    from xinhe.ui.dialogs.records import SessionDialog

    case_id = dv_case(studio, {})
    with signed_in(qtbot, studio, "wang", PASSWORDS["wang"]) as (app, main):
        view = main.open_case(case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        click(qtbot, push_button(view, "新建咨询记录"))
        dialog = find_dialog(qtbot, SessionDialog)
        assert not dialog.saved_line.isVisible()
        type_into(qtbot, dialog.form.inputs["data"].edit, "电话联系，情绪平稳")
        click(qtbot, push_button(dialog, "保存草稿"))
        qtbot.waitUntil(dialog.saved_line.isVisible, timeout=5000)
        assert dialog.saved_line.text().startswith("草稿已保存")
        assert dialog.isVisible()  # a line, not a dialog to dismiss
        notes = in_vault(app, lambda s: s.notes.sessions(case_id))
        assert [n.signed for n in notes] == [False]
