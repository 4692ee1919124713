"""Look and feel: the bundled CJK font and one calm stylesheet."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from xinhe.paths import resources_dir

FONT_FILE = "wqy-microhei.ttc"
PRIMARY = "#6d3b7d"
RISK_COLOURS = {"high": "#c62828", "medium": "#e07000", "low": "#2e7d32"}

STYLESHEET = f"""
QWidget {{ font-size: 10pt; }}
QLabel#pageTitle {{ font-size: 16pt; font-weight: bold; color: #2b2b2b; }}
QLabel#hint {{ color: #5f5f5f; }}
QLabel#error {{ color: #b00020; font-weight: bold; }}
QLabel#warning {{ color: #8a5300; background: #fff4e0; border: 1px solid #f0c36d;
                  border-radius: 4px; padding: 6px; }}
QLabel#ok {{ color: #1b5e20; }}
QLabel#recoveryKey {{ font-family: monospace; font-size: 18pt; letter-spacing: 1px;
                      background: #f6f1f8; border: 1px dashed {PRIMARY}; border-radius: 6px;
                      padding: 14px; }}
QPushButton {{ padding: 5px 14px; }}
QPushButton#primary {{ background: {PRIMARY}; color: white; border: none; border-radius: 4px;
                       padding: 7px 18px; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #b9a3c0; }}
QListWidget#nav {{ background: #f4eff6; border: none; font-size: 11pt; outline: 0; }}
QListWidget#nav::item {{ padding: 10px 14px; }}
QListWidget#nav::item:selected {{ background: {PRIMARY}; color: white; }}
QFrame#card {{ background: white; border: 1px solid #e2dbe6; border-radius: 6px; }}
"""


def register_font(app: QApplication) -> str:
    """Register the shipped CJK font and make it the application font, so Chinese renders
    on machines that have none. Returns the family name in use."""
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else app.font().family()
    font = QFont(family)
    font.setPointSize(10)
    app.setFont(font)
    return family


def apply(app: QApplication) -> None:
    register_font(app)
    app.setStyleSheet(STYLESHEET)
