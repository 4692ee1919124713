"""The seven everyday tasks of DESIGN.md ("The people and their day"), each driven as a
person would (click, type, keys) on a real encrypted vault, with the steps counted (a
click, a key chord, one typed field) and the outcome checked in the vault."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from everyday import Steps, buttons, in_vault, open_case, pdf_text, print_to_pdf
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio
from tests.referral_fixtures import draft_referral, dv_case, install_identity
from ui_helpers import find_dialog, running_app, signed_in, wait_idle
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.records.referral_policy import set_outbox_folder
from xinhe.records.vault import VaultFolder

KEY_RE = re.compile(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}")


def test_t1_first_run_creates_the_vault_and_prints_the_recovery_key_in_eight_steps(
        qtbot: QtBot, tmp_path: Path, binding: DeviceBinding) -> None:
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.setup_wizard import SetupWizard

    folder = VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests())
    sheet = tmp_path / "recovery.pdf"
    with running_app(folder) as app:
        wizard = app.window
        assert isinstance(wizard, SetupWizard)
        page = wizard.admin
        steps = Steps(qtbot)
        qtbot.waitUntil(lambda: wizard.focusWidget() is page.display_name)
        steps.type(page.display_name, "张敏")
        steps.type(page.password, "a long enough pass")
        steps.type(page.confirm, "a long enough pass")
        steps.key(page.confirm, Qt.Key.Key_Return)  # Enter creates the vault
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=10_000)
        shown = wizard.recovery.key.text()
        assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
        steps.click(wizard.recovery.print_button)
        print_to_pdf(qtbot, steps, sheet)
        steps.click(wizard.button(QWizard.WizardButton.FinishButton))
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=5000)
        assert steps.count <= 8, steps.count
        assert "馨和家园工作室" in app.window.windowTitle()
    # One clean page: the studio, the date, and the key the vault takes.
    pages = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M)
    text = pdf_text(sheet)
    assert "馨和恢复密钥" in text and "馨和家园工作室" in text
    assert f"打印日期：{date.today().isoformat()}" in text
    printed = "-".join(KEY_RE.findall(text))
    assert printed == shown
    folder.check_recovery_key(printed)
    folder.unlock("zhangmin", "a long enough pass").close()


DAP = {"data": "当事人说上周丈夫又摔了东西", "assessment": "恐惧明显，暂无自伤念头",
       "plan": "周五前完成安全计划并电话回访"}
CHECKLIST = 18


def sign_in(qtbot: QtBot, studio: Studio, user: str) -> Any:
    return signed_in(qtbot, studio.folder, user, Studio.PASSWORDS[user])


def go_to(steps: Steps, main: Any, section: str) -> Any:
    """A click on the section in the side bar."""
    steps.click_row(main.nav, main.nav.item(main.section_keys().index(section)))
    # built on the next turn
    steps.qtbot.waitUntil(lambda: section in main._built and main._built[section].isVisible())
    return main._built[section]


def test_t2_a_walk_in_dv_case_reaches_the_supervisors_queue_in_fifteen_steps(
        qtbot: QtBot, studio: Studio) -> None:
    from xinhe.ui.case_view import CaseView
    from xinhe.ui.dialogs.new_case import NewCaseDialog

    with sign_in(qtbot, studio, "wang") as (app, main):
        steps = Steps(qtbot)
        cases = go_to(steps, main, "cases")
        steps.click(cases.list_panel.new_case)
        dialog = find_dialog(qtbot, NewCaseDialog)
        steps.type(dialog.name, "林晓燕")
        steps.type(dialog.born.edit, "1990")
        steps.type(dialog.phone, "13800138000")
        steps.click(dialog.next)
        qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible())
        form = dialog.form
        assert form.template.id == "dv_intake"  # a walk-in DV case is the default
        steps.scroll_to(form, form.inputs["danger_threat_to_kill"])
        steps.click(form.inputs["danger_strangulation"].button_for(True))
        steps.click(form.inputs["danger_threat_to_kill"].button_for(True))
        steps.click(dialog.next)  # 开案
        ask = find_dialog(qtbot, QMessageBox)
        said = ask.text()
        assert "签名并锁定" in said and "督导审核队列" in said
        assert f"危险因素清单未完成：已答 2/{CHECKLIST}" in said and "待补充 5 项" in said
        steps.click(ask.defaultButton())
        qtbot.waitUntil(lambda: isinstance(cases.tabs.currentWidget(), CaseView),
                        timeout=5000)
        assert steps.count <= 15, steps.count
        view = cases.tabs.currentWidget()
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        case_id = view.case_id
        wait_idle(qtbot, app)
        assert "高风险" in view.header.text() and "已答 2/18" in view.header.text()
    case = studio.sup.cases.header(case_id)
    assert case.risk_level == "high" and case.client.birth_year == 1990
    assert case.client.phone == "13800138000"
    assert [(r.case_id, r.kind) for r in studio.sup.reviews.queue()] == [(case_id, "high_risk")]
    intake = studio.sup.notes.assessments(case_id)[0]
    assert intake.answers == {"danger_strangulation": True, "danger_threat_to_kill": True}
    assert intake.score["pending"] == ["relationship_to_abuser", "children_in_home",
                                       "violence_types", "incident_summary",
                                       "wants_protection_order"]


def general_case(studio: Studio) -> Any:
    case = studio.new_case(studio.wang)
    studio.wang.notes.record_assessment(case.id, template_id="general_intake",
                                        answers={"presenting_issue": "与丈夫的冲突"})
    return case


def write_note(qtbot: QtBot, steps: Steps, view: Any) -> Any:
    from xinhe.ui.dialogs.records import SessionDialog

    steps.click(buttons(view, "新建咨询记录")[0])
    dialog = find_dialog(qtbot, SessionDialog)
    for field, text in DAP.items():
        steps.type(dialog.form.inputs[field].edit, text)
    return dialog


def test_t3_a_session_note_is_written_and_signed_in_six_steps(qtbot: QtBot,
                                                                studio: Studio) -> None:
    case_id = general_case(studio).id
    with sign_in(qtbot, studio, "wang") as (app, main):
        view = open_case(qtbot, app, main, case_id)
        # The intake is what the preview shows first.
        qtbot.waitUntil(lambda: "一般咨询接案登记" in view.detail.toPlainText(), timeout=5000)
        steps = Steps(qtbot)
        dialog = write_note(qtbot, steps, view)
        steps.click(dialog.sign_button)
        box = steps.answer(QMessageBox.StandardButton.Yes)
        assert box.objectName() == "confirmSign"
        assert "锁定" in box.text() and "补充说明" in box.text()
        assert "督导" not in box.text()  # not a high-risk case: nothing goes to the supervisor
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        assert steps.count <= 6, steps.count
        [note] = in_vault(app, lambda s: s.notes.sessions(case_id))
        assert note.signed and {k: note.answers[k] for k in DAP} == DAP
        assert not note.cosign_required
        # The preview shows the note just signed, not the intake that was selected before.
        qtbot.waitUntil(lambda: DAP["plan"] in view.detail.toPlainText(), timeout=5000)
        text = view.detail.toPlainText()
        assert "资料（D）" in text and DAP["data"] in text and "已签名" in text
        current = view.tree.currentItem().data(0, Qt.ItemDataRole.UserRole)
        assert tuple(current) == ("session", note.id)


def test_t4_the_supervisor_reads_the_note_and_cosigns_in_four_steps(
        qtbot: QtBot, studio: Studio) -> None:
    case = general_case(studio)
    studio.wang.cases.override_risk(case.id, "high", "对方扬言报复")
    note = studio.wang.notes.draft_session(case.id, started_at=datetime.now(UTC),
                                           duration_min=40, modality="in_person", answers=DAP)
    studio.wang.notes.sign_session(note.id, note.version)
    with sign_in(qtbot, studio, "sup") as (app, main):
        steps = Steps(qtbot)
        review = go_to(steps, main, "review")
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 2)
        items = [review.list.topLevelItem(i) for i in range(2)]
        row = next(i for i in items if i.text(1) == "记录待督导会签")
        assert review.note.toPlainText() == ""  # nothing read before a row is chosen
        steps.click_row(review.list, row)
        qtbot.waitUntil(lambda: DAP["plan"] in review.note.toPlainText(), timeout=5000)
        shown = review.note.toPlainText()
        for field, label in (("data", "资料（D）"), ("assessment", "评估（A）"),
                             ("plan", "计划（P）")):
            assert label in shown and DAP[field] in shown
        assert review.note.isReadOnly()
        steps.click(review.buttons["cosign"])
        box = steps.answer(QMessageBox.StandardButton.Yes)
        assert box.objectName() == "confirmCosign" and case.case_no in box.text()
        qtbot.waitUntil(lambda: review.status.text() != "", timeout=5000)
        assert review.status.text() == f"已会签 {case.case_no} 的咨询记录。"
        assert steps.count <= 4, steps.count
        qtbot.waitUntil(lambda: review.list.topLevelItemCount() == 1)
    cosigned = studio.sup.notes.session(note.id)
    assert cosigned.cosigned_by == "周督导" and cosigned.cosigned_at is not None
    # Reading the note is on the audit log, as a read of the case by the supervisor.
    reads = studio.sup.vault.audit.events(action_prefix="case.read")
    assert any(e.user == "sup" and e.object_id == case.case_no for e in reads)


def test_t5_staff_export_a_police_referral_in_ten_steps_and_the_receiver_verifies_it(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    identity = install_identity(studio)
    case = dv_case(studio, clock)  # the client's written consent to a police referral
    referral = draft_referral(studio, case)
    outbox = tmp_path / "platform-outbox"
    outbox.mkdir()
    set_outbox_folder(studio.admin.vault, str(outbox))
    with sign_in(qtbot, studio, "staff") as (app, main):
        steps = Steps(qtbot)
        screen = go_to(steps, main, "referrals")
        qtbot.waitUntil(lambda: screen.proxy.rowCount() == 1, timeout=10_000)
        steps.click_row(screen.table, screen.proxy.index(0, 0), double=True)
        wizard = find_dialog(qtbot, QWizard)
        for _page in range(5):  # the agency, the consent on file, the fields, the summary,
            button = wizard.button(QWizard.WizardButton.NextButton)  # the preview
            qtbot.waitUntil(button.isEnabled, timeout=15_000)
            steps.click(button)
        sign = wizard.sign_page
        assert wizard.currentPage() is sign
        steps.type(sign.password, Studio.PASSWORDS["staff"])
        steps.key(sign.password, Qt.Key.Key_Return)  # Enter signs
        qtbot.waitUntil(lambda: wizard.progress_page.finished, timeout=15_000)
        assert steps.count <= 10, steps.count
        wait_idle(qtbot, app)
    done = studio.sup.referrals.get(referral.id)
    assert done.status == "delivered" and done.signed_by == "黄敏"
    pdf = outbox / f"{done.referral_no}-police.pdf"
    assert pdf.read_bytes() == studio.sup.referrals.signed_pdf(referral.id)
    # The police station checks the file against the certificate the studio published.
    pem = tmp_path / "studio.pem"
    pem.write_bytes(identity.cert_pem())
    proc = subprocess.run([sys.executable, "-m", "xinhe", "verify", str(pdf), "--trust",
                           str(pem), "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    said = json.loads(proc.stdout)
    assert said["ok"] and said["trusted"] and said["referral_no"] == done.referral_no
    assert said["agency"] == "police" and said["exported_by"] == "黄敏"


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The person's documents folder, in the test's own home."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    folder = home / "文档"
    folder.mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DOCUMENTS_DIR="$HOME/文档"\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return folder


def test_t6_the_quarterly_statistics_csv_for_the_district_in_four_steps(
        qtbot: QtBot, studio: Studio, documents: Path) -> None:
    for category in ("domestic_violence", "domestic_violence", "emotional_dispute"):
        studio.new_case(studio.wang, category)
    with sign_in(qtbot, studio, "staff") as (app, main):
        steps = Steps(qtbot)
        screen = go_to(steps, main, "statistics")
        qtbot.waitUntil(lambda: screen.report is not None and screen.csv_button.isEnabled(),
                        timeout=10_000)
        assert screen.preset.currentData() == "quarter"  # the vault's day is 2026-03-02

        def save_where_proposed() -> None:  # the Save dialog runs its own loop
            chooser = find_dialog(qtbot, QFileDialog)
            name = next(e for e in chooser.findChildren(QLineEdit) if e.isVisible())
            steps.key(name, Qt.Key.Key_Return)
        QTimer.singleShot(0, save_where_proposed)
        steps.click(screen.csv_button)
        saved = documents / "统计_2026年第1季度.csv"
        qtbot.waitUntil(saved.exists, timeout=10_000)
        qtbot.waitUntil(lambda: screen.message.text().startswith("已保存"), timeout=10_000)
        assert steps.count <= 4, steps.count
    rows = list(csv.DictReader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    totals = {r["代码"]: r["数值"] for r in rows if not r["月份"]}
    assert (totals["report.from"], totals["report.to"]) == ("2026-01-01", "2026-03-31")
    assert totals["new_cases"] == "3" and totals["new_by_source.self"] == "3"
    assert totals["new_by_category.domestic_violence"] == "2"
    assert totals["new_by_category.emotional_dispute"] == "1"
    exports = studio.sup.vault.audit.events(action_prefix="stats.export")
    assert [e.user for e in exports] == ["staff"]


def test_t7_a_note_half_written_survives_a_lock_in_four_steps(qtbot: QtBot,
                                                               studio: Studio) -> None:
    from xinhe.ui.dialogs.records import SessionDialog
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.unlock_window import UnlockWindow

    case_id = general_case(studio).id
    with sign_in(qtbot, studio, "wang") as (app, main):
        view = open_case(qtbot, app, main, case_id)
        write_note(qtbot, Steps(qtbot), view)  # the counsellor is writing when called away
        steps = Steps(qtbot)
        steps.key(find_dialog(qtbot, SessionDialog).form.inputs["plan"].edit, Qt.Key.Key_L,
                  Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: isinstance(app.window, UnlockWindow), timeout=5000)
        unlock = app.window
        assert unlock.user.currentText() == "wang"
        qtbot.waitUntil(lambda: unlock.focusWidget() is unlock.password)  # typing goes there
        steps.type(unlock.password, Studio.PASSWORDS["wang"])
        steps.key(unlock.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: isinstance(app.window, MainWindow), timeout=10_000)
        restored = find_dialog(qtbot, SessionDialog)
        assert steps.count <= 4, steps.count
        assert {k: restored.form.inputs[k].value() for k in DAP} == DAP
        kept = in_vault(app, lambda s: s.drafts.all())
        assert len(kept) == 1
        restored.dirty = False
        restored.reject()
    # Kept encrypted in the vault, never in a file beside it.
    for path in studio.folder.path.iterdir():
        if path.is_file():
            assert DAP["plan"].encode() not in path.read_bytes()
