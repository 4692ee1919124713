"""Printing the recovery key: one clean page (studio, date, the key in large monospace) for
the studio's safe, through Qt's own print dialog. The key never goes to the clipboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from xinhe.ui.asking import inform

GROUPS_PER_LINE = 4
translate = QCoreApplication.translate


def key_lines(key: str) -> list[str]:
    """The key in lines of four groups, so it prints large without running off the page."""
    groups = key.split("-")
    return ["-".join(groups[i:i + GROUPS_PER_LINE])
            for i in range(0, len(groups), GROUPS_PER_LINE)]


def paint_sheet(printer: QPrinter, *, org_name: str, key: str, printed_on: date) -> bool:
    """Paint the one-page sheet onto `printer` (a real printer or a PDF file); False when
    the printer or file could not be opened."""
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
        page.moveTo(0, 0)
        family = QApplication.font().family()
        y = 0.0

        def block(text: str, size: float, *, bold: bool = False, mono: bool = False,
                  centre: bool = False, gap: float = 0.6) -> None:
            nonlocal y
            font = QFont("DejaVu Sans Mono" if mono else family)
            if mono:
                font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPointSizeF(size)
            font.setBold(bold)
            painter.setFont(font)
            flags = Qt.TextFlag.TextWordWrap | (Qt.AlignmentFlag.AlignHCenter if centre
                                                else Qt.AlignmentFlag.AlignLeft)
            area = QRectF(page.left(), y, page.width(), page.height() - y)
            used = painter.boundingRect(area, int(flags), text)
            painter.drawText(area, int(flags), text)
            y += used.height() + QFontMetricsF(font, printer).height() * gap

        block(translate("RecoveryPrint", "Xinhe recovery key"), 20, bold=True)
        block(org_name, 14, gap=0.2)
        block(translate("RecoveryPrint", "Printed on %1").replace(
            "%1", printed_on.isoformat()), 11, gap=2.0)
        for line in key_lines(key):
            block(line, 24, bold=True, mono=True, centre=True, gap=0.3)
        y += QFontMetricsF(painter.font(), printer).height() * 1.5
        block(translate(
            "RecoveryPrint", "Keep this sheet locked in the studio's safe. With it an "
            "administrator can set a new password when every password is forgotten, and "
            "restore a backup on a new computer."), 11)
        block(translate(
            "RecoveryPrint", "Do not photograph it, keep it on a computer, or send it by "
            "WeChat or e-mail. If it is lost, the administrator makes a new key (Admin → Keys) "
            "and the old one stops working."), 11)
    finally:
        painter.end()
    return True


def print_recovery_key(parent: QWidget, *, org_name: str, key: str,
                       on_printed: Callable[[], None]) -> QPrintDialog:
    """Open Qt's print dialog (window-modal, so a lock can close it) and print the sheet
    when the person accepts it; `on_printed` runs after the page has gone to the printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(translate("RecoveryPrint", "Recovery key"))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(translate("RecoveryPrint", "Print the recovery key"))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        if paint_sheet(printer, org_name=org_name, key=key, printed_on=date.today()):
            on_printed()
            return
        inform(parent, translate("RecoveryPrint", "Print the recovery key"), translate(
            "RecoveryPrint",
            "The printer could not be reached, or the file could not be written. Check the "
            "printer and try again, or write the key down by hand."))

    dialog.accepted.connect(accepted)
    QDialog.open(dialog)
    return dialog
