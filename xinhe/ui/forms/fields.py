"""One input widget per template field type, all with the same small interface:
`value()` (None when unanswered), `set_value(v)`, `changed` signal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records import templates as tpl
from xinhe.ui.forms.date_field import DateField

RADIO_LIMIT = 4  # up to this many options show as radio buttons, more as a drop-down
MULTI_CHOICE_WIDTH = 560  # the room for check boxes beside a label, at 1366×768
_CLEAR = object()  # a key that takes an answer back


class AnswerInput(Protocol):
    """What the form needs of every input."""

    field: tpl.Field
    changed: Any

    def value(self) -> Any: ...
    def set_value(self, value: Any) -> None: ...
    def set_read_only(self, read_only: bool) -> None: ...
    def setVisible(self, visible: bool) -> None: ...  # noqa: N802 (Qt)


class FieldInput(QWidget):
    """Base of the inputs below; each defines value() and set_value()."""

    changed = Signal()

    def __init__(self, field: tpl.Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setObjectName(f"field_{field.id}")

    def set_read_only(self, read_only: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(not read_only)


class TextInput(FieldInput):
    def __init__(self, field: tpl.Field, multi_line: bool, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit: QLineEdit | QPlainTextEdit
        if multi_line:
            self.edit = QPlainTextEdit()
            self.edit.setMinimumHeight(84)
            self.edit.setTabChangesFocus(True)
        else:
            self.edit = QLineEdit()
        self.edit.textChanged.connect(self.changed)
        layout.addWidget(self.edit)

    def value(self) -> Any:
        text = (self.edit.toPlainText() if isinstance(self.edit, QPlainTextEdit)
                else self.edit.text())
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if isinstance(self.edit, QPlainTextEdit):
            self.edit.setPlainText(text)
        else:
            self.edit.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class ChoiceButtons(FieldInput):
    """Radio buttons for yes/no, scales and short single choices; unanswered is possible.

    By keyboard: ↑ ↓ move to the previous / next question (`step`), ← → between the answers;
    a yes/no takes Y, N and ? (don't know, where allowed) and then moves on; a scale takes
    its digits; Delete or Backspace takes the answer back (not yet asked)."""

    step = Signal(int)

    def __init__(self, field: tpl.Field, choices: list[tuple[Any, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.values: list[Any] = []
        for index, (value, text) in enumerate(choices):
            button = QRadioButton(text)
            button.setObjectName(f"choice_{field.id}_{index}")
            button.installEventFilter(self)
            self.group.addButton(button, index)
            self.values.append(value)
        buttons = self.group.buttons()
        # Answers too long for one line (English) go on two, so the form fits its dialog.
        wide = sum(b.sizeHint().width() + 12 for b in buttons) > MULTI_CHOICE_WIDTH
        columns = (len(buttons) + 1) // 2 if wide else len(buttons)
        for index, choice in enumerate(buttons):
            layout.addWidget(choice, index // columns, index % columns)
        layout.setColumnStretch(columns, 1)
        self.group.idToggled.connect(self._toggled)

    def _toggled(self, _index: int, on: bool) -> None:
        if on:
            self.changed.emit()

    def focus_answer(self) -> None:
        """Give the keyboard to this question (its chosen answer, else the first)."""
        (self.group.checkedButton() or self.group.buttons()[0]).setFocus(
            Qt.FocusReason.TabFocusReason)

    def _keyed(self, key: int, text: str) -> Any:
        """The answer a key stands for, `_CLEAR` to take it back, or None."""
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return _CLEAR
        if self.field.type == "yes_no":
            keyed = {"y": True, "n": False, "?": tpl.UNKNOWN, "/": tpl.UNKNOWN,
                     "？": tpl.UNKNOWN}.get(text.lower())
            return keyed if keyed in self.values else None
        if self.field.type == "scale" and text.isdigit() and int(text) in self.values:
            return int(text)
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) or \
                not self.isEnabled() or not self.group.buttons()[0].isEnabled():
            return super().eventFilter(watched, event)
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.step.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return True
        answer = self._keyed(event.key(), event.text())
        if answer is None:
            return super().eventFilter(watched, event)
        if answer is _CLEAR:
            self.set_value(None)
            self.changed.emit()
            return True
        self.button_for(answer).setChecked(True)
        self.button_for(answer).setFocus(Qt.FocusReason.OtherFocusReason)
        self.step.emit(1)
        return True

    def value(self) -> Any:
        index = self.group.checkedId()
        return None if index < 0 else self.values[index]

    def set_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        for index, button in enumerate(self.group.buttons()):
            button.setChecked(value is not None and self.values[index] == value)
        self.group.setExclusive(True)

    def button_for(self, value: Any) -> QRadioButton:
        button = self.group.button(self.values.index(value))
        assert isinstance(button, QRadioButton)
        return button


class ChoiceList(FieldInput):
    def __init__(self, field: tpl.Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(16)  # a long option must not widen the form
        self.combo.addItem("—", None)
        for option in field.options:
            self.combo.addItem(option.label.get(language()), option.id)
        self.combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        layout.addWidget(self.combo)
        layout.addStretch()

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))


class MultiChoice(FieldInput):
    def __init__(self, field: tpl.Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for option in field.options:
            box = QCheckBox(option.label.get(language()))
            box.setObjectName(f"option_{field.id}_{option.id}")
            box.toggled.connect(lambda _on: self.changed.emit())
            self.boxes[option.id] = box
        # Long labels (English) take fewer columns, so the form never outgrows its dialog.
        widest = max((b.sizeHint().width() for b in self.boxes.values()), default=0)
        columns = max(1, min(3, MULTI_CHOICE_WIDTH // max(widest, 1)))
        for index, box in enumerate(self.boxes.values()):
            layout.addWidget(box, index // columns, index % columns)

    def value(self) -> Any:
        picked = [key for key, box in self.boxes.items() if box.isChecked()]
        return picked or None

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for key, box in self.boxes.items():
            box.setChecked(key in chosen)


class DateInput(FieldInput):
    """A date typed the way people write it, or picked from a calendar; empty is None.
    Text that is not a date is handed on as typed, so saving names the field."""

    def __init__(self, field: tpl.Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = DateField(what=(field.label.zh, field.label.en))
        self.edit.changed.connect(self.changed.emit)
        layout.addWidget(self.edit)

    def value(self) -> Any:
        text = self.edit.text().strip()
        return (self.edit.iso() or text) if text else None

    def set_value(self, value: Any) -> None:
        self.edit.set_iso(str(value) if value else None)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.set_read_only(read_only)


class NumberInput(FieldInput):
    def __init__(self, field: tpl.Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setMaximumWidth(140)
        low = field.minimum if field.minimum is not None else -1e9
        high = field.maximum if field.maximum is not None else 1e9
        if field.integer:
            self.edit.setValidator(QIntValidator(int(low), int(high), self))
        else:
            validator = QDoubleValidator(low, high, 2, self)
            validator.setLocale(QLocale.c())
            self.edit.setValidator(validator)
        self.edit.textChanged.connect(self.changed)
        layout.addWidget(self.edit)
        if field.minimum is not None or field.maximum is not None:
            hint = QLabel(f"{'' if field.minimum is None else _num(field.minimum)}–"
                          f"{'' if field.maximum is None else _num(field.maximum)}")
            hint.setObjectName("hint")
            layout.addWidget(hint)
        layout.addStretch()

    def value(self) -> Any:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return int(text) if self.field.integer else float(text)
        except ValueError:
            return text  # validation names the field

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else _num(value))


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def make_input(field: tpl.Field) -> AnswerInput:
    lang = language()
    if field.type in ("text", "long_text"):
        return TextInput(field, field.type == "long_text")
    if field.type == "yes_no":
        yes, no = ("是", "否") if lang == "zh_CN" else ("Yes", "No")
        choices: list[tuple[Any, str]] = [(True, yes), (False, no)]
        if field.allow_unknown:
            choices.append(("unknown", "不清楚" if lang == "zh_CN" else "Unknown"))
        return ChoiceButtons(field, choices)
    if field.type == "scale":
        low, high = int(field.minimum or 0), int(field.maximum or 0)
        ends = {low: field.min_label, high: field.max_label}

        def text(n: int) -> str:
            end = ends.get(n)
            return f"{n} {end.get(lang)}" if end is not None else str(n)
        return ChoiceButtons(field, [(n, text(n)) for n in range(low, high + 1)])
    if field.type == "single_choice":
        if len(field.options) <= RADIO_LIMIT:
            return ChoiceButtons(field, [(o.id, o.label.get(lang)) for o in field.options])
        return ChoiceList(field)
    if field.type == "multiple_choice":
        return MultiChoice(field)
    if field.type == "date":
        return DateInput(field)
    if field.type == "number":
        return NumberInput(field)
    raise ValueError(f"no input for field type {field.type}")


def qt_datetime_utc(value: QDateTime) -> datetime:
    """A QDateTime the user picked (local time) as an aware UTC datetime."""
    python = value.toPython()
    assert isinstance(python, datetime)
    return python.astimezone().astimezone(UTC)


def qt_date(value: QDate) -> date:
    python = value.toPython()
    assert isinstance(python, date)
    return python


def align_top(label: QLabel) -> QLabel:
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label
