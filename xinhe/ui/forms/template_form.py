"""Any valid template as a form: typed inputs, required marks, conditional sections and
questions, and the live score and risk level while answering."""

from __future__ import annotations

import html
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xinhe.i18n import language
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.ui.forms.fields import AnswerInput, align_top, make_input
from xinhe.ui.style import RISK_COLOURS


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
        lang = language()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.score_label = QLabel()
        self.score_label.setObjectName("score")
        self.score_label.setWordWrap(True)
        self.score_label.setTextFormat(Qt.TextFormat.RichText)
        self.show_score = show_score and bool(template.scoring.totals or template.scoring.rules)
        self.score_label.setVisible(self.show_score)
        outer.addWidget(self.score_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        column = QVBoxLayout(body)
        if template.description:
            note = QLabel(template.description.get(lang))
            note.setObjectName("hint")
            note.setWordWrap(True)
            column.addWidget(note)
        for section in template.sections:
            box = QGroupBox(section.label.get(lang))
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            if section.help:
                hint = QLabel(section.help.get(lang))
                hint.setObjectName("hint")
                hint.setWordWrap(True)
                form.addRow(hint)
            ids = []
            for field in section.fields:
                widget = make_input(field)
                text = field.label.get(lang) + (" <span style='color:#c62828'>*</span>"
                                                if field.required else "")
                label = align_top(QLabel(text))
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setMinimumWidth(180)
                if field.help:
                    label.setToolTip(field.help.get(lang))
                    widget.setToolTip(field.help.get(lang))  # type: ignore[attr-defined]
                form.addRow(label, cast(QWidget, widget))
                widget.changed.connect(self._on_change)
                self.inputs[field.id] = widget
                self.labels[field.id] = label
                self.rows[field.id] = (form, widget)  # type: ignore[assignment]
                ids.append(field.id)
            self.sections.append((box, ids))
            column.addWidget(box)
        column.addStretch()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.set_answers(answers or {})
        for widget in self.inputs.values():
            widget.set_read_only(read_only)

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

    # -- display ---------------------------------------------------------------------------
    def _refresh(self) -> None:
        raw = self.raw_answers()
        shown = tpl.visible_field_ids(self.template, raw)
        for fid, (form, widget) in self.rows.items():
            form.setRowVisible(widget, fid in shown)
        for box, ids in self.sections:
            box.setVisible(any(fid in shown for fid in ids))
        self._show_score(raw)

    def _show_score(self, raw: dict[str, Any]) -> None:
        try:
            result = tpl.score(self.template, tpl.validate_answers(self.template, raw,
                                                                   partial=True))
        except tpl.InvalidAnswer:
            self.score_label.setText(self.tr("Score: finish the highlighted answers"))
            return
        lang = language()
        bands = {b.total_id: b.label.get(lang) for b in result.bands}
        parts = [html.escape(f"{self._total_label(tid)} {value}" + (
                 f"（{bands[tid]}）" if tid in bands and lang == "zh_CN" else
                 f" ({bands[tid]})" if tid in bands else ""))
                 for tid, value in result.totals.items()]
        level = result.level
        head = self.tr("Score: %1").replace("%1", " · ".join(parts)) if parts else ""
        if level:
            head += (f" &nbsp; <b style='color:{RISK_COLOURS[level]}'>"
                     f"{vocab.label(vocab.RISK_LEVELS, level)}</b>")
        if result.unanswered and parts:
            head += " &nbsp; " + self.tr("(%n question(s) still unanswered)", "",
                                         len(result.unanswered))
        reasons = "<br>".join(f"• {html.escape(r.text.get(lang))}" for r in result.reasons)
        text = "<br>".join(x for x in (head, reasons) if x)
        self.score_label.setText(text)
        self.score_label.setVisible(self.show_score and bool(text))
        self.score_label.setProperty("level", level or "")

    def _total_label(self, total_id: str) -> str:
        for total in self.template.scoring.totals:
            if total.id == total_id:
                return total.label.get(language())
        return total_id

    # -- problems --------------------------------------------------------------------------
    def mark_problems(self, problem: tpl.InvalidAnswer) -> None:
        """Outline every question validation complained about; focus the first."""
        first = None
        for issue in problem.issues:
            if issue.field_id in self.labels:
                self.labels[issue.field_id].setStyleSheet("color:#b00020; font-weight:bold")
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
