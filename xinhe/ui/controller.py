"""Which window is showing: set-up wizard, unlock window or main window; and locking."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from xinhe.errors import XinheError
from xinhe.ui import clipboard, i18n
from xinhe.ui.idle import IdleMonitor
from xinhe.ui.locking import LockKeys, close_windows
from xinhe.ui.operations import session
from xinhe.ui.prefs import Prefs
from xinhe.ui.unlock_window import UnlockWindow
from xinhe.ui.worker import DbWorker

if TYPE_CHECKING:  # the main window, its services, backups and the set-up wizard load later
    from xinhe.crypto.binding import DeviceBinding
    from xinhe.records.vault import VaultFolder
    from xinhe.ui.context import AppContext
    from xinhe.ui.operations.session import Opened

log = logging.getLogger(__name__)
# The keyring search (0.1–0.4 s of imports and D-Bus on the database thread, holding the
# GIL in turns) starts after the window's first paint, as a rule, not during it.
BINDING_AFTER_MS = 100
NEXT_TURN_MS = 1  # a real timer: a posted event would run in the same pass as the one before


class AppController(QObject):
    """Owns the windows and the unlocked vault handle; locking drops both."""

    locked = Signal()

    def __init__(self, folder: VaultFolder, prefs: Prefs, worker: DbWorker | None = None,
                 parent: QObject | None = None, server: str | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.prefs = prefs
        # The studio server this desk works on: --server, XINHE_SERVER, else the one joined.
        self.server = server or os.environ.get("XINHE_SERVER") or prefs.server
        self.worker = worker or DbWorker(self)
        self.window: QWidget | None = None
        self._coming: UnlockWindow | None = None  # to replace the window next turn
        self.binding_known = True  # False while find_binding looks for the keyring
        self.ctx: AppContext | None = None
        self.idle = IdleMonitor(self)
        self.idle.idle.connect(lambda: self.lock("lock.idle"))
        self.lock_keys = LockKeys(self)
        self.lock_keys.pressed.connect(lambda: self.lock("lock"))
        app = QApplication.instance()
        self.disposed = False
        if app is not None:  # from the event loop's first pass: see _watch_events
            QTimer.singleShot(0, functools.partial(self._watch_events, app))

    def _watch_events(self, app: QCoreApplication) -> None:
        """Idle time, Ctrl+L and copies, app-wide. Installed once the loop runs: built under
        these filters, the first window cost ~40 ms more (PySide makes each new event type
        and its enums when an event first reaches Python)."""
        if self.disposed:
            return
        app.installEventFilter(self.idle)
        app.installEventFilter(self.lock_keys)
        clipboard.install(app)

    # -- windows -----------------------------------------------------------------------
    def start(self) -> None:
        if self.server or self.folder.exists():
            self.show_unlock()
        else:
            self.show_wizard()

    def _replace_window(self, window: QWidget) -> None:
        old, self.window = self.window, window
        screen = window.screen().availableGeometry() if window.screen() else None
        small = not isinstance(window, QMainWindow)  # the set-up wizard, the unlock window
        if screen is not None and small:
            window.adjustSize()
            frame = window.frameGeometry()
            frame.moveCenter(screen.center())
            window.move(frame.topLeft())
        if not small and screen is not None and screen.height() < 860:
            window.showMaximized()  # 1366×768 laptops: use the whole screen
        else:
            window.show()
        window.raise_()
        window.activateWindow()
        if old is not None:
            old.hide()
            old.deleteLater()

    def find_binding(self, find: Callable[[], DeviceBinding]) -> None:
        """Look for this workstation's keyring on the database thread once the first window
        is up (BINDING_AFTER_MS into the event loop, after its first paint as a rule):
        unlocking and set-up queue behind it there; the window's note shows when known."""
        self.binding_known = False

        def search() -> None:
            self.folder.binding = find()
        QTimer.singleShot(BINDING_AFTER_MS, functools.partial(
            self.worker.submit, search, self._binding_found, self._binding_found))

    def _binding_found(self, _result: object) -> None:
        self.binding_known = True
        if isinstance(self.window, UnlockWindow) and not self.server:
            self.window.binding.setText(self.binding_note())

    def binding_note(self) -> str:
        if not self.binding_known:  # being looked up: saying "off" meanwhile would be wrong
            return ""
        binding: DeviceBinding = self.folder.binding
        if binding.enabled:
            return QCoreApplication.translate("Controller", "Workstation binding: on.")
        return QCoreApplication.translate(
            "Controller", "Workstation binding is off: this computer has no secure keyring, "
            "so a copied vault is protected by the passwords alone.")

    def show_wizard(self) -> None:
        from xinhe.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(self.worker, self.folder, self.prefs.language)
        wizard.finished_with.connect(self.open_main)
        wizard.restored.connect(self.show_unlock)
        wizard.joined.connect(self.remember_server)
        wizard.language_changed.connect(self.set_language)
        self._replace_window(wizard)

    def remember_server(self, dsn: str) -> None:
        """This desk joined a studio server: sign in there from now on (no password kept)."""
        self.server = self.prefs.server = dsn
        self.prefs.save(self.folder.path)

    def show_unlock(self, message: str = "", *, later: bool = False) -> None:
        """The unlock window; `later`: shown on the next turn (see _replace_later)."""
        if self.server:
            self._show_server_unlock(message)
            return
        try:
            usernames = self.folder.usernames()
        except XinheError as exc:
            usernames, message = [], exc.message()
        window = UnlockWindow(self.worker, self.folder, usernames, self.prefs.last_user,
                              self.prefs.language, self.binding_note())
        window.unlocked.connect(self.open_main)
        window.language_changed.connect(self.set_language)
        if message:
            window.show_error(message)
        if later:
            self._replace_later(window)
        else:
            self._replace_window(window)

    def _replace_later(self, window: UnlockWindow) -> None:
        """Show `window` instead of the unlock window on the next turn: making it and its
        first showing (polish, layout, paint) in one turn held the UI thread ~50-60 ms at
        each change of language. A newer one asked for before then replaces it."""
        if self._coming is not None:
            self._coming.deleteLater()
        self._coming = window

        def show() -> None:
            if self._coming is not window:
                return
            self._coming = None
            if isinstance(self.window, UnlockWindow):
                self._replace_window(window)
            else:  # signed in meanwhile: the main window stays
                window.deleteLater()
        QTimer.singleShot(NEXT_TURN_MS, window, show)

    def _show_server_unlock(self, message: str) -> None:
        from xinhe.records.storage.pg_store import check_dsn, where
        from xinhe.records.storage.server_session import ServerFolder

        try:
            server: ServerFolder | None = ServerFolder(
                self.server, workstation=self.folder.workstation, clock=self.folder.clock)
            note = QCoreApplication.translate("Controller", "Studio server: %1").replace(
                "%1", where(check_dsn(self.server)))
        except XinheError as exc:
            server, note, message = None, "", exc.message()
        last = [self.prefs.last_user] if self.prefs.last_user else []
        window = UnlockWindow(self.worker, server or self.folder, last, self.prefs.last_user,
                              self.prefs.language, note)
        window.unlocked.connect(self.open_main)
        window.language_changed.connect(self.set_language)
        if server is None:  # a server address that cannot be used: nothing to sign in to
            window.unlock_button.setEnabled(False)
        if message:
            window.show_error(message)
        self._replace_window(window)

    def open_main(self, opened: Opened) -> None:
        from xinhe.ui.context import AppContext, ChangeBus
        from xinhe.ui.main_window import MainWindow

        self.ctx = AppContext(self.worker, opened.services, opened.vault.actor,
                              opened.org_name, opened.binding_on, ChangeBus(self),
                              server=opened.server)
        self.prefs.last_user = opened.vault.actor.username
        self.prefs.save(self.folder.path)
        window = MainWindow(self.ctx)
        window.lock_requested.connect(lambda: self.lock("lock"))
        self.ctx.bus.lock_requested.connect(lambda: self.lock("lock"))
        window.quit_requested.connect(self.quit)
        self._replace_window(window)
        window.restore_drafts()
        self.ctx.listen_to_server()
        if self.ctx.relay is not None:
            self.ctx.relay.reachable.connect(lambda ok: server_status(window, ok))
        self.idle.start(opened.idle_minutes * 60_000)
        self.lock_keys.enabled = True

    def set_language(self, language: str) -> None:
        if language == self.prefs.language:
            return
        self.prefs.language = language
        self.prefs.save(self.folder.path)
        i18n.install(language)
        # Rebuild the window that is showing, in the new language.
        if isinstance(self.window, UnlockWindow):
            self.show_unlock(later=True)
            return
        from xinhe.ui.setup_wizard import SetupWizard

        if isinstance(self.window, SetupWizard) and self.window.opened is None:
            self.show_wizard()

    # -- locking -----------------------------------------------------------------------
    def lock(self, reason: str = "lock") -> None:
        """Lock: forms save drafts, the vault closes on its thread, every window with
        decrypted data (dialogs, wizards, file choosers, message boxes too) is destroyed,
        record text we put on the clipboard is cleared, and the unlock window comes back."""
        if self.ctx is None:
            return
        ctx, self.ctx = self.ctx, None
        self.idle.stop()
        self.lock_keys.enabled = False
        ctx.bus.locking.emit()  # draft saves are queued before the close on the one thread
        ctx.locked = True
        ctx.stop_listening()
        clipboard.clear_if_ours()
        if not self.server:  # the server's backups are the IT person's (docs/server.md)
            from xinhe.ui.operations import maintenance

            maintenance.auto_backup(worker=self.worker, vault=ctx.vault, when="lock")
        session.lock(worker=self.worker, vault=ctx.vault, reason=reason)
        self.show_unlock()
        close_windows(keep=self.window)
        self.locked.emit()

    def quit(self) -> None:
        app = QApplication.instance()
        if self.ctx is None:
            if app is not None:
                app.quit()
            return
        ctx, self.ctx = self.ctx, None
        self.idle.stop()
        self.lock_keys.enabled = False
        ctx.bus.locking.emit()
        ctx.locked = True
        ctx.stop_listening()
        clipboard.clear_if_ours()
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(QCoreApplication.translate(
                "Controller", "Signing out of the studio server…") if self.server else
                QCoreApplication.translate(
                "Controller", "Closing the records (and making the automatic backup, if it is "
                "switched on)…"))
        # The backup and the close run on the database thread; the app quits after them.
        if not self.server:
            from xinhe.ui.operations import maintenance

            maintenance.auto_backup(worker=self.worker, vault=ctx.vault, when="exit")

        def closed(_result: object) -> None:
            if app is not None:
                app.quit()
        self.worker.submit(functools.partial(ctx.vault.close, "logout"), closed, closed)

    def dispose(self) -> None:
        """Close everything (used at shutdown and by tests)."""
        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            ctx.stop_listening()
            self.worker.call(functools.partial(ctx.vault.close, "logout"))
        self.disposed = True
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            app.removeEventFilter(self.lock_keys)
            clipboard.uninstall(app)
        self.idle.stop()
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None
        self.worker.shutdown()


def server_status(window: QMainWindow, reachable: bool) -> None:
    """Say at once, in the status line, when the studio server stops answering (and when
    it answers again); open forms keep their text meanwhile."""
    if not shiboken6.isValid(window):  # heard after the window closed
        return
    if not reachable:
        window.statusBar().showMessage(QCoreApplication.translate(
            "Controller", "The studio server cannot be reached. Open forms keep what you "
            "typed; a form whose save fails is kept encrypted on this computer and saved "
            "when the server is back, even after a lock or a restart."))
    else:
        window.statusBar().showMessage(QCoreApplication.translate(
            "Controller", "The studio server is reachable again."), 10_000)
