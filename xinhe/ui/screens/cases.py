"""个案: the case list (tab 0) and each opened case in its own tab."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import vocab
from xinhe.records.cases import CaseRow
from xinhe.ui.changes import Change, Changes
from xinhe.ui.context import AppContext
from xinhe.ui.models.cases_model import DEFAULT_SORT, PAGE, ROW_ROLE, CaseTableModel
from xinhe.ui.models.risk import RiskBadgeDelegate, badge_width
from xinhe.ui.operations import clients as client_ops
from xinhe.ui.widgets import label

SIZE_SAMPLE = 50  # rows measured for the column widths
RISK_COLUMN = 5
MAX_COLUMN_WIDTH = 320
REFRESH_ON = {Change.CASE, Change.CLIENT, Change.SESSION, Change.ASSESSMENT, Change.CRISIS,
              Change.FOLLOWUP, Change.CLOCK, Change.REVIEW, Change.RISK}


class SortArrowStyle(QProxyStyle):
    """Qt draws ▼ for ascending and ▲ for descending; people read the arrow the other way
    round (▲ smallest first, ▼ largest or newest first), so the header shows theirs."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,  # noqa: N802
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and \
                isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = {
                QStyleOptionHeader.SortIndicator.SortUp:
                    QStyleOptionHeader.SortIndicator.SortDown,
                QStyleOptionHeader.SortIndicator.SortDown:
                    QStyleOptionHeader.SortIndicator.SortUp,
            }.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


def combo(items: list[tuple[str | int | None, str]]) -> QComboBox:
    box = QComboBox()
    for value, text in items:
        box.addItem(text, value)
    return box


class CaseListPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Case number or client name"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(240)
        self.risk = combo([(None, self.tr("Any risk")), *[(k, vocab.label(vocab.RISK_LEVELS, k))
                                                          for k in ("high", "medium", "low")]])
        self.status = combo([(None, self.tr("Open cases")),
                             *[(k, vocab.label(vocab.STATUSES, k)) for k in vocab.STATUS_ORDER]])
        self.category = combo([(None, self.tr("Any category")),
                               *[(k, vocab.label(vocab.CATEGORIES, k))
                                 for k in vocab.CATEGORIES]])
        self.counsellor = combo([(None, self.tr("Any counsellor"))])
        self.overdue = QCheckBox(self.tr("Overdue only"))
        for widget in (self.search, self.risk, self.status, self.category, self.counsellor,
                       self.overdue):
            bar.addWidget(widget)
        bar.addStretch()
        self.new_case = QPushButton(self.tr("New case (Ctrl+N)"))
        self.new_case.setObjectName("primary")
        self.new_case.setVisible(ctx.has_role("counsellor", "supervisor"))
        self.new_case.clicked.connect(self.create_case)
        bar.addWidget(self.new_case)
        layout.addLayout(bar)
        self.model = CaseTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(*DEFAULT_SORT)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sized = False
        self.first_page_only = False  # the newest page is shown, the full list still coming
        self.table.setItemDelegateForColumn(RISK_COLUMN, RiskBadgeDelegate(self.table))
        self.sort_style = SortArrowStyle()  # held here: the header does not own its style
        self.sort_style.setParent(self.table)
        self.table.horizontalHeader().setStyle(self.sort_style)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        layout.addWidget(self.table, 1)
        self.count = label("", "hint")
        layout.addWidget(self.count)
        self.search.textChanged.connect(lambda text: self._filter(text=text))
        self.risk.currentIndexChanged.connect(lambda _i: self._filter(
            risk=self.risk.currentData()))
        self.status.currentIndexChanged.connect(lambda _i: self._filter(
            status=self.status.currentData()))
        self.category.currentIndexChanged.connect(lambda _i: self._filter(
            category=self.category.currentData()))
        self.counsellor.currentIndexChanged.connect(lambda _i: self._filter(
            counsellor_id=self.counsellor.currentData()))
        self.overdue.toggled.connect(lambda on: self._filter(overdue_only=on))
        QShortcut(QKeySequence("F5"), self).activated.connect(self.reload)
        ctx.bus.changed.connect(self._changed)
        self.reload()

    def _filter(self, **values: object) -> None:
        self.model.set_filter(**values)
        self._count()

    def _count(self) -> None:
        self.count.setText(self.tr("%1 of %2 cases shown").replace(
            "%1", str(self.model.shown_count())).replace("%2", str(len(self.model.rows))))

    def _changed(self, kinds: Changes) -> None:
        if kinds & REFRESH_ON:
            self.reload()

    def reload(self) -> None:
        """Rows come from the database thread; the table never waits for it. On first
        opening, the newest page comes first so the screen fills before all rows are read."""
        if not self.model.rows and self.model.default_sorted:
            client_ops.load_cases(ctx=self.ctx, parent=self, limit=PAGE,
                                  on_done=self._first_page)
        client_ops.load_cases(ctx=self.ctx, parent=self, limit=None, on_done=self._loaded)

    def _first_page(self, rows: list[CaseRow]) -> None:
        if not self.model.rows:  # the full list may have come first
            self.model.set_rows(rows)
            self.first_page_only = True
            self._size_columns()

    def _loaded(self, rows: list[CaseRow]) -> None:
        if self.first_page_only:
            self.model.extend_rows(rows)
        else:
            self.model.set_rows(rows)
        self.first_page_only = False
        self._size_columns()
        names = {r.counsellor_id: r.counsellor_name for r in rows}
        current = self.counsellor.currentData()
        self.counsellor.blockSignals(True)
        self.counsellor.clear()
        self.counsellor.addItem(self.tr("Any counsellor"), None)
        for user_id, name in sorted(names.items(), key=lambda x: x[1]):
            self.counsellor.addItem(name, user_id)
        self.counsellor.setCurrentIndex(max(0, self.counsellor.findData(current)))
        self.counsellor.blockSignals(False)
        self._count()

    def _size_columns(self) -> None:
        """Widths from the header and a sample of the first rows, once (later the person's
        own widths stay): measuring every row's text would take a visible pause."""
        texts = self.model.texts[:SIZE_SAMPLE]
        if self.sized or not texts:
            return
        self.sized = True
        header = self.table.horizontalHeader()
        metrics, header_metrics = self.table.fontMetrics(), header.fontMetrics()
        for column, title in enumerate(self.model.headers):
            widest = max(metrics.horizontalAdvance(t[column]) for t in texts)
            width = max(widest + 24, header_metrics.horizontalAdvance(title) + 32)
            if column == RISK_COLUMN:  # room for any level, not only those in the sample
                width = max(width, badge_width(metrics))
            header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))

    def _open(self, index: QModelIndex) -> None:
        row = self.model.data(index, ROW_ROLE)
        if isinstance(row, CaseRow):
            self.ctx.bus.open_case.emit(row.id)

    def create_case(self) -> None:
        if not self.ctx.has_role("counsellor", "supervisor"):
            return
        from xinhe.ui.dialogs.new_case import NewCaseDialog

        dialog = NewCaseDialog(self.ctx, self)
        dialog.created.connect(self.ctx.bus.open_case.emit)
        dialog.open()


class CasesScreen(QWidget):
    """The case list and one tab per opened case (Ctrl+W closes the current one)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Made top-down, each widget in its place before its children: a tree moved into
        # a new parent has the style sheet resolved again for every widget in it (~20 ms).
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        pages = self.tabs.findChild(QStackedWidget)  # where addTab puts a tab's widget
        self.list_panel = CaseListPanel(ctx, pages)
        self.tabs.addTab(self.list_panel, self.tr("Case list"))
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        QShortcut(QKeySequence("Ctrl+W"), self).activated.connect(
            lambda: self.close_tab(self.tabs.currentIndex()))

    def open_case(self, case_id: int) -> QWidget:
        from xinhe.ui.case_view import CaseView

        for index in range(1, self.tabs.count()):
            view = self.tabs.widget(index)
            if isinstance(view, CaseView) and view.case_id == case_id:
                self.tabs.setCurrentIndex(index)
                return view
        view = CaseView(self.ctx, case_id)
        view.title_changed.connect(lambda title, v=view: self.tabs.setTabText(
            self.tabs.indexOf(v), title))
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "…"))
        return view

    def close_tab(self, index: int) -> None:
        if index <= 0:
            return
        view = self.tabs.widget(index)
        if view is not None and hasattr(view, "may_close") and not view.may_close():
            return
        self.tabs.removeTab(index)
        if view is not None:
            view.deleteLater()
