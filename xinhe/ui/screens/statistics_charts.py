"""The statistics screen's charts (QtCharts), built from a report's plain figures."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from xinhe.records import vocab
from xinhe.records.stats import StatsReport
from xinhe.records.stats_queries import RISK_KEYS
from xinhe.records.stats_table import RISK_LABELS, month_labels
from xinhe.ui.style import PRIMARY, RISK_COLOURS

SERVED_COLOUR = PRIMARY
PERSONS_COLOUR = "#d98cb3"
NONE_COLOUR = "#9aa5b1"
PALETTE = ("#8a1c2b", "#6d3b7d", "#2f6f8f", "#d08c2b", "#4f8a4b", "#9aa5b1", "#c55a7a",
           "#3d4f7a")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _value_axis(top: int, title: str = "") -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, max(1, top + max(1, top // 8)))
    axis.applyNiceNumbers()
    axis.setLabelFormat("%d")
    if title:
        axis.setTitleText(title)
    return axis


def trend_chart(report: StatsReport) -> QChart:
    """Cases served (bars, left axis) and person-times (line, right axis) per month."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts", "Monthly trend"))
    served = QBarSet(QCoreApplication.translate("StatisticsCharts", "Cases served"))
    served.setColor(QColor(SERVED_COLOUR))
    served.append([float(m.cases_served) for m in report.months])
    bars = QBarSeries()
    bars.append(served)
    line = QLineSeries()
    line.setName(QCoreApplication.translate("StatisticsCharts", "Person-times"))
    line.setPen(QPen(QColor(PERSONS_COLOUR), 2.5))
    line.setPointsVisible(True)
    for index, month in enumerate(report.months):
        if month.begun:  # a month still to come has no point
            line.append(float(index), float(month.person_times))
    chart.addSeries(bars)
    chart.addSeries(line)
    months = QBarCategoryAxis()
    months.append(month_labels(report.months))
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    left = _value_axis(max([m.cases_served for m in report.months], default=0),
                       QCoreApplication.translate("StatisticsCharts", "Cases served"))
    right = _value_axis(max([m.person_times for m in report.months], default=0),
                        QCoreApplication.translate("StatisticsCharts", "Person-times"))
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
    bars.attachAxis(months)
    bars.attachAxis(left)
    line.attachAxis(months)
    line.attachAxis(right)
    return chart


def category_chart(report: StatsReport) -> QChart:
    """New cases by category."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts",
                                              "Category mix of new cases"))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    pie = QPieSeries()
    total = sum(report.new_by_category.values())
    for index, (code, count) in enumerate(report.new_by_category.items()):
        share = f" ({count * 100 / total:.1f}%)" if total else ""
        piece = pie.append(f"{vocab.label(vocab.CATEGORIES, code)} {count}{share}",
                           float(count))
        piece.setColor(QColor(PALETTE[index % len(PALETTE)]))
        piece.setBorderColor(QColor("white"))
    if total == 0:
        chart.setTitle(QCoreApplication.translate(
            "StatisticsCharts", "Category mix of new cases: none in this period"))
    chart.addSeries(pie)
    return chart


def risk_chart(report: StatsReport) -> QChart:
    """Open cases at each month's end, stacked by their risk level then."""
    chart = _chart(QCoreApplication.translate("StatisticsCharts",
                                              "Open cases by risk level at month end"))
    series = QStackedBarSeries()
    colours = {**RISK_COLOURS, "none": NONE_COLOUR}
    for level in RISK_KEYS:
        bar = QBarSet(vocab.label(RISK_LABELS, level))
        bar.setColor(QColor(colours[level]))
        bar.append([float((m.risk or {}).get(level, 0)) for m in report.months])
        series.append(bar)
    chart.addSeries(series)
    months = QBarCategoryAxis()
    months.append(month_labels(report.months))
    top = max([sum((m.risk or {}).values()) for m in report.months], default=0)
    counts = _value_axis(top)
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(months)
    series.attachAxis(counts)
    return chart


def empty_chart() -> QChart:
    """Shown while there are no figures (e.g. the period is not valid)."""
    return _chart("")


def chart_view() -> QChartView:
    view = QChartView()
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return view
