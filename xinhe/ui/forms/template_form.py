"""Any valid template as a form: typed inputs, required marks, conditional sections and
questions, and the live score and risk level while answering.

The form holds still under the pointer while it is answered: the score and warnings sit in
a fixed-height panel below the questions, labels have one fixed width (a question that
appears never re-wraps the others), the scroll bar is always there (its arrival would narrow
the page), and a follow-up question opens below the answer that caused it.
"""

from __future__ import annotations

import html
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.templates_summary import pending_text, summarize_result
from xinhe.ui.forms.fields import AnswerInput, ChoiceButtons, align_top, make_input
from xinhe.ui.style import RISK_COLOURS

LABEL_WIDTH = 236  # one width for every question label, so none re-wraps another
SCORE_PANEL_HEIGHT = 104  # room for the score, the checklist's progress and two warnings
KEYBOARD_HINT_FROM = 3  # a section with this many yes/no questions says how to key them


class TemplateForm(QWidget):
    """`answers()` gives what is filled in (hidden questions left out); `mark_problems`
    shows what validation found, on the questions themselves."""

    changed = Signal()

    def __init__(self, template: tpl.Template, answers: dict[str, Any] | None = None,
                 read_only: bool = False, show_score: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.inputs: dict[str, AnswerInput] = {}
        self.labels: dict[str, QLabel] = {}
        self.sections: list[tuple[QGroupBox, list[str]]] = []
        self.rows: dict[str, tuple[QFormLayout, QWidget]] = {}
        self.shown: frozenset[str] = frozenset()
        self.result: tpl.ScoreResult | None = None
        lang = language()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Made top-down (each widget in its place before its children): a subtree moved
        # into a new parent has the style sheet resolved again for every widget in it.
        outer.addWidget(self.page_scroll, 1)
        body = QWidget()
        column = QVBoxLayout(body)
        self.page_scroll.setWidget(body)
        if template.description:
            note = QLabel(template.description.get(lang))
            note.setObjectName("hint")
            note.setWordWrap(True)
            column.addWidget(note)
        for section in template.sections:
            self._section(section, lang, body, column)
        column.addStretch()
        self.show_score = show_score and bool(template.scoring.totals or template.scoring.rules)
        self.score_panel = QFrame()
        self.score_panel.setObjectName("scorePanel")
        self.score_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.score_panel.setFixedHeight(SCORE_PANEL_HEIGHT)
        panel = QVBoxLayout(self.score_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        self.score_label.setWordWrap(True)
        self.score_label.setTextFormat(Qt.TextFormat.RichText)
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.score_label.setContentsMargins(6, 4, 6, 4)
        holder = QScrollArea()  # warnings that outgrow the panel scroll inside it
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(self.score_label)
        panel.addWidget(holder)
        self.score_panel.setVisible(self.show_score)
        outer.addWidget(self.score_panel)
        self.set_answers(answers or {})
        for widget in self.inputs.values():
            widget.set_read_only(read_only)

    def _section(self, section: tpl.Section, lang: str, body: QWidget,
                 column: QVBoxLayout) -> None:
        box = QGroupBox(section.label.get(lang), body)
        column.addWidget(box)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        if section.help:
            form.addRow(_hint(section.help.get(lang)))
        if sum(f.type == "yes_no" for f in section.fields) >= KEYBOARD_HINT_FROM:
            form.addRow(_hint(self.tr("Keyboard: Y yes · N no · ? don't know · Delete not yet "
                                      "asked · ↑ ↓ previous / next question")))
        ids = []
        for field in section.fields:
            widget = make_input(field)
            text = html.escape(field.label.get(lang)) + (
                " <span style='color:#c62828'>*</span>" if field.required else "")
            label = align_top(QLabel(text))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setFixedWidth(LABEL_WIDTH)
            if field.help:
                label.setToolTip(field.help.get(lang))
                widget.setToolTip(field.help.get(lang))  # type: ignore[attr-defined]
            form.addRow(label, cast(QWidget, widget))
            widget.changed.connect(self._on_change)
            if isinstance(widget, ChoiceButtons):
                widget.step.connect(lambda by, fid=field.id: self.move_focus(fid, by))
            self.inputs[field.id] = widget
            self.labels[field.id] = label
            self.rows[field.id] = (form, widget)  # type: ignore[assignment]
            ids.append(field.id)
        self.sections.append((box, ids))

    # -- answers ---------------------------------------------------------------------------
    def raw_answers(self) -> dict[str, Any]:
        return {fid: w.value() for fid, w in self.inputs.items() if w.value() is not None}

    def answers(self) -> dict[str, Any]:
        """The answers to the questions now shown."""
        shown = tpl.visible_field_ids(self.template, self.raw_answers())
        return {k: v for k, v in self.raw_answers().items() if k in shown}

    def set_answers(self, answers: dict[str, Any]) -> None:
        for fid, widget in self.inputs.items():
            widget.set_value(answers.get(fid))
        self._refresh()

    def _on_change(self) -> None:
        self.clear_problems()
        self._refresh()
        self.changed.emit()

    def move_focus(self, field_id: str, by: int) -> None:
        """Keyboard: to the previous (-1) or next (+1) question now shown."""
        order = [fid for fid in self.inputs if fid in self.shown]
        if field_id not in order:
            return
        at = order.index(field_id) + by
        if 0 <= at < len(order):
            widget = cast(QWidget, self.inputs[order[at]])
            if isinstance(widget, ChoiceButtons):
                widget.focus_answer()
            else:
                next((w for w in widget.findChildren(QWidget)
                      if w.focusPolicy() & Qt.FocusPolicy.TabFocus), widget).setFocus()
            self.page_scroll.ensureWidgetVisible(widget, 0, 40)

    # -- display ---------------------------------------------------------------------------
    def _refresh(self) -> None:
        raw = self.raw_answers()
        self.shown = tpl.visible_field_ids(self.template, raw)
        for fid, (form, widget) in self.rows.items():
            form.setRowVisible(widget, fid in self.shown)
        for box, ids in self.sections:
            box.setVisible(any(fid in self.shown for fid in ids))
        self._show_score(raw)

    def _show_score(self, raw: dict[str, Any]) -> None:
        try:
            result = tpl.score(self.template, tpl.validate_answers(self.template, raw,
                                                                   partial=True))
        except tpl.InvalidAnswer:
            self.result = None
            self.score_label.setText(html.escape(self.tr("Score: finish the highlighted "
                                                         "answers")))
            return
        self.result = result
        lang = language()
        summary = summarize_result(self.template, result, lang)
        level = result.level if result.assessed else None
        if level:
            badge = (f"<b style='color:{RISK_COLOURS[level]}'>"
                     f"{html.escape(vocab.label(vocab.RISK_LEVELS, level))}</b>")
        else:
            badge = "<b>" + html.escape(self.tr("Not yet assessed")) + "</b>"
        head = " &nbsp; ".join([badge] + [html.escape(t) for t in summary.totals])
        notes = list(summary.incomplete)
        if self.template.saves_incomplete and summary.pending:
            notes.append(pending_text(summary.pending, lang))
        lines = [head] + ([f"<span style='color:#8a5300'>{html.escape(' · '.join(notes))}"
                           "</span>"] if notes else [])
        lines += [f"• {html.escape(r.text.get(lang))}" for r in result.reasons]
        self.score_label.setText("<br>".join(lines))
        self.score_label.setProperty("level", level or "")

    # -- problems --------------------------------------------------------------------------
    def mark_problems(self, problem: tpl.InvalidAnswer) -> None:
        """Colour every question validation complained about; focus the first. Colour only:
        bold would re-wrap the label and move the rows below."""
        first = None
        for issue in problem.issues:
            if issue.field_id in self.labels:
                self.labels[issue.field_id].setStyleSheet("color:#b00020")
                self.labels[issue.field_id].setToolTip(
                    issue.zh if language() == "zh_CN" else issue.en)
                first = first or issue.field_id
        if first is not None:
            widget = self.inputs[first]
            widget.setFocus()  # type: ignore[attr-defined]

    def clear_problems(self) -> None:
        for label in self.labels.values():
            if label.styleSheet():
                label.setStyleSheet("")

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.inputs.values():
            widget.set_read_only(read_only)


def _hint(text: str) -> QLabel:
    hint = QLabel(text)
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    return hint
