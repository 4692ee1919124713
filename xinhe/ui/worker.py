"""The one thread that owns the vault's database connection.

Every service call runs here, off the UI thread; results come back to the UI thread
through a queued signal (the pattern of Anki's QueryOp and Picard's run_task).
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from xinhe.ui.changes import Change

log = logging.getLogger(__name__)


FULL_EVERY = 30.0  # seconds between full (generation 2) collections at most


class _UiThreadCollector(QObject):
    """Python's cycle collector, run only on the UI thread.

    Left automatic, the collector runs in whichever thread happens to allocate, so the
    database thread could end up destroying a window or dialog that was caught in a
    reference cycle; Qt crashes the whole app when that happens (seen as a segfault).
    While this object lives, automatic collection is off and the same generational
    thresholds are checked here, on the UI thread, several times a second."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()
        self._last_full = time.monotonic()
        gc.disable()
        self.destroyed.connect(lambda *_: gc.enable())

    @Slot()
    def collect_due(self) -> None:
        limits, counts = gc.get_threshold(), gc.get_count()
        due = [gen for gen in range(3) if counts[gen] > limits[gen]]
        if not due:
            return
        generation = max(due)
        now = time.monotonic()
        # CPython's own collector takes the oldest generation only when what waits for it
        # is a quarter of what is there; gc.collect(2) has no such rule, so a full pass
        # came every tenth gen-1 pass and took 50-100 ms of the UI thread on a 10,000-case
        # session. Here it comes at most every FULL_EVERY seconds.
        if generation == 2 and now - self._last_full < FULL_EVERY:
            generation = 1
        if generation == 2:
            self._last_full = now
        gc.collect(generation)


_collector: _UiThreadCollector | None = None


def collect_garbage_on_ui_thread() -> None:
    """Install the UI-thread collector once per application (called on the UI thread)."""
    global _collector
    app = QCoreApplication.instance()
    if app is None or (_collector is not None and shiboken6.isValid(_collector)):
        return
    _collector = _UiThreadCollector(app)


def describe_failure(exc: BaseException) -> str:
    """What may be logged about an unexpected error: its type and where it happened.
    Never its message, which could quote client text."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = "; ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[-4:])
    return f"{type(exc).__name__} at {where}"


class DbWorker(QObject):
    """A single-thread executor with results delivered on the UI thread."""

    _delivered = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_on_ui_thread()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xinhe-db")
        self._pending = 0
        self._delivered.connect(self._deliver)
        self.thread_id: int = self._executor.submit(threading.get_ident).result()

    def submit(self, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Future[None]:
        """Run `work()` on the database thread; then `on_done(result)` or `on_error(exc)`
        on the UI thread."""
        self._set_pending(+1)

        def job() -> None:
            try:
                result = work()
            except BaseException as exc:  # handed to the UI thread, never swallowed
                self._delivered.emit((on_error, exc, True))
            else:
                self._delivered.emit((on_done, result, False))
        return self._executor.submit(job)

    def call(self, work: Callable[[], Any]) -> Any:
        """Run `work()` on the database thread and wait for it (shutdown and tests only)."""
        return self._executor.submit(work).result()

    @Slot(object)
    def _deliver(self, item: tuple[Callable[[Any], None] | None, Any, bool]) -> None:
        callback, value, failed = item
        self._set_pending(-1)
        if callback is not None:
            callback(value)
        elif failed:
            log.error("unhandled failure in a database job: %s", describe_failure(value))

    def _set_pending(self, delta: int) -> None:
        before = self._pending
        self._pending += delta
        if (before == 0) != (self._pending == 0):
            self.busy_changed.emit(self._pending > 0)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


class ChangeRelay(QObject):
    """Other workstations' saves, heard by the studio server's change listener on its own
    thread, as the one "records changed" signal on the UI thread (kinds as the screens
    know them, plus "remote"); a burst of notifications from one save is one refresh."""

    changed = Signal(object)
    reachable = Signal(bool)  # on the UI thread, when it changes after the first connect
    _heard = Signal(str)
    _reach = Signal(bool)

    COALESCE_MS = 100

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set[Change] = set()
        self._listener: Any = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(self.COALESCE_MS)
        self._flush.timeout.connect(self._emit_pending)
        self._heard.connect(self._collect)
        self._reach.connect(self._reach_changed)
        self._was_reachable: bool | None = None

    def start(self, session: Any) -> None:
        """Listen for the signed-in server session's studio (`session.change_listener`)."""
        self._listener = session.change_listener(lambda change: self._heard.emit(change.kind),
                                                 self._reach.emit)
        self._listener.start()

    @Slot(bool)
    def _reach_changed(self, reachable: bool) -> None:
        before, self._was_reachable = self._was_reachable, reachable
        if before is not None or not reachable:
            self.reachable.emit(reachable)

    @Slot(str)
    def _collect(self, kind: str) -> None:
        # A table no screen shows by kind still refreshes the views (as Change.REMOTE).
        if kind in Change._value2member_map_:
            self._pending.add(Change(kind))
        if not self._flush.isActive():
            self._flush.start()

    @Slot()
    def _emit_pending(self) -> None:
        kinds, self._pending = frozenset(self._pending | {Change.REMOTE}), set()
        self.changed.emit(kinds)

    def stop(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            listener.stop()
