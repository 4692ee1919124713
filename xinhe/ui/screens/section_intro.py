"""A section's opening page: what the section is for, shown until its screen opens."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from xinhe.ui.widgets import label


class SectionIntro(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "pageTitle"))
        layout.addWidget(label(text, "hint"))
        layout.addStretch()
