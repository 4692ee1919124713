"""Language choice for the layers below the UI (messages, PDFs, command line).

The desktop UI translates its own strings with Qt Linguist; the records, crypto and
export layers cannot use Qt, so their user-facing texts carry both languages and
this module picks one.
"""

from __future__ import annotations

import os

SUPPORTED = ("zh_CN", "en")
_language = os.environ.get("XINHE_LANG", "zh_CN")
if _language not in SUPPORTED:
    _language = "zh_CN"


def language() -> str:
    """The language in use: "zh_CN" (default) or "en"."""
    return _language


def set_language(lang: str) -> None:
    global _language
    if lang not in SUPPORTED:
        raise ValueError(f"unsupported language: {lang}")
    _language = lang


def pick(zh: str, en: str, lang: str | None = None) -> str:
    """Return the text for the current (or given) language."""
    return en if (lang or _language) == "en" else zh
