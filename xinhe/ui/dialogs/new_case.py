"""A new case: find the client first (likely duplicates shown), or enter a new one; then
the case's category and source, and the intake form chosen by category."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.clients import DuplicateMatch
from xinhe.records.services import Services
from xinhe.ui import operations
from xinhe.ui.context import AppContext
from xinhe.ui.dialogs import new_case_draft
from xinhe.ui.forms.template_form import TemplateForm
from xinhe.ui.locking import lock_button
from xinhe.ui.widgets import ErrorLine, label

REASONS = {"name_birth_year": ("同名且同一出生年份", "same name and year of birth"),
           "phone": ("同一电话", "same phone"), "id_number": ("同一身份证号", "same ID number")}


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
        self.born = QDateEdit(QDate(1990, 1, 1))
        self.born.setCalendarPopup(True)
        self.born.setDisplayFormat("yyyy-MM-dd")
        self.born.setMinimumDate(QDate(1900, 1, 1))
        self.born.setSpecialValueText("—")
        self.born.setDate(QDate(1900, 1, 1))
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
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(300)
        self.debounce.timeout.connect(self.check_duplicates)
        for edit in (self.name, self.phone, self.id_number):
            edit.textChanged.connect(lambda _t: self.debounce.start())
        self.born.dateChanged.connect(lambda _d: self.debounce.start())
        self.pages.addWidget(page)

    def _birth(self) -> str | None:
        day = self.born.date()
        return None if day == QDate(1900, 1, 1) else day.toString("yyyy-MM-dd")

    def check_duplicates(self) -> None:
        birth = self._birth()
        name, phone, id_number = self.name.text(), self.phone.text(), self.id_number.text()
        year = int(birth[:4]) if birth else None
        operations.run(self.ctx, lambda s: s.clients.find_duplicates(
            name=name, birth_year=year, phone=phone or None, id_number=id_number or None),
            parent=self, on_done=self._show_matches)

    def _show_matches(self, matches: list[DuplicateMatch]) -> None:
        self.matches.clear()
        zh = _zh()
        for match in matches:
            why = "、".join(REASONS[r][0 if zh else 1] for r in match.reasons)
            cases = ", ".join(match.case_numbers) or self.tr("no case yet")
            item = QListWidgetItem(f"{match.client.name}  {match.client.birth_date or ''}  "
                                   f"{match.client.phone or ''}  —  {why}  ({cases})")
            item.setData(Qt.ItemDataRole.UserRole, match.client.id)
            self.matches.addItem(item)
        if not matches:
            self.matches.addItem(self.tr("No existing record matches."))
            self.existing_client = None

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
            self._go(1)
            return
        self.submit()

    def client_details(self) -> dict[str, Any]:
        return {"name": self.name.text(), "gender": self.gender.currentData(),
                "birth_date": self._birth(), "phone": self.phone.text(),
                "id_number": self.id_number.text(), "community": self.community.currentData(),
                "address": self.address.text(), "guardian_name": self.guardian.text()}

    def submit(self) -> None:
        assert self.form is not None
        existing, details = self.existing_client, self.client_details()
        template, answers = self.form.template, self.form.answers()
        category, source = self.category.currentData(), self.source.currentData()
        reference = self.platform_ref.text()

        def work(s: Services) -> int:
            tpl.validate_answers(template, answers)  # before anything is written
            client_id = existing or s.clients.create(**details).id
            case = s.cases.open(client_id=client_id, category=category, source=source,
                                platform_ref=reference)
            s.notes.record_assessment(case.id, template_id=template.id, answers=answers,
                                      template_version=template.version)
            return case.id

        def failed(exc: BaseException) -> None:
            self.next.setEnabled(True)
            if isinstance(exc, tpl.InvalidAnswer):
                self.form.mark_problems(exc)  # type: ignore[union-attr]
            self.error.say(exc)

        def done(case_id: int) -> None:
            self.accept()
            self.created.emit(case_id)
        self.next.setEnabled(False)
        operations.run(self.ctx, work, parent=self, on_done=done, on_failure=failed,
                       changed={"case", "client", "assessment", "risk", "review"})


def _zh() -> bool:
    from xinhe.i18n import language

    return language() == "zh_CN"
