"""The statistics screen's chart tabs, drawn a step per turn of the event loop.

QtCharts' setChart takes 15-40 ms for each of the three charts, and loading QtCharts and
making a chart view take as long again: done together with the screen or the figures they
held the UI thread over 100 ms. The chart on show is drawn at once, the others on the next
turns, or at once when their tab is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from xinhe.records.stats import StatsReport

if TYPE_CHECKING:
    from PySide6.QtCharts import QChart, QChartView

NEXT_TURN_MS = 1  # a real timer: a posted event would run in the same pass as the one before
CHARTS = 3  # the first three tabs: trend, category mix, risk levels


def _load_charts() -> None:
    from xinhe.ui.screens import statistics_charts  # noqa: F401 (QtCharts, a turn of its own)


class ChartTabs(QObject):
    """The places of the three charts in `tabs`; `views[i]` is made when first needed."""

    def __init__(self, tabs: QTabWidget, titles: tuple[str, str, str]) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        self.places = [QWidget(), QWidget(), QWidget()]
        for place, title in zip(self.places, titles, strict=True):
            QVBoxLayout(place).setContentsMargins(0, 0, 0, 0)
            tabs.addTab(place, title)
        self.views: list[QChartView | None] = [None] * CHARTS
        self.steps: list[Callable[[], object]] = []  # one per turn
        self.chart_for: dict[int, Callable[[], object]] = {}  # the report's chart of each tab
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NEXT_TURN_MS)
        self.timer.timeout.connect(self._next)
        tabs.currentChanged.connect(self._chosen)

    def prepare(self) -> None:
        """Load QtCharts, then make the shown tab's view, on turns of their own."""
        if not self.steps:
            self.steps = [_load_charts, lambda: self.view(self.tabs.currentIndex())]
            self.timer.start()

    def view(self, index: int) -> QChartView | None:
        """The chart view of tab `index` (made the first time), None for another tab."""
        if index not in range(CHARTS):
            return None
        view = self.views[index]
        if view is None:
            from xinhe.ui.screens import statistics_charts as charts

            view = charts.chart_view()
            self.places[index].layout().addWidget(view)  # type: ignore[union-attr]
            self.views[index] = view
        return view

    def show(self, report: StatsReport,
             makers: tuple[Callable[[StatsReport], QChart], ...]) -> None:
        """The chart on show now, the others on the next turns."""
        self.chart_for = {index: partial(self._set, index, make, report)
                          for index, make in enumerate(makers)}
        shown = self.tabs.currentIndex()
        self.steps = [step for index, step in self.chart_for.items() if index != shown]
        if shown in self.chart_for:
            self.chart_for[shown]()
        self.timer.start()

    def clear(self, empty: Callable[[], QChart]) -> None:
        """Every view shows `empty` (no figures); nothing left to draw."""
        self.steps, self.chart_for = [], {}
        for index in range(CHARTS):
            view = self.view(index)
            assert view is not None
            view.setChart(empty())

    def pending(self) -> bool:
        return bool(self.steps)

    def _set(self, index: int, make: Callable[[StatsReport], QChart],
             report: StatsReport) -> None:
        view = self.view(index)
        if view is not None:
            view.setChart(make(report))

    def _next(self) -> None:
        if self.steps:
            self.steps.pop(0)()
        if self.steps:
            self.timer.start()

    def _chosen(self, index: int) -> None:
        step = self.chart_for.get(index)
        if step is not None and step in self.steps:
            self.steps.remove(step)
            step()
