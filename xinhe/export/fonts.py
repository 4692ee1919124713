"""The one CJK font of every referral PDF, registered with reportlab once per process.

WenQuanYi Micro Hei (TrueType outlines, Apache-2.0 / GPL-3+ with font exception, licence
beside the font) is shipped in `xinhe/resources/fonts/`, so a PDF never depends on a viewer's
fonts: reportlab embeds the subset of glyphs it uses.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from xinhe.paths import resource

FONT_NAME = "XinheSans"
FONT_FILE = "fonts/wqy-microhei.ttc"
_lock = threading.Lock()


def register_font() -> str:
    """Register the CJK font with reportlab (idempotent, thread-safe); return its name."""
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(resource(FONT_FILE)), subfontIndex=0))
    return FONT_NAME
