"""The statistics report's charts, drawn with reportlab graphics (vector, in the PDF).

Every drawing and text element names the embedded CJK font: reportlab's charts default to the
unembedded Helvetica, which `pdffonts` would show and a viewer would substitute.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from xinhe.export import layout
from xinhe.records import vocab
from xinhe.records.stats import StatsReport
from xinhe.records.stats_queries import RISK_KEYS
from xinhe.records.stats_table import RISK_LABELS, month_labels

Translate = Callable[[str, str], str]

#: Risk colours as the app shows them; "not assessed" in grey.
RISK_COLOURS = {"high": colors.HexColor("#c62828"), "medium": colors.HexColor("#e07000"),
                "low": colors.HexColor("#2e7d32"), "none": colors.HexColor("#9aa5b1")}
SERIES = (colors.HexColor("#6d3b7d"), colors.HexColor("#d98cb3"))
PALETTE = tuple(colors.HexColor(c) for c in (
    "#8a1c2b", "#6d3b7d", "#2f6f8f", "#d08c2b", "#4f8a4b", "#9aa5b1", "#c55a7a", "#3d4f7a"))
AXIS_FONT_SIZE = 7.5


def _labels(report: StatsReport, t: Translate, width: float) -> list[str]:
    labels = month_labels(report.months, t("zh_CN", "en"))
    room = max(1, int(width // max(20, 5 * max(len(x) for x in labels))))  # fit side by side
    step = max(1, math.ceil(len(labels) / room))
    return [text if i % step == 0 else "" for i, text in enumerate(labels)]


def _title(drawing: Drawing, text: str, font: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 12, text, fontName=font, fontSize=10,
                       fillColor=layout.ACCENT))


def _bars(font: str, x: float, y: float, width: float, height: float) -> VerticalBarChart:
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = x, y, width, height
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = AXIS_FONT_SIZE
    chart.categoryAxis.strokeColor = layout.RULE
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = AXIS_FONT_SIZE
    chart.valueAxis.strokeColor = layout.RULE
    chart.valueAxis.gridStrokeColor = layout.RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.barLabels.fontName = font
    chart.bars.strokeColor = None
    chart.bars.strokeWidth = 0
    return chart


def _legend(font: str, x: float, y: float, pairs: list[tuple[colors.Color, str]],
            columns: int = 1) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = max(1, math.ceil(len(pairs) / columns))
    legend.dxTextSpace = 4
    legend.dx = legend.dy = 7
    legend.deltay = 11
    legend.strokeWidth = 0
    legend.strokeColor = None
    legend.colorNamePairs = pairs
    return legend


def _value_max(values: list[int]) -> int:
    top = max([*values, 1])
    return top + max(1, top // 8)  # headroom above the highest bar


def trend_chart(report: StatsReport, font: str, t: Translate, width: float) -> Drawing:
    """Cases served and person-times per month, as grouped bars."""
    height = 190.0
    drawing = Drawing(width, height, initialFontName=font, initialFontSize=8)
    _title(drawing, t("月度趋势：服务个案数与服务人次", "Monthly trend: cases served and "
                      "person-times"), font, width, height)
    chart = _bars(font, 30, 40, width - 40, height - 80)
    served = [m.cases_served for m in report.months]
    persons = [m.person_times for m in report.months]
    chart.data = [served, persons]
    chart.categoryAxis.categoryNames = _labels(report, t, chart.width)
    chart.valueAxis.valueMax = _value_max(served + persons)
    for index, colour in enumerate(SERIES):
        chart.bars[index].fillColor = colour
    chart.groupSpacing = 4 if len(report.months) <= 12 else 1
    drawing.add(chart)
    drawing.add(_legend(font, 30, 22, [(SERIES[0], t("服务个案数", "Cases served")),
                                       (SERIES[1], t("服务人次", "Person-times"))], 2))
    return drawing


def category_chart(report: StatsReport, font: str, t: Translate, width: float) -> Drawing:
    """New cases by category as a pie, with the counts in the legend."""
    height = 185.0
    drawing = Drawing(width, height, initialFontName=font, initialFontSize=8)
    _title(drawing, t("类别构成：新增个案", "Category mix: new cases"), font, width, height)
    parts = [(code, n) for code, n in report.new_by_category.items()]
    total = sum(n for _, n in parts)
    lang = t("zh_CN", "en")
    pairs = [(PALETTE[i % len(PALETTE)],
              f"{vocab.label(vocab.CATEGORIES, code, lang)}  {n}"
              + (f"（{n * 100 / total:.1f}%）" if total and lang != "en" else
                 f" ({n * 100 / total:.1f}%)" if total else ""))
             for i, (code, n) in enumerate(parts)]
    if total:
        pie = Pie()
        size = min(120.0, width * 0.4)
        pie.x, pie.y, pie.width, pie.height = 4, (height - 20 - size) / 2, size, size
        pie.data = [n for _, n in parts]
        pie.labels = None
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.8
        pie.slices.fontName = font
        for i in range(len(parts)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        drawing.add(pie)
    else:
        drawing.add(String(4, 80, t("本期间没有新增个案。", "No new cases in this period."),
                           fontName=font, fontSize=9, fillColor=layout.MUTED))
    drawing.add(_legend(font, min(120.0, width * 0.4) + 18, height - 30, pairs))
    return drawing


def risk_chart(report: StatsReport, font: str, t: Translate, width: float) -> Drawing:
    """Open cases at each month's end, stacked by risk level then."""
    height = 185.0
    drawing = Drawing(width, height, initialFontName=font, initialFontSize=8)
    _title(drawing, t("月末在案个案（按风险等级）", "Open cases at month end, by risk level"),
           font, width, height)
    legend_rows = 2 if width < 300 else 1
    chart = _bars(font, 30, 24 + 11 * legend_rows, width - 36, height - 64 - 11 * legend_rows)
    chart.categoryAxis.style = "stacked"
    lang = t("zh_CN", "en")
    chart.data = [[(m.risk or {}).get(level, 0) for m in report.months] for level in RISK_KEYS]
    totals = [sum((m.risk or {}).values()) for m in report.months]
    chart.valueAxis.valueMax = _value_max(totals)
    chart.categoryAxis.categoryNames = _labels(report, t, chart.width)
    for index, level in enumerate(RISK_KEYS):
        chart.bars[index].fillColor = RISK_COLOURS[level]
    drawing.add(chart)
    pairs = [(RISK_COLOURS[level], vocab.label(RISK_LABELS, level, lang)) for level in RISK_KEYS]
    drawing.add(_legend(font, 30, 11 * legend_rows + 2, pairs, 2 if width < 300 else 4))
    return drawing
