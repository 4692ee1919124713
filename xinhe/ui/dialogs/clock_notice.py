"""The legal clocks a signature will start, said in the question before signing, so the
counsellor knows what the case now owes and by when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from xinhe.i18n import language
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.planning import implied_clocks


def clock_lines(template: tpl.Template, answers: dict[str, Any],
                now: datetime | None = None) -> list[str]:
    """One line per clock signing these answers would start ("人身安全保护令申请（紧急，
    24 小时）：2026-03-03 09:00 前"); none for answers that do not validate yet."""
    if not template.clocks:
        return []
    try:
        cleaned = tpl.validate_answers(template, answers, partial=True)
    except tpl.InvalidAnswer:
        return []
    when = now or datetime.now().astimezone()
    return [clock.describe(language()) for clock in implied_clocks(template, cleaned, when)]


def clocks_paragraph(lines: list[str]) -> str:
    """The paragraph for a confirmation, or "" when no clock starts."""
    if not lines:
        return ""
    return QCoreApplication.translate(
        "ClockNotice", "Signing starts these legal clocks (they show on the case and the "
        "dashboard until done):") + "\n" + "\n".join(f"• {line}" for line in lines)


def clock_name(kind: str, urgent: bool = False) -> str:
    """A legal clock's name as the confirmation said it, with an urgent protection order's
    24 hours (the general label speaks of 72)."""
    if kind in tpl.CLOCK_KINDS:
        name = tpl.CLOCK_KINDS[kind].get(language())
    else:
        name = vocab.label(vocab.CLOCK_KINDS, kind)
    if urgent and kind == "po_application":
        name += QCoreApplication.translate("ClockNotice", " (urgent, 24 h)")
    return name
