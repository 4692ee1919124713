"""The record of help sought for a court (求助记录证明): chosen by the counsellor, the minimum
necessary, signed like a referral, accepted by `xinhe verify`, refused to those who may not
read the case, audited; and `xinhe cases extract` from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio
from test_cli import Run, initialised, run  # noqa: F401 (fixtures)
from tests.referral_fixtures import (
    ID_NUMBER,
    INCIDENT,
    NOTE_MARKER,
    SAFETY_MARKER,
    dv_case,
    install_identity,
    pdf_text,
)
from xinhe.errors import AccessDenied, InvalidInput
from xinhe.export.court_extract import export_court_extract
from xinhe.export.verify import verify_pdf
from xinhe.records.court_extract import JSON_NAME, extract_items
from xinhe.records.court_extract_store import extract_copy
from xinhe.records.vault import VaultFolder

pytestmark = pytest.mark.both_backends

ROOT = Path(__file__).resolve().parents[1]
ACTIONS = "回家途中被跟踪，陪同报警并送医（干预措施标记）。"
CRISIS_PLACE = "宝安区某某路口（干预地点标记）"


def _crisis(studio: Studio, case_id: int, clock: Clock) -> None:
    studio.wang.notes.record_crisis(case_id, occurred_at=clock.now, answers={
        "crisis_kind": "dv_high_risk", "on_site": True, "location": CRISIS_PLACE,
        "actions": ACTIONS, "police_called": True, "hospital": True,
        "outcome": "当事人已安全。"})


def _defaults(studio: Studio, case_id: int) -> list[str]:
    return [i.key for i in extract_items(studio.wang.vault, studio.templates, case_id)
            if i.default]


def _audit(studio: Studio, action: str) -> list[tuple[str, str, str]]:
    return [(r["user"], r["object_id"], r["outcome"]) for r in studio.sup.vault.db.all(
        "SELECT * FROM audit_event WHERE action = ? ORDER BY seq", (action,))]


def _verify_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xinhe", "verify", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_default_extract_is_signed_verified_and_holds_the_minimum(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    _crisis(studio, case.case_id, clock)
    out = tmp_path / "court"
    out.mkdir()
    result = export_court_extract(studio.wang.vault, studio.templates, case.case_id,
                                  _defaults(studio, case.case_id), out_dir=out)
    assert result.saved_to is not None and result.saved_to.read_bytes() == result.pdf
    assert result.saved_to.name == f"{result.record.extract_no}-court.pdf"
    checked = verify_pdf(result.pdf)
    assert checked.ok and checked.kind == "court_extract"
    assert checked.referral_no == result.record.extract_no and checked.agency == "court"
    assert checked.signer_name == "王丽"
    text = pdf_text(result.pdf, tmp_path)
    for shown in ("求助记录证明", "林某", "1990", INCIDENT.replace(" ", ""), "掐", "危机干预",
                  ACTIONS, "伤情照片.jpg", "风险评估", "高风险", case.case_no):
        assert shown in text, (shown, text)
    # no note text, no safety plan, nothing that finds her, not the crisis's place
    raw = result.pdf + result.extract.json_bytes()
    for secret in (NOTE_MARKER, SAFETY_MARKER, ID_NUMBER, "13800138000", "宝安大道",
                   "凤凰岗", "林父", CRISIS_PLACE):
        assert secret not in text and secret.encode() not in raw, secret
    assert JSON_NAME == "court-extract.json"

    proc = _verify_cli(result.saved_to)
    assert proc.returncode == 0, proc.stderr
    assert f"证明编号：{result.record.extract_no}" in proc.stdout
    tampered = tmp_path / "tampered.pdf"
    data = bytearray(result.pdf)
    at = data.index(b"/Author")
    data[at + 9] ^= 0x01  # one byte of the signed content
    tampered.write_bytes(bytes(data))
    proc = _verify_cli(tampered)
    assert proc.returncode == 1 and proc.stderr.strip()


def test_a_session_note_appears_only_when_the_counsellor_ticks_it(
        studio: Studio, clock: Clock, tmp_path: Path) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    items = extract_items(studio.wang.vault, studio.templates, case.case_id)
    [note] = [i for i in items if i.section == "notes"]
    assert not note.default and NOTE_MARKER not in note.label
    chosen = ["client:name", "contacts", note.key]
    result = export_court_extract(studio.wang.vault, studio.templates, case.case_id, chosen)
    text = pdf_text(result.pdf, tmp_path)
    assert NOTE_MARKER in text and "林某" in text
    assert "1990" not in text and INCIDENT not in text  # not ticked, not there
    assert result.saved_to is None
    with pytest.raises(InvalidInput):  # only the name is not an extract of the case
        export_court_extract(studio.wang.vault, studio.templates, case.case_id,
                             ["client:name"])


def test_refused_to_whoever_may_not_read_the_case_and_every_step_audited(
        studio: Studio, clock: Clock) -> None:
    install_identity(studio)
    case = dv_case(studio, clock)
    chosen = _defaults(studio, case.case_id)
    for who in (studio.chen, studio.staff, studio.admin):
        with pytest.raises(AccessDenied):
            export_court_extract(who.vault, studio.templates, case.case_id, chosen)
    staff_refusal = _audit(studio, "extract.court")
    assert ("staff", case.case_no, "refused:role") in staff_refusal
    assert ("admin", case.case_no, "refused:role") in staff_refusal
    assert any(r["user"] == "chen" and r["outcome"] == "refused:notes"
               for r in studio.sup.vault.db.all("SELECT * FROM audit_event WHERE"
                                                " action = 'case.access'"))
    assert studio.sup.vault.db.scalar("SELECT count(*) FROM court_extracts") == 0
    # the supervisor may, and her extract is recorded, audited and can be printed again
    result = export_court_extract(studio.sup.vault, studio.templates, case.case_id, chosen)
    number = result.record.extract_no
    assert ("sup", case.case_no, number) in _audit(studio, "extract.court")
    assert [(u, o) for u, o, _ in _audit(studio, "extract.sign")] == [("sup", number)]
    again, pdf = extract_copy(studio.wang.vault, number)
    assert pdf == result.pdf and again == result.extract
    assert ("wang", number, "ok") in _audit(studio, "extract.print")
    with pytest.raises(AccessDenied):
        extract_copy(studio.staff.vault, number)


def test_cli_cases_extract_for_court(run: Run, initialised: str,  # noqa: F811
                                     tmp_path: Path) -> None:
    from conftest import dv_intake_answers
    from tests.referral_fixtures import p12_bytes, studio_identity
    from xinhe.records import templates as tpl
    from xinhe.records.services import Services

    code, _, err = run("users", "add", "wang", "--role", "counsellor", "--display-name", "王丽",
                       "--user", "admin", stdin="admin-pass-1\nwang-pass-1\n")
    assert code == 0, err
    p12 = tmp_path / "studio.p12"
    p12.write_bytes(p12_bytes(studio_identity()))
    code, _, err = run("signing-identity", "import", str(p12), "--user", "admin",
                       stdin="admin-pass-1\np12-pass\n")
    assert code == 0, err
    vault = VaultFolder(run.vault_dir, run.binding).unlock("wang", "wang-pass-1")
    try:
        svc = Services(vault, tpl.TemplateRegistry.default())
        client = svc.clients.create(name="林某", birth_date="1990-05-01", phone="13800138000")
        case = svc.cases.open(client_id=client.id, category="domestic_violence",
                              source="self")
        svc.notes.record_assessment(case.id, template_id="dv_intake", answers=dv_intake_answers(
            "weapon", incident_summary=INCIDENT))
    finally:
        vault.close()
    out = tmp_path / "court"
    out.mkdir()
    code, listed, err = run("cases", "extract", case.case_no, "--for", "court", "--list",
                            "--user", "wang", stdin="wang-pass-1\n")
    assert code == 0 and "* contacts" in listed, err
    code, text, err = run("cases", "extract", case.case_no, "--for", "court", "--out",
                          str(out), "--user", "wang", stdin="wang-pass-1\n")
    assert code == 0, err
    [pdf] = out.glob("*.pdf")
    assert f"已保存：{pdf}" in text
    assert verify_pdf(pdf.read_bytes()).ok
    assert "13800138000" not in pdf_text(pdf.read_bytes(), tmp_path)
    code, _, err = run("cases", "extract", case.case_no, "--for", "court", "--out", str(out),
                       "--user", "admin", stdin="admin-pass-1\n")
    assert code == 1 and "咨询师或督导" in err


def test_two_clicks_from_the_case_view(qtbot: QtBot, studio: Studio, clock: Clock) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from ui_helpers import click, find_dialog, signed_in, wait_idle
    from xinhe.ui.dialogs.court_extract_dialog import CourtExtractDialog

    install_identity(studio)
    case = dv_case(studio, clock)
    with signed_in(qtbot, studio.folder, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        view = main.open_case(case.case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        [start] = [b for b in view.findChildren(QPushButton) if b.text() == "求助记录证明……"]
        click(qtbot, start)  # one
        dialog = find_dialog(qtbot, CourtExtractDialog)
        qtbot.waitUntil(lambda: dialog.items.count() > 0, timeout=5000)
        ticked = {dialog.items.item(i).data(Qt.ItemDataRole.UserRole): dialog.items.item(
            i).checkState() == Qt.CheckState.Checked for i in range(dialog.items.count())}
        assert ticked["client:name"] and ticked["assessments"]
        assert [k for k, on in ticked.items() if k.startswith("note:")] and not any(
            on for k, on in ticked.items() if k.startswith("note:"))
        click(qtbot, dialog.sign_button)  # two
        qtbot.waitUntil(lambda: dialog.extract_no is not None, timeout=10_000)
        assert dialog.extract_no in dialog.outcome.text()
        assert dialog.print_button.isEnabled() and not dialog.sign_button.isEnabled()
    [row] = studio.sup.vault.db.all("SELECT extract_no, chosen, pdf FROM court_extracts")
    assert row["extract_no"] == dialog.extract_no and "note:" not in row["chosen"]
    assert verify_pdf(bytes(row["pdf"])).ok
    assert ("wang", case.case_no, dialog.extract_no) in _audit(studio, "extract.court")
    with signed_in(qtbot, studio.folder, "staff", Studio.PASSWORDS["staff"]) as (app, main):
        view = main.open_case(case.case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        wait_idle(qtbot, app)
        assert not [b for b in view.findChildren(QPushButton) if b.text() == "求助记录证明……"]
