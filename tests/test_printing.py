"""Anything a counsellor can export she can print: the court extract from its dialog, a
referral (and, once recalled, its recall notice) from the referrals screen. The paper copy
holds what was signed and nothing more, and each print is audited as an export is. Printed
here to a PDF file (QPrinter's PDF output under the offscreen platform) and read back with
pdftotext."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from conftest import Clock, Studio
from tests.referral_fixtures import (
    ID_NUMBER,
    INCIDENT,
    NOTE_MARKER,
    SAFETY_MARKER,
    SUMMARY,
    draft_referral,
    dv_case,
    install_identity,
    pdf_text,
)
from ui_helpers import click, find_dialog, signed_in, wait_idle
from xinhe.export.pipeline import export_referral
from xinhe.export.recall import recall_referral


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def printed(qtbot: QtBot, path: Path, tmp_path: Path) -> str:
    qtbot.waitUntil(lambda: path.exists() and path.stat().st_size > 1000, timeout=10_000)
    return pdf_text(path.read_bytes(), tmp_path)


def prints(studio: Studio) -> list[tuple[str, str, str, str]]:
    return [(r["user"], r["action"], r["object_id"], r["outcome"]) for r in
            studio.sup.vault.db.all("SELECT * FROM audit_event WHERE action LIKE '%.print'"
                                    " ORDER BY seq")]


def test_the_court_extract_prints_what_was_signed_and_the_print_is_audited(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    from xinhe.ui.dialogs.court_extract_dialog import CourtExtractDialog, open_court_extract

    install_identity(studio)
    case = dv_case(studio, clock)
    paper = tmp_path / "paper.pdf"
    with signed_in(qtbot, studio.folder, "wang", Studio.PASSWORDS["wang"]) as (app, main):
        view = main.open_case(case.case_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
        open_court_extract(app.ctx, case.case_id, view)
        dialog = find_dialog(qtbot, CourtExtractDialog)
        qtbot.waitUntil(lambda: dialog.items.count() > 0, timeout=5000)
        click(qtbot, dialog.sign_button)
        qtbot.waitUntil(lambda: dialog.extract_no is not None, timeout=10_000)
        number = dialog.extract_no
        assert prints(studio) == []
        dialog.print_extract(pdf_printer(paper))
        text = printed(qtbot, paper, tmp_path)
        wait_idle(qtbot, app)
        assert "已发送到打印机" in dialog.outcome.text()
    for shown in ("求助记录证明", number, "林某", "1990", INCIDENT, "风险评估及结果",
                  "纸质副本", "xinheverify"):
        assert shown in text, shown
    for secret in (NOTE_MARKER, SAFETY_MARKER, ID_NUMBER, "13800138000", "宝安大道"):
        assert secret not in text, secret
    [row] = studio.sup.vault.db.all("SELECT file_sha256 FROM court_extracts")
    assert row["file_sha256"] in text  # the paper names the signed original
    assert prints(studio) == [("wang", "extract.print", number, "ok")]


def _delivered(studio: Studio, clock: Clock, tmp_path: Path) -> Any:
    install_identity(studio)
    case = dv_case(studio, clock)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    result = export_referral(studio.staff, draft_referral(studio, case).id, outbox=outbox)
    return result.referral, outbox


def test_staff_print_a_delivered_referral_and_then_its_recall_notice(
        qtbot: QtBot, studio: Studio, clock: Clock, tmp_path: Path) -> None:
    from xinhe.ui.screens.referrals import ReferralsScreen

    referral, outbox = _delivered(studio, clock, tmp_path)
    first, second = tmp_path / "referral.pdf", tmp_path / "recall.pdf"
    with signed_in(qtbot, studio.folder, "staff", Studio.PASSWORDS["staff"]) as (app, main):
        screen = main.show_section("referrals")
        assert isinstance(screen, ReferralsScreen)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=5000)
        screen.select(referral.id)
        assert screen.print_button.isEnabled() and not screen.recall_button.isEnabled()
        screen.print_selected(pdf_printer(first))
        text = printed(qtbot, first, tmp_path)
        wait_idle(qtbot, app)
        recall_referral(studio.wang, referral.id, "当事人撤回同意", outbox=outbox)
        screen.refresh()
        qtbot.waitUntil(lambda: screen.selected() is not None and
                        screen.selected().status == "recalled", timeout=5000)
        assert "已撤回" in screen.details.text() and "当事人撤回同意" in screen.details.text()
        screen.print_selected(pdf_printer(second))
        notice = printed(qtbot, second, tmp_path)
        wait_idle(qtbot, app)
    for shown in ("转介函", referral.referral_no, SUMMARY, "公安机关", "林某"):
        assert shown in text, shown
    assert NOTE_MARKER not in text and SAFETY_MARKER not in text  # the police policy's limits
    assert str(referral.file_sha256) in text
    assert "转介撤回通知" in notice and "当事人撤回同意" in notice and "林某" not in notice
    assert prints(studio) == [("staff", "referral.print", referral.referral_no, "ok"),
                              ("staff", "referral.print", referral.referral_no, "recall")]


def test_the_statistics_print_the_figures_and_the_print_is_audited(
        qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication
    from stats_scenario import PASSWORDS, SHENZHEN, build

    from xinhe.ui import i18n, style
    from xinhe.ui.context import AppContext, ChangeBus
    from xinhe.ui.operations.session import _opened
    from xinhe.ui.screens.statistics import StatisticsScreen
    from xinhe.ui.worker import DbWorker

    scenario = build(tmp_path / "vault")
    i18n.install("zh_CN")
    style.apply(QApplication.instance())
    worker = DbWorker()
    opened = worker.call(lambda: _opened(scenario.folder.unlock("staff", PASSWORDS["staff"])))
    try:
        ctx = AppContext(worker, opened.services, opened.vault.actor, opened.org_name, False,
                         ChangeBus())
        screen = StatisticsScreen(ctx, zone=SHENZHEN)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitUntil(lambda: screen.report is not None and screen.print_button.isEnabled(),
                        timeout=10_000)
        paper = tmp_path / "stats.pdf"
        screen.print_report(pdf_printer(paper))
        text = printed(qtbot, paper, tmp_path)
        qtbot.waitUntil(lambda: screen.message.text() == "已发送到打印机。", timeout=5000)
        audit = worker.call(lambda: [(r["user"], r["outcome"]) for r in opened.vault.db.all(
            "SELECT * FROM audit_event WHERE action = 'stats.export'")])
    finally:
        worker.call(opened.vault.close)
        worker.shutdown()
        scenario.close()
    assert "统计报告" in text and "服务个案数" in text.replace(" ", "")
    assert audit == [("staff", "print")]
