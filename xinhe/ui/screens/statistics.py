"""统计: the period report — a period picker with presets, the figures as a table, charts
of the monthly trend, the category mix and risk levels, and CSV / signed PDF export.

Figures are computed on the database thread; a newer request makes an older result
stale, so quick changes of the period never show figures for the wrong one.
"""

from __future__ import annotations

from datetime import date, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

if TYPE_CHECKING:
    from PySide6.QtCharts import QChartView

from xinhe.errors import XinheError
from xinhe.i18n import language
from xinhe.records.stats import StatsReport
from xinhe.records.stats_period import Period
from xinhe.records.stats_table import RISK_LABELS
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.operations import statistics as stats_ops
from xinhe.ui.operations.statistics import Choices
from xinhe.ui.save_dialogs import ask_save_path
from xinhe.ui.screens.common import WhenShown
from xinhe.ui.screens.statistics_model import FiguresModel
from xinhe.ui.screens.statistics_tabs import ChartTabs
from xinhe.ui.widgets import error_text, label

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

REFRESH_ON = {Change.CASE, Change.SESSION, Change.CRISIS, Change.FOLLOWUP, Change.CLOCK,
              Change.REFERRAL, Change.RISK, Change.ASSESSMENT}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class StatisticsScreen(QWidget):
    """`zone`: whose calendar days count (default: this computer's, the studio's)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 zone: tzinfo | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.zone = zone
        self.report: StatsReport | None = None
        self.today = date.today()
        self._request = 0
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Statistics"), "pageTitle"))
        layout.addLayout(self._period_row())
        layout.addLayout(self._scope_row())
        self.message = label("", "hint")
        layout.addWidget(self.message)
        self.model = FiguresModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.tabs = QTabWidget()
        # QtCharts loads after the screen shows, each chart on a turn of its own.
        self.charts = ChartTabs(self.tabs, (self.tr("Monthly trend"), self.tr("Category mix"),
                                            self.tr("Risk levels")))
        self.months = QTableWidget()
        self.months.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.months.verticalHeader().hide()
        self.months.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.months.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.months, self.tr("By month"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout.addWidget(splitter, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.compute)
        self.schedule_when_shown = WhenShown(self, self.schedule)
        ctx.bus.changed.connect(self._changed)
        self._enable_exports(False)
        stats_ops.load_choices(ctx=ctx, parent=self, zone=zone, on_done=self._choices_loaded)
        self._shown_once = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.charts.prepare()

    @property
    def trend_view(self) -> QChartView | None:
        return self.charts.views[0]

    @property
    def category_view(self) -> QChartView | None:
        return self.charts.views[1]

    @property
    def risk_view(self) -> QChartView | None:
        return self.charts.views[2]

    # -- controls ---------------------------------------------------------------------------
    def _period_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.preset = QComboBox()
        for code, text in (("month", self.tr("This month")), ("last_month", self.tr("Last month")),
                           ("quarter", self.tr("This quarter")),
                           ("last_quarter", self.tr("Last quarter")),
                           ("ytd", self.tr("Year to date")), ("custom", self.tr("Custom"))):
            self.preset.addItem(text, code)
        self.preset.setCurrentIndex(self.preset.findData("quarter"))
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDateRange(QDate(2000, 1, 1), QDate(2099, 12, 31))
            edit.dateChanged.connect(self._dates_edited)
        row.addWidget(QLabel(self.tr("Period")))
        row.addWidget(self.preset)
        row.addWidget(QLabel(self.tr("From")))
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("To")))
        row.addWidget(self.end)
        row.addStretch()
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.csv_button.setToolTip(self.tr("The figures as a spreadsheet for the district "
                                           "(UTF-8, opens in Excel)."))
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton(self.tr("Export signed PDF…"))
        self.pdf_button.setToolTip(self.tr("The report with its charts, signed with the "
                                           "studio's certificate."))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(lambda: self.print_report())
        row.addWidget(self.csv_button)
        row.addWidget(self.pdf_button)
        row.addWidget(self.print_button)
        return row

    def _scope_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.counsellor = QComboBox()
        self.counsellor.addItem(self.tr("All counsellors"), None)
        self.counsellor.currentIndexChanged.connect(self.schedule)
        self.counsellor_label = QLabel(self.tr("Counsellor"))
        supervisor = self.ctx.has_role("supervisor")
        self.counsellor.setVisible(supervisor)
        self.counsellor_label.setVisible(supervisor)
        self.community = QComboBox()
        self.community.addItem(self.tr("All communities"), None)
        self.community.currentIndexChanged.connect(self.schedule)
        row.addWidget(self.counsellor_label)
        row.addWidget(self.counsellor)
        row.addWidget(QLabel(self.tr("Community")))
        row.addWidget(self.community)
        if self.ctx.has_role("counsellor"):
            row.addWidget(label(self.tr("Your own cases only."), "hint", wrap=False))
        row.addStretch()
        return row

    def _choices_loaded(self, choices: Choices) -> None:
        if not isValid(self):
            return
        self.today = choices.today
        for user_id, name in choices.counsellors:
            self.counsellor.addItem(name, user_id)
        for community in choices.communities:
            self.community.addItem(community, community)
        self._preset_chosen()

    def _preset_chosen(self) -> None:
        code = self.preset.currentData()
        if code != "custom":
            period = Period.preset(str(code), self.today)
            for edit, day in ((self.start, period.start), (self.end, period.end)):
                edit.blockSignals(True)
                edit.setDate(qdate(day))
                edit.blockSignals(False)
        self.schedule()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(self.preset.findData("custom"))
        self.preset.blockSignals(False)
        self.schedule()

    def set_period(self, start: date, end: date) -> None:
        """Choose a custom period, as a person would with the two date fields."""
        self.start.setDate(qdate(start))
        self.end.setDate(qdate(end))

    def _changed(self, kinds: Changes) -> None:
        if kinds & REFRESH_ON:
            self.schedule_when_shown()

    # -- computing ---------------------------------------------------------------------------
    def schedule(self) -> None:
        self._timer.start()

    def compute(self) -> None:
        self._request += 1
        request = self._request
        try:
            period = Period(pydate(self.start.date()), pydate(self.end.date()))
        except XinheError as exc:
            self._show_error(exc)
            return
        counsellor = self.counsellor.currentData()
        community = self.community.currentData()
        self._set_message(self.tr("Counting…"), "hint")

        def done(report: StatsReport) -> None:
            if request == self._request and isValid(self):
                self.show_report(report)

        def failed(exc: BaseException) -> None:
            if request == self._request and isValid(self):
                self._show_error(exc)
        stats_ops.load_report(ctx=self.ctx, parent=self, period=period, counsellor_id=counsellor,
                              community=community, zone=self.zone, on_done=done,
                              on_failure=failed)

    def _show_error(self, exc: BaseException) -> None:
        self.report = None
        self.model.set_report(None)
        from xinhe.ui.screens import statistics_charts as charts

        self.charts.clear(charts.empty_chart)
        self.months.clear()
        self.months.setRowCount(0)
        self._set_message(error_text(exc), "error")
        self._enable_exports(False)

    def _set_message(self, text: str, kind: str) -> None:
        self.message.setObjectName(kind)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def show_report(self, report: StatsReport) -> None:
        """The figures and the chart on show at once, the other charts on the next turns."""
        self.report = report
        self.model.set_report(report)
        from xinhe.ui.screens import statistics_charts as charts

        self.charts.show(report, (charts.trend_chart, charts.category_chart, charts.risk_chart))
        self._fill_months(report)
        text = self.tr("%1 to %2 · %3 days · calendar days in %4").replace(
            "%1", report.period.start.isoformat()).replace(
            "%2", report.period.end.isoformat()).replace(
            "%3", str(report.period.days)).replace("%4", report.timezone)
        if report.future:
            self._set_message(text + " · " + self.tr(
                "This period reaches into the future: figures count up to now."), "warning")
        else:
            self._set_message(text, "hint")
        self._enable_exports(True)

    def _fill_months(self, report: StatsReport) -> None:
        headers = [self.tr("Month"), self.tr("Cases served"), self.tr("Person-times"),
                   self.tr("New cases"), *[RISK_LABELS[k][1 if language() == "en" else 0]
                                           for k in ("high", "medium", "low", "none")]]
        self.months.clear()
        self.months.setColumnCount(len(headers))
        self.months.setHorizontalHeaderLabels(headers)
        self.months.setRowCount(len(report.months))
        for row, month in enumerate(report.months):
            risk = ["—"] * 4 if month.risk is None else [
                str(month.risk[k]) for k in ("high", "medium", "low", "none")]
            for column, text in enumerate([month.key, str(month.cases_served),
                                           str(month.person_times), str(month.new_cases),
                                           *risk]):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight |
                                          Qt.AlignmentFlag.AlignVCenter)
                self.months.setItem(row, column, item)

    # -- export ----------------------------------------------------------------------------------
    def _enable_exports(self, enabled: bool) -> None:
        self.csv_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)
        self.print_button.setEnabled(enabled)

    def _ask_path(self, title: str, suffix: str, filter_text: str) -> Path | None:
        report = self.report
        assert report is not None
        name = self.tr("statistics") + f"_{self._period_name(report.period)}.{suffix}"
        return ask_save_path(self, title, name, filter_text, suffix=f".{suffix}")

    def _period_name(self, period: Period) -> str:
        """统计_2026年第1季度, 统计_2026年3月: the period as people name it, in a file name."""
        if period == Period.quarter_of(period.start):
            return self.tr("%1 Q%2").replace("%1", str(period.start.year)).replace(
                "%2", str((period.start.month - 1) // 3 + 1))
        if period == Period.month_of(period.start):
            return self.tr("%1-%2", "year and month").replace(
                "%1", str(period.start.year)).replace("%2", f"{period.start.month:02d}")
        return f"{period.start}_{period.end}"

    def export_csv(self) -> None:
        report = self.report
        if report is None:
            return
        path = self._ask_path(self.tr("Export statistics as CSV"), "csv",
                              self.tr("CSV files (*.csv)"))
        if path is None:
            return
        self._set_message(self.tr("Writing the CSV file…"), "hint")
        stats_ops.export_csv(ctx=self.ctx, parent=self, report=report, path=path,
                             lang=language(), on_done=self._saved, on_failure=self._save_failed)

    def export_pdf(self) -> None:
        report = self.report
        if report is None:
            return
        path = self._ask_path(self.tr("Export statistics as a signed PDF"), "pdf",
                              self.tr("PDF files (*.pdf)"))
        if path is None:
            return
        self._enable_exports(False)
        self._set_message(self.tr("Making and signing the PDF…"), "hint")
        stats_ops.export_pdf(ctx=self.ctx, parent=self, report=report, path=path,
                             lang=language(), on_done=self._saved, on_failure=self._save_failed)

    def print_report(self, printer: QPrinter | None = None) -> None:
        """Print the figures (the CSV's rows); audited as an export of kind "print"."""
        from xinhe.ui.printing import print_document

        report = self.report
        if report is None:
            return
        make = partial(stats_ops.printable, report=report, lang=language())
        print_document(ctx=self.ctx, parent=self, make=make, title=self.tr("Statistics"),
                       printer=printer, on_done=lambda: self._set_message(
                           self.tr("Sent to the printer."), "ok"))

    def _saved(self, path: Path) -> None:
        if not isValid(self):  # the window closed (locked) while the file was written
            return
        self._enable_exports(self.report is not None)
        self._set_message(self.tr("Saved: %1").replace("%1", str(path)), "ok")

    def _save_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._enable_exports(self.report is not None)
        self._set_message(error_text(exc), "error")
