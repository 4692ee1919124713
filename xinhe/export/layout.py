"""Page furniture for referral PDFs: styles, the numbering canvas, the signature area.

Every style and every canvas state names the embedded CJK font, so reportlab never
falls back to its unembedded Helvetica (checked by the tests with `pdffonts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c5ccd6")
ACCENT = colors.HexColor("#8a1c2b")  # the studio's deep red: headings, stamp frame
URGENT = colors.HexColor("#c0392b")
SHADE = colors.HexColor("#f3f5f8")

#: The visible signature stamp's size in points (the box left for it on the last page).
STAMP_WIDTH = 250.0
STAMP_HEIGHT = 78.0


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle
    banner: ParagraphStyle


def make_styles(font: str) -> Styles:
    """Paragraph styles, all with the CJK font and CJK line breaking."""
    base = ParagraphStyle("xinhe-body", fontName=font, fontSize=10.5, leading=16,
                          textColor=INK, wordWrap="CJK", spaceAfter=4)
    return Styles(
        title=ParagraphStyle("xinhe-title", parent=base, fontSize=20, leading=28,
                             alignment=TA_CENTER, spaceAfter=6, textColor=ACCENT),
        heading=ParagraphStyle("xinhe-heading", parent=base, fontSize=13, leading=20,
                               spaceBefore=10, spaceAfter=6, textColor=ACCENT),
        body=base,
        label=ParagraphStyle("xinhe-label", parent=base, textColor=MUTED, spaceAfter=0),
        cell=ParagraphStyle("xinhe-cell", parent=base, spaceAfter=0),
        small=ParagraphStyle("xinhe-small", parent=base, fontSize=8.5, leading=12,
                             textColor=MUTED, spaceAfter=0),
        banner=ParagraphStyle("xinhe-banner", parent=base, fontSize=14, leading=20,
                              alignment=TA_CENTER, textColor=colors.white, spaceAfter=0),
    )


@dataclass
class SignatureArea:
    """Where the signature box landed: 0-based page index and PDF rectangle."""

    page_index: int = -1
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


class SignatureBox(Flowable):  # type: ignore[misc]
    """An empty framed area for the visible signature; records where it was drawn."""

    def __init__(self, area: SignatureArea, caption: str, font: str) -> None:
        super().__init__()
        self.area = area
        self.caption = caption
        self.font = font
        self.width = STAMP_WIDTH
        self.height = STAMP_HEIGHT + 14
        self.hAlign = "RIGHT"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Canvas = self.canv
        canv.saveState()
        canv.setFont(self.font, 8)
        canv.setFillColor(MUTED)
        canv.drawString(0, STAMP_HEIGHT + 4, self.caption)
        canv.setStrokeColor(RULE)
        canv.setDash(3, 3)
        canv.setLineWidth(0.6)
        canv.rect(1, 1, STAMP_WIDTH - 2, STAMP_HEIGHT - 2, stroke=1, fill=0)  # under the stamp
        canv.restoreState()
        x, y = canv.absolutePosition(0, 0)
        self.area.page_index = canv.getPageNumber() - 1
        self.area.box = (x, y, x + STAMP_WIDTH, y + STAMP_HEIGHT)


def numbered_canvas(font: str, footer_left: str, footer_mid: str, header: str,
                    page_label: Any) -> type[Canvas]:
    """A canvas class that writes header, footer and "page x of y" once the count is known.

    `page_label(x, y)` returns the page-number text in the chosen language.
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font  # never the unembedded Helvetica
            kwargs.setdefault("initialFontSize", 10)
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            width, _height = self._pagesize
            margin = 56.7
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.drawString(margin, _height - 36, header)
            self.line(margin, _height - 40, width - margin, _height - 40)
            self.line(margin, 40, width - margin, 40)
            self.drawString(margin, 28, footer_left)
            self.drawCentredString(width / 2, 28, footer_mid)
            self.drawRightString(width - margin, 28, page_label(self._pageNumber, total))
            self.restoreState()

    return NumberedCanvas
