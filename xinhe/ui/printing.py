"""Printing what can be exported: Qt's print dialog, then the paper copy of the signed file.

The signed file is fetched on the database thread by a records call that checks access and
audits the print (as an export is audited); its paper copy is made from the JSON the file
carries (xinhe.export.printable), so paper holds exactly what was signed, never more.
Nothing is written to disk except by the printer the person chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QWidget

from xinhe.ui import operations

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext


def print_signed(*, ctx: AppContext, parent: QWidget, fetch: Callable[[Services], bytes],
                 title: str, printer: QPrinter | None = None,
                 on_done: Callable[[], None] | None = None) -> None:
    """Ask where to print (Qt's print dialog), then fetch (audited) and print.

    With `printer` given (a PDF printer in the tests) the dialog is not shown."""
    if printer is not None:
        _fetch_and_print(ctx, parent, fetch, title, printer, on_done)
        return
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    chosen = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(chosen, parent)
    dialog.setWindowTitle(QCoreApplication.translate("Printing", "Print %1").replace(
        "%1", title))
    dialog.accepted.connect(lambda: _fetch_and_print(ctx, parent, fetch, title, chosen,
                                                     on_done))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()


def _fetch_and_print(ctx: AppContext, parent: QWidget, fetch: Callable[[Services], bytes],
                     title: str, printer: QPrinter,
                     on_done: Callable[[], None] | None) -> None:
    def work(services: Services) -> str:
        from xinhe.export.printable import printable_html

        return printable_html(fetch(services))

    def ready(html: str) -> None:
        render(html, printer, title)
        if on_done is not None:
            on_done()
    operations.run(ctx, work, parent=parent, on_done=ready)


def render(html: str, printer: QPrinter, title: str) -> None:
    """Lay out and print the paper copy (on the UI thread: printing devices are Qt's)."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setDefaultFont(QApplication.font())
    document.setHtml(html)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    printer.setDocName(title)
    document.print_(printer)
