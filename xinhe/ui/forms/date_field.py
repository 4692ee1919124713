"""A date field people can type into (1991-03-15, 1991.3.15, 19910315, 1991年3月15日) with a
calendar beside it that opens near a sensible year. Tab leaves it like any text field."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from xinhe.errors import InvalidInput
from xinhe.records.typed_dates import TypedDate, parse_typed_date


class DateField(QWidget):
    """`typed()` is the date read from the text (None when empty); `problem()` says why
    the text is not a date. A year alone is accepted where `year_only` is set."""

    changed = Signal()

    def __init__(self, *, year_only: bool = False, calendar_year: int | None = None,
                 what: tuple[str, str] = ("日期", "Date"), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year_only = year_only
        self.what = what  # the field's name in messages, Chinese and English
        self.calendar_year = calendar_year
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("date_text")
        self.edit.setMaximumWidth(170)
        self.edit.setPlaceholderText(self.tr("e.g. 1991 or 1991-03-15") if year_only
                                     else self.tr("e.g. 2026-03-15"))
        self.edit.textChanged.connect(self._text_changed)
        self.edit.editingFinished.connect(self._tidy)
        self.button = QToolButton()
        self.button.setObjectName("date_calendar")
        self.button.setText(self.tr("Calendar"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the next field
        self.button.clicked.connect(self.open_calendar)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch()
        self.calendar: QCalendarWidget | None = None

    # -- value -------------------------------------------------------------------------
    def typed(self) -> TypedDate | None:
        """The date typed, or None when empty. Raises InvalidInput when unreadable."""
        return parse_typed_date(self.edit.text(), year_only=self.year_only,
                                what_zh=self.what[0], what_en=self.what[1])

    def problem(self) -> str | None:
        try:
            self.typed()
        except InvalidInput as exc:
            return exc.message()
        return None

    def iso(self) -> str | None:
        """yyyy-MM-dd of a whole date, None when empty or only a year."""
        try:
            typed = self.typed()
        except InvalidInput:
            return None
        return typed.day.isoformat() if typed and typed.day else None

    def set_iso(self, value: str | None) -> None:
        self.edit.setText(value or "")

    def text(self) -> str:
        return self.edit.text()

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    # -- behaviour ---------------------------------------------------------------------
    def _text_changed(self, _text: str) -> None:
        self.edit.setProperty("invalid", False)
        self.edit.setToolTip("")
        self._restyle()
        self.changed.emit()

    def _tidy(self) -> None:
        """On leaving the field: show a readable date in one form, or mark the problem."""
        try:
            typed = self.typed()
        except InvalidInput as exc:
            self.edit.setProperty("invalid", True)
            self.edit.setToolTip(exc.message())
            self._restyle()
            return
        if typed is not None and typed.iso() != self.edit.text():
            self.edit.setText(typed.iso())

    def _restyle(self) -> None:
        invalid = bool(self.edit.property("invalid"))
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if invalid else "")

    def open_calendar(self) -> None:
        """A calendar at the date typed, else near the expected year (a birth date's
        calendar opens decades back, not at 1900 or today)."""
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setObjectName("date_popup")
            self.calendar.setMinimumDate(QDate(1900, 1, 1))
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        try:
            typed = self.typed()
        except InvalidInput:
            typed = None
        if typed is not None and typed.day is not None:
            shown = QDate(typed.day.year, typed.day.month, typed.day.day)
            self.calendar.setSelectedDate(shown)
        else:
            year = typed.year if typed else (self.calendar_year or date.today().year)
            shown = QDate(year, 1 if typed or self.calendar_year else date.today().month, 1)
        self.calendar.setCurrentPage(shown.year(), shown.month())
        self.calendar.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        if self.calendar is not None:
            self.calendar.hide()
        self.edit.setFocus()
