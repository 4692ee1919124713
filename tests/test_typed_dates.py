"""Dates typed as people write them, in the parser and in the form field a counsellor types
into (birth date in the new-case dialog, date questions in templates)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from ui_helpers import type_into
from xinhe.errors import InvalidInput
from xinhe.records.typed_dates import parse_typed_date
from xinhe.ui.forms.date_field import DateField

WRITTEN = ["1991-03-15", "1991-3-15", "1991/3/15", "1991.3.15", "1991.03.15", "19910315",
           "1991年3月15日", "1991年03月15日", "１９９１－０３－１５", " 1991 - 03 - 15 "]


@pytest.mark.parametrize("text", WRITTEN)
def test_every_accepted_form_reads_as_the_same_day(text: str) -> None:
    typed = parse_typed_date(text)
    assert typed is not None and typed.day == date(1991, 3, 15) and typed.year == 1991


@pytest.mark.parametrize("text", ["1991-02-30", "19911315", "15.3.1991", "2001-07", "abc",
                                  "1899-12-31", "3月15日"])
def test_impossible_or_unreadable_dates_are_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_typed_date(text, what_zh="出生日期", what_en="Date of birth")
    message = caught.value.message()
    assert message.startswith("出生日期")
    assert text.strip() not in message  # what was typed is never echoed


def test_a_year_alone_only_where_allowed() -> None:
    assert parse_typed_date("1991", year_only=True).year == 1991  # type: ignore[union-attr]
    assert parse_typed_date("1991年", year_only=True).day is None  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        parse_typed_date("1991")
    with pytest.raises(InvalidInput):
        parse_typed_date(str(date.today().year + 1), year_only=True)
    assert parse_typed_date("  ") is None


def _field(qtbot, **options) -> tuple[QWidget, DateField, QLineEdit]:  # noqa: ANN001
    host = QWidget()
    field = DateField(parent=host, **options)
    after = QLineEdit(host)
    host.setTabOrder(field.edit, after)
    qtbot.addWidget(host)
    with qtbot.waitActive(host):  # focus moves (fields are left) only in the active window
        host.show()
        host.activateWindow()
    return host, field, after


@pytest.mark.parametrize("text", ["19910315", "1991.3.15", "1991年3月15日", "1991/3/15"])
def test_typing_a_date_and_tab_leaves_the_field_with_it_tidied(qtbot, text: str) -> None:
    _host, field, after = _field(qtbot)
    type_into(qtbot, field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: after.hasFocus())
    assert field.text() == "1991-03-15"
    assert field.iso() == "1991-03-15"


def test_select_all_and_retype_replaces_the_date(qtbot) -> None:
    _host, field, _after = _field(qtbot)
    type_into(qtbot, field.edit, "19910315")
    qtbot.keyClick(field.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_into(qtbot, field.edit, "1985-07-01")
    assert field.iso() == "1985-07-01"


def test_an_unreadable_date_is_marked_on_leaving_and_kept_as_typed(qtbot) -> None:
    _host, field, after = _field(qtbot)
    type_into(qtbot, field.edit, "1991-02-30")
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: after.hasFocus())
    assert field.text() == "1991-02-30"
    assert field.problem() and "1991-03-15" in field.problem()  # type: ignore[operator]
    assert "1991-03-15" in field.edit.toolTip()


def test_the_calendar_opens_near_the_expected_year_and_a_click_fills_the_field(qtbot) -> None:
    _host, field, _after = _field(qtbot, year_only=True, calendar_year=1991)
    field.open_calendar()
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    assert calendar.yearShown() == 1991
    type_into(qtbot, field.edit, "1988")
    field.open_calendar()
    assert calendar.yearShown() == 1988
    picked = calendar.selectedDate().addDays(0)
    picked.setDate(1988, 6, 9)
    calendar.clicked.emit(picked)
    assert field.iso() == "1988-06-09" and not calendar.isVisible()
