"""Scores over time in the case view: one small chart per instrument (danger checklist,
suicide screen, PHQ-9, GAD-7), its bands drawn behind the line, so a counsellor sees at a
glance whether the client is safer than last month.

QtCharts is imported only when a chart is first drawn (start-up never loads it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from xinhe.i18n import language
from xinhe.records.score_history import ScoreSeries, level_axis_label
from xinhe.ui.changes import Change, Changes
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.style import RISK_COLOURS

if TYPE_CHECKING:
    from PySide6.QtCharts import QChart

    from xinhe.ui.context import AppContext

REFRESH_ON = {Change.ASSESSMENT, Change.CASE}
CHART_HEIGHT = 170
BAND_ALPHA = 46
LINE_COLOUR = "#1f2933"


def _ms(moment: Any) -> float:
    return float(moment.timestamp()) * 1000.0


def build_chart(series: ScoreSeries) -> QChart:
    """One instrument's chart: a band (area) per level range, then the scores as a line."""
    from PySide6.QtCharts import (
        QAreaSeries,
        QChart,
        QDateTimeAxis,
        QLineSeries,
        QScatterSeries,
        QValueAxis,
    )
    from PySide6.QtCore import QDateTime, QMargins
    from PySide6.QtGui import QColor, QPen

    chart = QChart()
    chart.setTitle(series.title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().hide()
    chart.setMargins(QMargins(2, 2, 2, 2))
    first, last = series.points[0].at, series.points[-1].at
    if last - first < timedelta(days=1):  # one visit: still a readable span
        first, last = first - timedelta(days=3), last + timedelta(days=3)
    x_axis = QDateTimeAxis()
    x_axis.setFormat("MM-dd")
    x_axis.setTickCount(min(5, max(2, len(series.points))))
    x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(_ms(first))),
                    QDateTime.fromMSecsSinceEpoch(int(_ms(last))))
    y_axis = QValueAxis()
    y_axis.setRange(0, series.maximum)
    y_axis.setLabelFormat("%d")
    if series.kind == "level":
        y_axis.setTickCount(4)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for band in series.bands:
        lower, upper = QLineSeries(), QLineSeries()
        # A level band (one value) is drawn half a step either side of it.
        low = band.low - 0.5 if series.kind == "level" else band.low
        high = band.high + 0.5 if series.kind == "level" else band.high
        for edge, value in ((lower, low), (upper, high)):
            edge.append(_ms(first), value)
            edge.append(_ms(last), value)
        area = QAreaSeries(upper, lower)
        area.setName(band.label)
        colour = QColor(RISK_COLOURS.get(band.level, "#9aa5b1"))
        colour.setAlpha(BAND_ALPHA)
        area.setColor(colour)
        area.setBorderColor(colour)
        chart.addSeries(area)
        area.attachAxis(x_axis)
        area.attachAxis(y_axis)
        upper.setParent(area)
        lower.setParent(area)
    line, dots = QLineSeries(), QScatterSeries()
    line.setName(series.title)
    line.setPen(QPen(QColor(LINE_COLOUR), 2))
    dots.setMarkerSize(7)
    dots.setColor(QColor(LINE_COLOUR))
    for point in series.points:
        line.append(_ms(point.at), point.value)
        dots.append(_ms(point.at), point.value)
    for drawn in (line, dots):
        chart.addSeries(drawn)
        drawn.attachAxis(x_axis)
        drawn.attachAxis(y_axis)
    return chart


class ScoreCharts(QWidget):
    """The charts of one case's client; loads itself, and again when assessments change."""

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.series: list[ScoreSeries] = []
        self.charts: list[QChart] = []
        self.enabled = False
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.hide()
        ctx.bus.changed.connect(self._changed)

    def show_for(self, can_read_notes: bool) -> None:
        """Load (once allowed): only those who may read the notes see the scores."""
        self.enabled = can_read_notes
        if can_read_notes:
            self.reload()
        else:
            self.set_series([])

    def _changed(self, kinds: Changes) -> None:
        if self.enabled and kinds & REFRESH_ON:
            self.reload()

    def reload(self) -> None:
        case_ops.load_scores(ctx=self.ctx, parent=self, case_id=self.case_id,
                             language=language(), on_done=self.set_series)

    def set_series(self, series: list[ScoreSeries]) -> None:
        self.series = series
        while self.row.count():
            item = self.row.takeAt(0)
            if item and item.widget():
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.charts = []
        if not series:
            self.hide()
            return
        from PySide6.QtCharts import QChartView
        from PySide6.QtGui import QPainter

        for one in series:
            chart = build_chart(one)
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setFixedHeight(CHART_HEIGHT)
            view.setToolTip(self._tooltip(one))
            self.charts.append(chart)
            self.row.addWidget(view, 1)
        self.show()

    def _tooltip(self, series: ScoreSeries) -> str:
        lines = [series.title]
        for point in series.points:
            value = (level_axis_label(point.value, language()) if series.kind == "level"
                     else str(point.value))
            lines.append(f"{point.at.astimezone():%Y-%m-%d}  {value}  ({point.case_no})")
        lines += [f"{b.low}–{b.high}: {b.label}" for b in series.bands
                  if series.kind == "total"]
        return "\n".join(lines)

