"""The one CJK font of every referral PDF, registered with reportlab once per process.

WenQuanYi Micro Hei (TrueType outlines, Apache-2.0 / GPL-3+ with font exception, licence
beside the font) is shipped in `resources/fonts/`, so a PDF never depends on a viewer's
fonts: reportlab embeds the subset of glyphs it uses.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "XinheSans"
FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"
_lock = threading.Lock()


def register_font() -> str:
    """Register the CJK font with reportlab (idempotent, thread-safe); return its name."""
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE), subfontIndex=0))
    return FONT_NAME
