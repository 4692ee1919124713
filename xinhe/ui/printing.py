"""Printing what can be exported: Qt's print dialog, then the paper copy of the signed file.

The signed file is fetched on the database thread by a records call that checks access and
audits the print (as an export is audited); its paper copy is made from the JSON the file
carries (xinhe.export.printable), so paper holds exactly what was signed, never more.
Nothing is written to disk except by the printer the person chose.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
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
    """Ask where to print (Qt's print dialog), then fetch the signed file (audited) and
    print its paper copy. With `printer` given (a PDF printer in the tests) no dialog."""
    print_document(ctx=ctx, parent=parent, make=partial(_paper_copy, fetch), title=title,
                   printer=printer, on_done=on_done)


def _paper_copy(fetch: Callable[[Services], bytes], services: Services) -> str:
    # On the database thread: the signed file is fetched (audited) and its JSON laid out.
    from xinhe.export.printable import printable_html

    return printable_html(fetch(services))


def print_document(*, ctx: AppContext, parent: QWidget, make: Callable[[Services], str],
                   title: str, printer: QPrinter | None = None,
                   on_done: Callable[[], None] | None = None) -> None:
    """Ask where to print, then `make(services)` the page's HTML on the database thread
    (where the print is checked and audited) and print it."""
    def go(chosen: QPrinter) -> None:
        def ready(html: str) -> None:
            render(html, chosen, title)
            if on_done is not None:
                on_done()
        operations.run(ctx, make, parent=parent, on_done=ready)

    if printer is not None:
        go(printer)
        return
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    chosen = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(chosen, parent)
    dialog.setWindowTitle(QCoreApplication.translate("Printing", "Print %1").replace(
        "%1", title))
    dialog.accepted.connect(lambda: go(chosen))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()


def render(html: str, printer: QPrinter, title: str) -> None:
    """Lay out and print the paper copy (on the UI thread: printing devices are Qt's)."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setDefaultFont(QApplication.font())
    document.setHtml(html)
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    printer.setDocName(title)
    document.print_(printer)
