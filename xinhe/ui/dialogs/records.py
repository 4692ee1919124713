"""The record dialogs: session note, assessment, crisis intervention, safety plan,
follow-up visit. And reopening one from its draft after an unlock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.notes import SESSION_TEMPLATE
from xinhe.records.services import Services
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs.clock_notice import clock_lines, clocks_paragraph
from xinhe.ui.dialogs.record_dialog import RecordDialog
from xinhe.ui.forms.fields import qt_datetime_utc
from xinhe.ui.operations import notes as notes_ops


def now_edit() -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.currentDateTime())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


def to_utc(edit: QDateTimeEdit) -> datetime:
    return qt_datetime_utc(edit.dateTime())


def from_iso(edit: QDateTimeEdit, text: str | None) -> None:
    if text:
        moment = datetime.fromisoformat(text)
        edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment.timestamp())))  # local time


class SessionDialog(RecordDialog):
    """A session note: drafted, then signed and locked by its author."""

    kind = "session"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template, *,
                 note_id: int | None = None, version: int | None = None,
                 answers: dict[str, Any] | None = None, meta: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self.note_id = note_id
        self.version = version
        self.sign_question: QMessageBox | None = None
        super().__init__(ctx, case_id, template,
                         draft_key=f"session:{note_id or f'new:{case_id}'}",
                         title=self.tr("Session note"), answers=answers, meta=meta,
                         parent=parent)
        self.saved.connect(self._remember)

    def _remember(self, note: object) -> None:
        """After a draft is saved, further saves update that note."""
        self.note_id = getattr(note, "id", self.note_id)
        self.version = getattr(note, "version", self.version)

    def meta_fields(self, form: QFormLayout) -> None:
        self.started = now_edit()
        self.duration = QSpinBox()
        self.duration.setRange(1, 1440)
        self.duration.setValue(50)
        self.duration.setSuffix(self.tr(" min"))
        self.modality = QComboBox()
        for code in vocab.MODALITIES:
            self.modality.addItem(vocab.label(vocab.MODALITIES, code), code)
        self.persons = QSpinBox()
        self.persons.setRange(1, 100)
        self.persons.setToolTip(self.tr("Everyone served in this session counts as one "
                                        "person-time."))
        row = QHBoxLayout()
        for widget in (self.started, self.duration, self.modality):
            row.addWidget(widget)
            widget_changed(widget, self)
        row.addWidget(QLabel(self.tr("Persons served")))
        row.addWidget(self.persons)
        widget_changed(self.persons, self)
        row.addStretch()
        form.addRow(self.tr("Time, duration, form"), row)

    def meta(self) -> dict[str, Any]:
        return {"started_at": to_utc(self.started).isoformat(), "duration_min":
                self.duration.value(), "modality": self.modality.currentData(),
                "persons_served": self.persons.value(), "note_id": self.note_id,
                "version": self.version}

    def set_meta(self, meta: dict[str, Any]) -> None:
        from_iso(self.started, meta.get("started_at"))
        self.duration.setValue(int(meta.get("duration_min", 50)))
        self.modality.setCurrentIndex(max(0, self.modality.findData(meta.get("modality"))))
        self.persons.setValue(int(meta.get("persons_served", 1)))
        self.note_id = meta.get("note_id") or self.note_id
        self.version = meta.get("version") or self.version

    def add_buttons(self, row: QHBoxLayout) -> None:
        draft = QPushButton(self.tr("Save draft"))
        draft.clicked.connect(lambda: self.submit(final=False))
        row.addWidget(draft)
        sign = QPushButton(self.tr("Sign and lock"))
        sign.setObjectName("primary")
        sign.setToolTip(self.tr("A signed note can no longer be changed; corrections are "
                                "added as addenda."))
        sign.clicked.connect(self.ask_to_sign)
        row.addWidget(sign)
        self.sign_button = sign

    def primary_action(self) -> None:
        self.ask_to_sign()

    def ask_to_sign(self) -> None:
        """Every required answer first (said at once, no question asked); then ask once,
        saying what signing means on this case, and sign on Yes."""
        try:
            tpl.validate_answers(self.template, self.form.answers())
        except tpl.InvalidAnswer as exc:
            self.form.mark_problems(exc)
            self.error.say(exc)
            return
        if self.sign_question is not None:
            return  # already asking
        case_id = self.case_id
        self.sign_button.setEnabled(False)
        notes_ops.load_risk_level(ctx=self.ctx, parent=self, case_id=case_id,
                                  on_done=self._confirm_sign, on_failure=self._not_asked)

    def _not_asked(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        self.error.say(exc)

    def _confirm_sign(self, risk_level: object) -> None:
        self.sign_button.setEnabled(True)
        text = self.tr("Once signed, this note is locked: it can no longer be changed, and "
                       "corrections are added as addenda.")
        if risk_level == "high" and not self.ctx.has_role("supervisor"):
            text += "\n\n" + self.tr("This is a high-risk case: the signed note goes to the "
                                      "supervisor for co-signing.")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Sign and lock the note?"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmSign")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Sign and lock"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sign_question = box

        def answered(button: int) -> None:
            self.sign_question = None
            if button == QMessageBox.StandardButton.Yes:
                self.submit(final=True)
        box.finished.connect(answered)
        box.open()

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        notes = services.notes
        if final:  # every required answer first, so a refused signature leaves no new draft
            tpl.validate_answers(self.template, answers)
        started = datetime.fromisoformat(meta["started_at"])
        values = {"started_at": started, "duration_min": meta["duration_min"],
                  "modality": meta["modality"], "persons_served": meta["persons_served"],
                  "answers": answers}
        if meta.get("note_id") is None:
            note = notes.draft_session(self.case_id, template_id=self.template.id,
                                       template_version=self.template.version, **values)
        else:
            note = notes.update_session(meta["note_id"], meta["version"], **values)
        return notes.sign_session(note.id, note.version) if final else note


def widget_changed(widget: QWidget, dialog: RecordDialog) -> None:
    for signal in ("dateTimeChanged", "valueChanged", "currentIndexChanged", "dateChanged",
                   "toggled"):
        if hasattr(widget, signal):
            getattr(widget, signal).connect(lambda *_: dialog.mark_dirty())
            return


class AssessmentDialog(RecordDialog):
    """An assessment or intake form: scored and signed when saved."""

    kind = "assessment"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template,
                 answers: dict[str, Any] | None = None, meta: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, case_id, template,
                         draft_key=f"assessment:{case_id}:{template.id}",
                         title=template.label.get(), answers=answers, meta=meta, parent=parent)
        self.save_button.setText(self.tr("Save and sign"))
        self.save_button.clicked.disconnect()
        self.save_button.clicked.connect(self.primary_action)
        self.clock_question: QMessageBox | None = None

    def primary_action(self) -> None:
        """Signed on saving; when that starts a legal clock (a protection order, a report
        for a minor), ask once, naming each clock and its deadline."""
        try:  # every required answer first, said at once, before any question
            tpl.validate_answers(self.template, self.form.answers(),
                                 partial=self.template.saves_incomplete)
        except tpl.InvalidAnswer as exc:
            self.form.mark_problems(exc)
            self.error.say(exc)
            return
        lines = clock_lines(self.template, self.form.answers())
        if not lines:
            self.submit(final=True)
            return
        if self.clock_question is not None:
            return  # already asking
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Sign and start the clocks?"),
                          self.tr("Once saved, this record is signed and locked.") + "\n\n" +
                          clocks_paragraph(lines),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("confirmClocks")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Save and sign"))
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.clock_question = box

        def answered(button: int) -> None:
            self.clock_question = None
            if button == QMessageBox.StandardButton.Yes:
                self.submit(final=True)
        box.finished.connect(answered)
        box.open()

    def meta_fields(self, form: QFormLayout) -> None:
        self.when = now_edit()
        widget_changed(self.when, self)
        form.addRow(self.tr("Assessed at"), self.when)

    def meta(self) -> dict[str, Any]:
        return {"at": to_utc(self.when).isoformat()}

    def set_meta(self, meta: dict[str, Any]) -> None:
        from_iso(self.when, meta.get("at"))

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        return services.notes.record_assessment(
            self.case_id, template_id=self.template.id, template_version=self.template.version,
            answers=answers, assessed_at=datetime.fromisoformat(meta["at"]))


class CrisisDialog(AssessmentDialog):
    kind = "crisis"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template,
                 answers: dict[str, Any] | None = None, meta: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, case_id, template, answers, meta, parent)
        self.draft_key = f"crisis:{case_id}"

    def meta_fields(self, form: QFormLayout) -> None:
        self.when = now_edit()
        widget_changed(self.when, self)
        form.addRow(self.tr("When it happened"), self.when)

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        return services.notes.record_crisis(
            self.case_id, occurred_at=datetime.fromisoformat(meta["at"]), answers=answers,
            template_id=self.template.id, template_version=self.template.version)


class SafetyPlanDialog(RecordDialog):
    kind = "safety_plan"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template,
                 answers: dict[str, Any] | None = None, meta: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, case_id, template, draft_key=f"safety_plan:{case_id}",
                         title=template.label.get(), answers=answers, meta=meta, parent=parent)

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        return services.planning.save_safety_plan(self.case_id, answers, self.template.id)


class FollowupDialog(RecordDialog):
    """Completing a follow-up visit; it can schedule the next one."""

    kind = "followup"

    def __init__(self, ctx: AppContext, case_id: int, template: tpl.Template, *,
                 followup_id: int, version: int, answers: dict[str, Any] | None = None,
                 meta: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        self.followup_id = followup_id
        self.version = version
        super().__init__(ctx, case_id, template, draft_key=f"followup:{followup_id}",
                         title=self.tr("Follow-up visit"), answers=answers, meta=meta,
                         parent=parent)
        self.save_button.setText(self.tr("Record the visit"))

    def meta_fields(self, form: QFormLayout) -> None:
        self.when = now_edit()
        self.next_on = QCheckBox(self.tr("Schedule the next follow-up on"))
        self.next_date = QDateEdit(QDate.currentDate().addDays(14))
        self.next_date.setCalendarPopup(True)
        self.next_date.setDisplayFormat("yyyy-MM-dd")
        self.next_date.setEnabled(False)
        self.next_on.toggled.connect(self.next_date.setEnabled)
        for widget in (self.when, self.next_on, self.next_date):
            widget_changed(widget, self)
        form.addRow(self.tr("Visit time"), self.when)
        row = QHBoxLayout()
        row.addWidget(self.next_on)
        row.addWidget(self.next_date)
        row.addStretch()
        form.addRow("", row)

    def meta(self) -> dict[str, Any]:
        return {"at": to_utc(self.when).isoformat(), "followup_id": self.followup_id,
                "version": self.version,
                "next": self.next_date.date().toString("yyyy-MM-dd")
                if self.next_on.isChecked() else None}

    def set_meta(self, meta: dict[str, Any]) -> None:
        from_iso(self.when, meta.get("at"))
        if meta.get("next"):
            self.next_on.setChecked(True)
            self.next_date.setDate(QDate.fromString(meta["next"], "yyyy-MM-dd"))

    def save_work(self, services: Services, answers: dict[str, Any], meta: dict[str, Any],
                  final: bool) -> object:
        following = None
        if meta.get("next"):
            day = datetime.fromisoformat(meta["next"]).replace(hour=9).astimezone()
            following = day.astimezone(UTC)
        return services.planning.complete_followup(
            self.followup_id, self.version, answers,
            done_at=datetime.fromisoformat(meta["at"]), schedule_next=following)


def reopen_draft(ctx: AppContext, templates: tpl.TemplateRegistry, payload: dict[str, Any],
                 parent: QWidget) -> QDialog | None:
    """The dialog a draft was saved from, with its content, after an unlock."""
    kind = payload.get("kind")
    if kind == "new_case":
        from xinhe.ui.dialogs import new_case_draft
        from xinhe.ui.dialogs.new_case import NewCaseDialog

        new_case = NewCaseDialog(ctx, parent)
        new_case_draft.restore(new_case, payload)
        new_case.created.connect(ctx.bus.open_case.emit)
        return new_case
    case_id = int(payload.get("case_id", 0))
    template = templates.get(str(payload.get("template_id") or SESSION_TEMPLATE),
                             payload.get("template_version"))
    answers, meta = payload.get("answers") or {}, payload.get("meta") or {}
    dialog: RecordDialog
    if kind == "session":
        dialog = SessionDialog(ctx, case_id, template, answers=answers, meta=meta,
                               note_id=meta.get("note_id"), version=meta.get("version"),
                               parent=parent)
    elif kind == "assessment":
        dialog = AssessmentDialog(ctx, case_id, template, answers, meta, parent)
    elif kind == "crisis":
        dialog = CrisisDialog(ctx, case_id, template, answers, meta, parent)
    elif kind == "safety_plan":
        dialog = SafetyPlanDialog(ctx, case_id, template, answers, meta, parent)
    elif kind == "followup":
        dialog = FollowupDialog(ctx, case_id, template, followup_id=int(meta["followup_id"]),
                                version=int(meta["version"]), answers=answers, meta=meta,
                                parent=parent)
    else:
        return None
    dialog.dirty = True  # it holds unsaved work
    return dialog
