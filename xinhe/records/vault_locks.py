"""OS file locks that let several processes (the app, a backup, the CLI) share one vault.

- `keyslots.lock`: one writer at a time on keyslots.json. Held only for a read, a change
  and an atomic write, never across a KDF.
- `session-<id>.lock`: one per open vault, locked by its holder for the session's life.
  The OS drops the lock when a process dies, so a leftover file is told from a live one.
- `sessions.lock`: the gate. A session is registered under it; a re-key or a restore
  holds it while it checks that no other session is open and for as long as it works,
  so no session can open in the meantime.

Only exclusive locks are used: portalocker takes them on every platform without extras
(shared locks on Windows would need pywin32), and a session file per holder needs none.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from xinhe.errors import StorageError, VaultBusy, VaultInUse

SLOTS_LOCK = "keyslots.lock"
GATE = "sessions.lock"
SESSION_PREFIX = "session-"
LOCK_SUFFIX = ".lock"
SLOTS_WAIT = 15.0  # writers hold it for milliseconds; a pending-audit flush for a little more
UNLOCK_WAIT = 10.0  # how long an unlock waits for a re-key or restore to finish
GATE_TRY = 2.0  # a registering session holds the gate for milliseconds
_POLL = 0.02


def is_lock_file(name: str) -> bool:
    """Whether `name` is one of these lock files (empty; left behind on purpose)."""
    return name in (SLOTS_LOCK, GATE) or (name.startswith(SESSION_PREFIX)
                                          and name.endswith(LOCK_SUFFIX))


def _open(path: Path, *, create: bool = True) -> IO[bytes]:
    fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    return os.fdopen(fd, "r+b")


def _open_lock_file(path: Path) -> IO[bytes]:
    try:
        return _open(path)
    except OSError as exc:  # the folder went away or is not writable
        raise StorageError(f"{path.name}（{exc.strerror}）",
                           f"{path.name} ({exc.strerror})") from exc


def _try_lock(handle: IO[bytes]) -> bool:
    # Imported at the first lock: portalocker reads its package metadata (~20 ms), which
    # the unlock window does not need before it shows.
    import portalocker

    try:
        portalocker.lock(handle, portalocker.LockFlags.EXCLUSIVE |
                         portalocker.LockFlags.NON_BLOCKING)
    except portalocker.AlreadyLocked:
        return False
    return True


def _release(handle: IO[bytes]) -> None:
    import portalocker

    with contextlib.suppress(OSError, portalocker.LockException):
        portalocker.unlock(handle)
    handle.close()


def _still_at(handle: IO[bytes], path: Path) -> bool:
    """Whether the locked file is still the one at `path` (a restore moves folders)."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(handle.fileno())
    if not (here.st_ino and mine.st_ino):  # a file system without file ids
        return True
    return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)


def acquire(path: Path, wait: float) -> IO[bytes] | None:
    """Lock the file at `path` (created if need be), waiting up to `wait` seconds.
    Returns the locked handle, or None when another holder kept it that long."""
    deadline = time.monotonic() + wait
    while True:
        handle = _open_lock_file(path)
        if _try_lock(handle):
            if _still_at(handle, path):
                return handle
            _release(handle)
            continue
        handle.close()
        if time.monotonic() >= deadline:
            return None
        time.sleep(_POLL)


class FolderLock:
    """The keyslots.json writer lock of one vault folder; re-entrant within this process."""

    def __init__(self, path: Path, wait: float = SLOTS_WAIT) -> None:
        self.path = path
        self.wait = wait
        self._mutex = threading.RLock()
        self._depth = 0
        self._handle: IO[bytes] | None = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._mutex:
            if self._depth == 0:
                handle = acquire(self.path, self.wait)
                if handle is None:
                    raise VaultBusy()
                self._handle = handle
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._handle is not None:
                    _release(self._handle)
                    self._handle = None


def _others_open(folder: Path, own: Path | None) -> bool:
    """Whether a session other than `own` is open; leftovers of dead processes are removed."""
    for path in sorted(folder.glob(f"{SESSION_PREFIX}*{LOCK_SUFFIX}")):
        if own is not None and path == own:
            continue
        try:
            handle = _open(path, create=False)
        except FileNotFoundError:
            continue  # closed meanwhile
        except OSError:
            return True  # cannot tell: take it for open
        if not _try_lock(handle):
            handle.close()
            return True
        _release(handle)
        with contextlib.suppress(FileNotFoundError, PermissionError):
            path.unlink()
    return False


@contextlib.contextmanager
def exclusive(folder: Path, own: Path | None = None) -> Iterator[None]:
    """Hold the vault alone (a re-key, a restore): refuse at once with VaultInUse when
    another session is open; no session opens until the block ends."""
    gate = acquire(folder / GATE, GATE_TRY)
    if gate is None:
        raise VaultInUse()
    try:
        if _others_open(folder, own):
            raise VaultInUse()
        yield
    finally:
        _release(gate)


class SessionLock:
    """An open vault's mark in its folder; `close()` removes it."""

    def __init__(self, folder: Path, path: Path, handle: IO[bytes]) -> None:
        self.folder = folder
        self.path = path
        self._handle: IO[bytes] | None = handle
        self._exclusive = 0

    @classmethod
    def open(cls, folder: Path, wait: float = UNLOCK_WAIT) -> SessionLock:
        """Register a session, waiting up to `wait` seconds for a re-key or restore in
        progress (VaultBusy after that)."""
        gate = acquire(folder / GATE, wait)
        if gate is None:
            raise VaultBusy()
        try:
            path = folder / f"{SESSION_PREFIX}{uuid.uuid4().hex}{LOCK_SUFFIX}"
            handle = _open_lock_file(path)
            if not _try_lock(handle):  # a fresh random name: nobody else can hold it
                handle.close()
                raise VaultBusy()
        finally:
            _release(gate)
        return cls(folder, path, handle)

    @property
    def open_now(self) -> bool:
        return self._handle is not None

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """This session alone on the vault (re-entrant); VaultInUse if another is open."""
        if self._exclusive:
            self._exclusive += 1
            try:
                yield
            finally:
                self._exclusive -= 1
            return
        with exclusive(self.folder, self.path):
            self._exclusive = 1
            try:
                yield
            finally:
                self._exclusive = 0

    def close(self) -> None:
        if self._handle is None:
            return
        _release(self._handle)
        self._handle = None
        with contextlib.suppress(FileNotFoundError, PermissionError):
            self.path.unlink()
