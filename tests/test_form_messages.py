"""What a counsellor reads when a form is not complete: the question by its label in her
language, never the template's field id (issue 14 follow-up)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from conftest import ADMIN_PASSWORD
from ui_helpers import click, find_dialog, signed_in, type_into, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.services import Services
from xinhe.records.templates_answers import walk
from xinhe.records.templates_model import Field
from xinhe.records.vault import VaultFolder

PASSWORD = "wang-password"


@pytest.fixture
def studio(tmp_path: Path, binding: DeviceBinding) -> tuple[VaultFolder, int]:
    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    admin, _ = folder.create("馨和家园", "admin", "管理员", ADMIN_PASSWORD)
    AccountService(admin).add_user("wang", "王丽", "counsellor", PASSWORD)
    admin.close()
    vault = folder.unlock("wang", PASSWORD)
    services = Services(vault, tpl.TemplateRegistry.default())
    client = services.clients.create(name="林晓燕", birth_date="1990-05-01")
    case = services.cases.open(client_id=client.id, category="domestic_violence", source="self")
    vault.close()
    return folder, case.id


def save_safety_plan_without_dv_answer(qtbot: QtBot, app: Any, main: Any, case_id: int) -> Any:
    from xinhe.ui.dialogs.records import SafetyPlanDialog

    view = main.open_case(case_id)
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    wait_idle(qtbot, app)
    click(qtbot, next(b for b in view.findChildren(QPushButton)
                      if b.text() in ("安全计划", "Safety plan")))
    dialog = find_dialog(qtbot, SafetyPlanDialog)
    type_into(qtbot, dialog.form.inputs["warning_signs"].edit, "睡不着")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible() and dialog.error.text() != "",
                    timeout=5000)
    return dialog


def test_a_missing_required_answer_is_named_by_its_label(
        qtbot: QtBot, studio: tuple[VaultFolder, int]) -> None:
    folder, case_id = studio
    with signed_in(qtbot, folder, "wang", PASSWORD) as (app, main):
        dialog = save_safety_plan_without_dv_answer(qtbot, app, main, case_id)
        shown = dialog.error.text()
        tip = dialog.form.labels["dv_related"].toolTip()
        dialog.reject()
    assert shown == "“涉及家庭暴力”：此题必填。"
    assert tip == shown and "dv_related" not in shown


def test_in_english_too(qtbot: QtBot, studio: tuple[VaultFolder, int]) -> None:
    from xinhe.ui import i18n

    folder, case_id = studio
    with signed_in(qtbot, folder, "wang", PASSWORD) as (app, main):
        i18n.install("en")
        try:
            dialog = save_safety_plan_without_dv_answer(qtbot, app, main, case_id)
            shown = dialog.error.text()
            dialog.reject()
        finally:
            i18n.install("zh_CN")
    assert shown == '"Domestic violence is involved": this question must be answered.'


def empty_forms() -> list[tuple[tpl.Template, list[Field]]]:
    """Each shipped form with the required questions an empty form shows."""
    forms = []
    for template in tpl.TemplateRegistry.default().latest():
        required = [f for _, f in walk(template, {}).shown if f.required]
        if required:
            forms.append((template, required))
    return forms


@pytest.mark.parametrize(("template", "required"), empty_forms(),
                         ids=lambda v: v.id if isinstance(v, tpl.Template) else "")
def test_every_form_names_required_questions_by_label(template: tpl.Template,
                                                      required: list[Field]) -> None:
    with pytest.raises(tpl.InvalidAnswer) as raised:
        tpl.validate_answers(template, {})
    missing = [i for i in raised.value.issues if i.kind == "missing"]
    assert [(i.zh, i.en) for i in missing] == [
        (f"“{f.label.zh}”：此题必填。", f'"{f.label.en}": this question must be answered.')
        for f in required]


def test_forms_with_required_questions_are_checked() -> None:
    ids = {template.id for template, _ in empty_forms()}
    assert {"safety_plan", "dv_intake", "session_note", "followup_visit"} <= ids
