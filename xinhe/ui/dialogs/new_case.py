"""A new case: find the client first (likely duplicates shown), or enter a new one; then
the case's category and source, and the intake form chosen by category."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe.errors import InvalidInput
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.clients import DuplicateMatch
from xinhe.records.templates_summary import pending_text, summarize_result
from xinhe.records.typed_dates import TypedDate
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs import new_case_draft
from xinhe.ui.dialogs.clock_notice import clock_lines, clocks_paragraph
from xinhe.ui.forms.date_field import DateField
from xinhe.ui.forms.template_form import TemplateForm
from xinhe.ui.locking import lock_button
from xinhe.ui.operations import clients as client_ops
from xinhe.ui.widgets import ErrorLine, label

REASONS = {"name_birth_year": ("同名且同一出生年份", "same name and year of birth"),
           "phone": ("同一电话", "same phone"), "id_number": ("同一身份证号", "same ID number"),
           "name": ("同名", "same name"), "name_sound": ("同音姓名", "name of the same sound")}


class NewCaseDialog(QDialog):
    created = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.existing_client: int | None = None
        self.setWindowTitle(self.tr("New case"))
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        self.error = ErrorLine()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.back = QPushButton(self.tr("< Back"))
        self.back.clicked.connect(lambda: self._go(0))
        self.next = QPushButton(self.tr("Next >"))
        self.next.setObjectName("primary")
        self.next.clicked.connect(self._next)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons.addWidget(lock_button(ctx))
        buttons.addWidget(self.back)
        buttons.addStretch()
        buttons.addWidget(cancel)
        buttons.addWidget(self.next)
        layout.addLayout(buttons)
        self._client_page()
        self._case_page()
        self._go(0)
        self.resize(880, 720)
        new_case_draft.keep_drafts(self)

    # -- page 1: who ------------------------------------------------------------------------
    def _client_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr(
            "Who is the client? Xinhe looks for existing records of the same person as you "
            "type, so one person does not end up with two files."), "hint"))
        form = QFormLayout()
        self.name = QLineEdit()
        self.gender = QComboBox()
        for code in vocab.GENDERS:
            self.gender.addItem(vocab.label(vocab.GENDERS, code), code)
        # Often only the year is known at a first contact; the calendar opens decades back.
        self.born = DateField(year_only=True, calendar_year=date.today().year - 35,
                              what=("出生日期", "Date of birth"))
        self.phone = QLineEdit()
        self.id_number = QLineEdit()
        self.community = QComboBox()
        self.community.addItem("—", None)
        for street, communities in vocab.BAOAN_STREETS.items():
            for community in communities:
                self.community.addItem(f"{street} · {community}", community)
        self.address = QLineEdit()
        self.guardian = QLineEdit()
        form.addRow(self.tr("Name") + " *", self.name)
        form.addRow(self.tr("Gender"), self.gender)
        form.addRow(self.tr("Date of birth"), self.born)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("ID number"), self.id_number)
        form.addRow(self.tr("Community"), self.community)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Guardian (for a child)"), self.guardian)
        layout.addLayout(form)
        layout.addWidget(label(self.tr("Possible existing records"), "hint"))
        self.matches = QListWidget()
        self.matches.setObjectName("duplicates")
        self.matches.itemSelectionChanged.connect(self._picked)
        layout.addWidget(self.matches, 1)
        self.masked: list[DuplicateMatch] = []
        self.new_anyway = QCheckBox(self.tr(
            "Create a new client anyway (a different person, or agreed with the responsible "
            "counsellor)"))
        self.new_anyway.hide()
        layout.addWidget(self.new_anyway)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(300)
        self.debounce.timeout.connect(self.check_duplicates)
        for edit in (self.name, self.phone, self.id_number):
            edit.textChanged.connect(lambda _t: self.debounce.start())
        self.born.changed.connect(self.debounce.start)
        self.pages.addWidget(page)

    def _birth(self) -> TypedDate | None:
        """What was typed as the birth date; None while empty or not yet readable."""
        try:
            return self.born.typed()
        except InvalidInput:
            return None

    def check_duplicates(self) -> None:
        birth = self._birth()
        name, phone, id_number = self.name.text(), self.phone.text(), self.id_number.text()
        year = birth.year if birth else None
        client_ops.find_duplicates(ctx=self.ctx, parent=self, name=name, birth_year=year,
                                   phone=phone or None, id_number=id_number or None,
                                   on_done=self._show_matches)

    def _show_matches(self, matches: list[DuplicateMatch]) -> None:
        self.matches.clear()
        zh = _zh()
        for match in matches:
            why = "、".join(REASONS[r][0 if zh else 1] for r in match.reasons)
            if match.client is None:
                self.matches.addItem(self._masked_item(match, why))
                continue
            cases = ", ".join(match.case_numbers) or self.tr("no case yet")
            born = match.client.birth_date or (self.tr("born %1").replace(
                "%1", str(match.birth_year)) if match.birth_year else "")
            item = QListWidgetItem(f"{match.name}  {born}  "
                                   f"{match.client.phone or ''}  —  {why}  ({cases})")
            item.setData(Qt.ItemDataRole.UserRole, match.client.id)
            self.matches.addItem(item)
        if not matches:
            self.matches.addItem(self.tr("No existing record matches."))
            self.existing_client = None
        self.masked = [m for m in matches if m.client is None]
        self.new_anyway.setVisible(bool(self.masked))
        if not self.masked:
            self.new_anyway.setChecked(False)

    def _masked_item(self, match: DuplicateMatch, why: str) -> QListWidgetItem:
        """Another counsellor's client: who to contact, never the details or a way in."""
        people = "、".join(match.contacts)
        if match.case_numbers:
            advice = self.tr("This client already has a file: %1, handled by %2. Contact "
                             "them to coordinate.").replace(
                "%1", ", ".join(match.case_numbers)).replace("%2", people)
        else:
            advice = self.tr("This client was registered by %1 (no case yet). Contact them "
                             "to coordinate.").replace("%1", people)
        born = self.tr("born %1").replace("%1", str(match.birth_year)) \
            if match.birth_year else ""
        item = QListWidgetItem(f"{match.name}  {born}  —  {why}\n{advice}")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable: it cannot be opened here
        item.setForeground(QColor("#8a5300"))
        item.setToolTip(self.tr("You may not see this client's details or add to their "
                                "file. The responsible counsellor or a supervisor can share "
                                "the case with you."))
        return item

    def _picked(self) -> None:
        items = self.matches.selectedItems()
        self.existing_client = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        self.next.setText(self.tr("Use this client >") if self.existing_client else
                          self.tr("Next >"))

    # -- page 2: the case and its intake ------------------------------------------------------
    def _case_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.category = QComboBox()
        for code in vocab.CATEGORIES:
            self.category.addItem(vocab.label(vocab.CATEGORIES, code), code)
        self.source = QComboBox()
        for code in vocab.SOURCES:
            self.source.addItem(vocab.label(vocab.SOURCES, code), code)
        self.platform_ref = QLineEdit()
        self.platform_ref.setPlaceholderText(self.tr("The district platform's number, if "
                                                     "dispatched from there"))
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Platform no."), self.platform_ref)
        layout.addLayout(form)
        self.intake_holder = QVBoxLayout()
        layout.addLayout(self.intake_holder, 1)
        self.form: TemplateForm | None = None
        self.category.currentIndexChanged.connect(lambda _i: self._intake())
        self.pages.addWidget(page)

    def _intake(self) -> None:
        template = self.intake_template()
        if self.form is not None and self.form.template.id == template.id:
            return
        if self.form is not None:
            self.form.deleteLater()
        self.form = TemplateForm(template)
        self.intake_holder.addWidget(self.form)

    def intake_template(self) -> tpl.Template:
        category = self.category.currentData()
        return self.ctx.services.templates.get(vocab.intake_template(category))

    # -- flow ------------------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back.setVisible(index == 1)
        self.error.hide()
        if index == 1:
            self._intake()
            self.next.setText(self.tr("Open the case"))
        else:
            self._picked()

    def _next(self) -> None:
        if self.pages.currentIndex() == 0:
            if not self.existing_client and not self.name.text().strip():
                self.error.say(self.tr("Enter the client's name, or pick an existing "
                                       "record."))
                return
            if not self.existing_client and self.masked and not self.new_anyway.isChecked():
                self.error.say(self.tr("This person may already have a file with another "
                                       "counsellor. Contact them first, or tick the box to "
                                       "create a new client anyway."))
                return
            problem = None if self.existing_client else self.born.problem()
            if problem:
                self.error.say(problem)
                self.born.edit.setFocus()
                return
            self._go(1)
            return
        self.submit()

    def client_details(self) -> dict[str, Any]:
        birth = self.born.typed()  # an unreadable date stops here, with the field named
        return {"name": self.name.text(), "gender": self.gender.currentData(),
                "birth_date": birth.day.isoformat() if birth and birth.day else None,
                "birth_year": birth.year if birth else None, "phone": self.phone.text(),
                "id_number": self.id_number.text(), "community": self.community.currentData(),
                "address": self.address.text(), "guardian_name": self.guardian.text()}

    def submit(self) -> None:
        """Ask once what opening does (the intake signed and locked, the case opened, a
        high-risk case to the supervisor), then open it. Values that do not fit are refused
        first, with the field named; questions not yet asked are not."""
        assert self.form is not None
        template, answers = self.form.template, self.form.answers()
        try:
            cleaned = tpl.validate_answers(template, answers, partial=template.saves_incomplete)
        except tpl.InvalidAnswer as exc:
            self.form.mark_problems(exc)
            self.error.say(exc)
            return
        self.confirm_open(tpl.score(template, cleaned), clock_lines(template, cleaned))

    def confirm_open(self, result: tpl.ScoreResult,
                     clocks: list[str] | None = None) -> QMessageBox:
        """The one question before opening (not blocking: the app may lock meanwhile),
        naming the legal clocks that signing the intake starts."""
        assert self.form is not None
        lines = [self.tr("The intake form will be signed and locked (later changes are added "
                         "as addenda), and the case will be opened.")]
        if result.level == "high":
            lines.append(self.tr("The answers make this a high-risk case: it goes to the "
                                 "supervisor's review queue, to be reviewed within 24 "
                                 "hours."))
        summary = summarize_result(self.form.template, result)
        todo = list(summary.incomplete) + (
            [pending_text(summary.pending)] if summary.pending else [])
        if todo:
            lines.append(self.tr("Not yet complete: %1. You can complete it later from the "
                                 "case.").replace("%1", "；".join(todo) if _zh() else
                                                  "; ".join(todo)))
        if clocks:
            lines.append(clocks_paragraph(clocks))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Open the case"),
                          "\n\n".join(lines), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmOpen")
        yes = box.addButton(self.tr("Sign and open the case"),
                            QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Go back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.finished.connect(lambda _r: self._open_case() if box.clickedButton() is yes
                             else None)
        box.open()
        return box

    def _open_case(self) -> None:
        assert self.form is not None
        existing, details = self.existing_client, self.client_details()
        template, answers = self.form.template, self.form.answers()
        category, source = self.category.currentData(), self.source.currentData()
        reference = self.platform_ref.text()

        def failed(exc: BaseException) -> None:
            self.next.setEnabled(True)
            if isinstance(exc, tpl.InvalidAnswer):
                self.form.mark_problems(exc)  # type: ignore[union-attr]
            self.error.say(exc)

        def done(case_id: int) -> None:
            self.accept()
            self.created.emit(case_id)
        self.next.setEnabled(False)
        client_ops.open_case(ctx=self.ctx, parent=self, existing_client=existing,
                             details=details, template=template, answers=answers,
                             category=category, source=source, platform_ref=reference,
                             on_done=done, on_failure=failed)


def _zh() -> bool:
    from xinhe.i18n import language

    return language() == "zh_CN"
