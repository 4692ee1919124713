"""Draw the application icon (馨 on the app's primary colour) with the shipped font and
write packaging/xinhe.png (256 px, Linux menus) and packaging/xinhe.ico (Windows).

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinhe.paths import resource  # noqa: E402
from xinhe.ui.style import PRIMARY  # noqa: E402


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(PRIMARY))
    margin = size * 0.04
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.drawRoundedRect(box, size * 0.2, size * 0.2)
    font = QFont(family)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "馨")
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    font_id = QFontDatabase.addApplicationFont(str(resource("fonts/wqy-microhei.ttc")))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    draw(256, family).save(str(ROOT / "packaging" / "xinhe.png"))
    draw(256, family).save(str(ROOT / "packaging" / "xinhe.ico"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
