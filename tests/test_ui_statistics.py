"""The 统计 screen driven as a person would: pick a period, read the figures, see the
charts, export. The vault is the hand-built studio of tests/stats_scenario.py."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QLineSeries, QPieSeries, QStackedBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from stats_scenario import SHENZHEN, Scenario, build

from ui_helpers import click
from xinhe.ui import i18n, style
from xinhe.ui.context import AppContext, ChangeBus
from xinhe.ui.operations.session import _opened
from xinhe.ui.screens.statistics import StatisticsScreen
from xinhe.ui.worker import DbWorker


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    made = build(tmp_path_factory.mktemp("stats") / "vault")
    yield made
    made.close()


@pytest.fixture
def open_screen(scenario: Scenario, qtbot: QtBot) -> Iterator[object]:
    app = QApplication.instance()
    i18n.install("zh_CN")
    style.apply(app)
    worker = DbWorker()
    opened_vaults = []

    def make(login: str) -> StatisticsScreen:
        from stats_scenario import PASSWORDS

        opened = worker.call(lambda: _opened(scenario.folder.unlock(login, PASSWORDS[login])))
        opened_vaults.append(opened.vault)
        ctx = AppContext(worker, opened.services, opened.vault.actor, opened.org_name, False,
                         ChangeBus())
        screen = StatisticsScreen(ctx, zone=SHENZHEN)  # the studio's days, on any machine
        qtbot.addWidget(screen)
        screen.resize(1300, 700)
        screen.show()
        qtbot.waitUntil(lambda: screen.report is not None and not screen.charts.pending(),
                        timeout=10_000)
        return screen
    yield make
    for vault in opened_vaults:
        worker.call(vault.close)
    worker.shutdown()


def pick(screen: StatisticsScreen, qtbot: QtBot, preset: str) -> None:
    before = screen.report
    screen.preset.setCurrentIndex(screen.preset.findData(preset))
    qtbot.waitUntil(lambda: screen.report is not before and not screen.charts.pending(),
                    timeout=10_000)


def test_pick_last_quarter_and_read_the_figures_and_charts(open_screen: object,
                                                           qtbot: QtBot) -> None:
    screen = open_screen("sup")  # type: ignore[operator]
    assert screen.preset.currentText() == "本季度"  # today is 10 April: Q2, under way
    assert "包含未来日期" in screen.message.text()
    pick(screen, qtbot, "last_quarter")
    assert (screen.start.date().toString("yyyy-MM-dd"),
            screen.end.date().toString("yyyy-MM-dd")) == ("2026-01-01", "2026-03-31")
    model = screen.model
    assert model.value_of("cases_served") == "5"
    assert model.value_of("person_times") == "10"
    assert model.value_of("crises_on_site") == "1"
    assert model.value_of("followups_late") == "1"
    assert model.value_of("handled_ratio") == "25.00"
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    handled = labels.index("已处理")  # what it counts, on the same line as the figure
    assert model.index(handled, 2).data() == "期间内新增的个案中，到期末已结案的个案数。"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "含义"
    assert "咨询服务" in labels and "服务个案数" in labels
    tip = model.index(labels.index("服务个案数"), 0).data(3)  # the definition as a tooltip
    assert "至少有一次咨询记录" in tip
    assert "2026-01-01 至 2026-03-31 · 共 90 天" in screen.message.text()
    trend = screen.trend_view.chart().series()
    assert [type(s) for s in trend] == [QBarSeries, QLineSeries]
    assert [trend[0].barSets()[0].at(i) for i in range(3)] == [3.0, 2.0, 1.0]
    assert [p.y() for p in trend[1].points()] == [4.0, 5.0, 1.0]
    [pie] = screen.category_view.chart().series()
    assert isinstance(pie, QPieSeries) and pie.count() == 6 and pie.sum() == 4
    [risk] = screen.risk_view.chart().series()
    assert isinstance(risk, QStackedBarSeries)
    assert [s.label() for s in risk.barSets()] == ["高风险", "中风险", "低风险", "未评估"]
    assert [risk.barSets()[0].at(i) for i in range(3)] == [1.0, 2.0, 2.0]
    assert screen.months.rowCount() == 3
    assert screen.months.item(1, 2).text() == "5"
    assert screen.csv_button.isEnabled() and screen.pdf_button.isEnabled()


def test_the_chart_on_show_comes_with_the_figures_and_the_others_on_later_turns(
        open_screen: object, qtbot: QtBot) -> None:
    """Drawing the three charts in one turn held the UI thread too long on a big vault."""
    from PySide6.QtCore import QCoreApplication

    screen = open_screen("sup")  # type: ignore[operator]
    pick(screen, qtbot, "last_quarter")
    views = [screen.trend_view, screen.category_view, screen.risk_view]
    for view in views:
        view.chart().setObjectName("before")
    screen.show_report(screen.report)
    assert views[0].chart().objectName() != "before"  # the tab on show: at once
    QCoreApplication.sendPostedEvents()  # not a posted event: a turn of its own
    assert [v.chart().objectName() for v in views[1:]] == ["before", "before"]
    assert screen.charts.pending()
    screen.tabs.setCurrentIndex(2)  # a tab chosen before its turn shows its chart at once
    assert views[2].chart().objectName() != "before"
    assert views[1].chart().objectName() == "before"
    qtbot.waitUntil(lambda: not screen.charts.pending(), timeout=5000)
    [pie] = views[1].chart().series()
    assert views[1].chart().objectName() != "before" and pie.sum() == 4
    [risk] = views[2].chart().series()
    assert [s.label() for s in risk.barSets()] == ["高风险", "中风险", "低风险", "未评估"]


def test_from_after_to_shows_a_clear_error(open_screen: object, qtbot: QtBot) -> None:
    screen = open_screen("sup")  # type: ignore[operator]
    screen.set_period(date(2026, 4, 1), date(2026, 3, 31))
    qtbot.waitUntil(lambda: screen.report is None, timeout=5_000)
    assert screen.preset.currentData() == "custom"
    assert screen.message.text() == \
        "开始日期（2026-04-01）晚于结束日期（2026-03-31），请调换或重新选择。"
    assert screen.message.objectName() == "error"
    assert screen.model.rowCount() == 0
    assert not screen.csv_button.isEnabled() and not screen.pdf_button.isEnabled()
    screen.set_period(date(2026, 2, 1), date(2026, 2, 28))
    qtbot.waitUntil(lambda: screen.report is not None, timeout=5_000)
    assert screen.model.value_of("person_times") == "5"


def test_supervisor_filters_by_counsellor_and_community(open_screen: object,
                                                        qtbot: QtBot) -> None:
    screen = open_screen("sup")  # type: ignore[operator]
    pick(screen, qtbot, "last_quarter")
    assert screen.counsellor.isVisible()
    before = screen.report
    screen.counsellor.setCurrentIndex(screen.counsellor.findText("王丽"))
    qtbot.waitUntil(lambda: screen.report is not before, timeout=5_000)
    assert screen.model.value_of("cases_served") == "3"
    before = screen.report
    screen.counsellor.setCurrentIndex(0)
    screen.community.setCurrentIndex(screen.community.findText("西乡社区"))
    qtbot.waitUntil(lambda: screen.report is not before and screen.report.scope.community
                    is not None, timeout=5_000)
    assert screen.model.value_of("person_times") == "3"


def test_staff_and_counsellors_see_what_their_role_may_count(open_screen: object,
                                                             qtbot: QtBot) -> None:
    staff = open_screen("staff")  # type: ignore[operator]
    assert not staff.counsellor.isVisible()
    wang = open_screen("wang")  # type: ignore[operator]
    assert not wang.counsellor.isVisible()
    assert any("只统计您自己负责的个案" in label.text()
               for label in wang.findChildren(type(wang.message)))
    pick(wang, qtbot, "last_quarter")
    assert wang.model.value_of("cases_served") == "3"


def test_export_csv_and_signed_pdf(open_screen: object, qtbot: QtBot, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    screen = open_screen("staff")  # type: ignore[operator]
    pick(screen, qtbot, "last_quarter")
    target = tmp_path / "一季度"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args: (str(target), "CSV"))
    click(qtbot, screen.csv_button)
    csv_file = target.with_name("一季度.csv")  # the suffix is added when missing
    qtbot.waitUntil(csv_file.exists, timeout=10_000)
    qtbot.waitUntil(lambda: screen.message.text().startswith("已保存"), timeout=10_000)
    rows = list(csv.DictReader(io.StringIO(csv_file.read_bytes().decode("utf-8-sig"))))
    assert {r["代码"]: r["数值"] for r in rows if not r["月份"]}["cases_served"] == "5"
    pdf_file = tmp_path / "一季度.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(pdf_file), "PDF"))
    click(qtbot, screen.pdf_button)
    assert not screen.pdf_button.isEnabled()  # while it is made and signed
    qtbot.waitUntil(lambda: screen.message.text() == f"已保存：{pdf_file}", timeout=20_000)
    out = subprocess.run(["pdfsig", str(pdf_file)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out and "Total document signed" in out
    assert screen.pdf_button.isEnabled()
