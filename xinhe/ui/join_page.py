"""The set-up wizard's other road: join the studio server instead of creating a vault on
this computer (the server's address, port, the studio id and the studio's CA file, then the
user's own login)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from xinhe.errors import XinheError
from xinhe.ui.operations import session
from xinhe.ui.operations.session import Opened
from xinhe.ui.widgets import error_text, label, password_field
from xinhe.ui.worker import DbWorker


class JoinPage(QWizardPage):
    """Signs in to the studio server; `joined(dsn, opened)` on success. The DSN keeps no
    user name or password: the preferences may store it."""

    def __init__(self, worker: DbWorker, joined: Callable[[str, Opened], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._joined = joined
        self.setTitle(self.tr("Join a studio server"))
        self.setSubTitle(self.tr(
            "The studio keeps its records on its own server. Ask the person who looks after "
            "it for the server's address, the studio id and the studio's CA file (ca.crt)."))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("e.g. xinhe-server.lan"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.studio = QLineEdit("xinhe")
        self.ca_file = QLineEdit()
        choose = QPushButton(self.tr("Choose…"))
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(choose)
        self.username = QLineEdit()
        self.password = password_field()
        form.addRow(self.tr("Server address"), self.host)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Studio id (database)"), self.studio)
        form.addRow(self.tr("Studio CA file"), ca_row)
        form.addRow(self.tr("Login name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.error = label("", "error")
        form.addRow(self.error)
        self.join_button = QPushButton(self.tr("Join and sign in"))
        self.join_button.setObjectName("primary")
        self.join_button.clicked.connect(self.submit)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.join_button)
        layout.addLayout(row)
        self.password.returnPressed.connect(self.submit)

    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The studio's CA file"), "",
                                              self.tr("Certificates (*.crt *.pem);;All files (*)"))
        if path:
            self.ca_file.setText(path)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.host, self.port, self.studio, self.ca_file, self.username,
                       self.password, self.join_button):
            widget.setEnabled(not busy)
        self.join_button.setText(self.tr("Signing in…") if busy else self.tr("Join and sign in"))

    def submit(self) -> None:
        from xinhe.records.storage.server_session import workstation_dsn  # psycopg: on use

        try:
            dsn = workstation_dsn(self.host.text(), self.port.value(), self.studio.text(),
                                  self.ca_file.text())
        except XinheError as exc:
            self.error.setText(error_text(exc))
            return
        if not self.username.text().strip() or not self.password.text():
            self.error.setText(self.tr("Enter your login name and password."))
            return
        self.error.setText("")
        self.set_busy(True)

        def done(opened: Opened) -> None:
            self.password.clear()
            self.set_busy(False)
            self._joined(dsn, opened)

        def failed(exc: BaseException) -> None:
            self.set_busy(False)
            self.error.setText(error_text(exc))
            self.password.selectAll()
        session.join_server(worker=self.worker, dsn=dsn, username=self.username.text().strip(),
                            password=self.password.text(), on_success=done, on_failure=failed)
