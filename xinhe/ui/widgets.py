"""Small widgets shared by several screens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from xinhe.errors import XinheError
from xinhe.ui.worker import describe_failure


def label(text: str, name: str = "", wrap: bool = True, parent: QWidget | None = None) -> QLabel:
    widget = QLabel(text, parent)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def restyle(widget: QWidget, name: str) -> None:
    """Give `widget` another style-sheet name (e.g. "hint" for progress, "error" for a
    problem); the application style sheet applies the new look at once."""
    widget.setObjectName(name)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def password_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    return field


def error_text(exc: BaseException) -> str:
    """A message for the user. Unexpected errors say so without quoting anything."""
    if isinstance(exc, XinheError):
        return exc.message()
    import logging

    logging.getLogger("xinhe").error("unexpected error: %s", describe_failure(exc))
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(
        "Errors", "Something went wrong and the action was not completed. Nothing that was "
        "saved before is lost. If it happens again, tell your IT person the time it happened.")


class ErrorLine(QLabel):
    """The red line under a form that says why it was not saved; hidden until then."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, problem: BaseException | str) -> None:
        """Show `problem`: a message as it is, an error as error_text() puts it."""
        self.setText(problem if isinstance(problem, str) else error_text(problem))
        self.show()
