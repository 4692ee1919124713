"""One vault operation in a child process that kills itself with SIGKILL at step N.

    python tests/crash_child.py backup VAULT DEST
    python tests/crash_child.py restore BACKUP TARGET     (recovery key on stdin)
    python tests/crash_child.py rekey VAULT

XINHE_CRASH_AT=N kills at step N (0: never; the step count is then printed). A step is
a file operation made from Python (write, fsync, rename, replace, unlink, mkdir, rmdir)
or 200 instructions of SQLite's virtual machine (a progress handler on every
connection), so a kill can land inside SQLCipher's export and its checks too.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402

CRASH_AT = int(os.environ.get("XINHE_CRASH_AT", "0"))
ADMIN_PASSWORD = "admin-pass-1"
_steps = 0
_armed = False  # steps count from the start of the operation itself, not the unlock


def step() -> None:
    global _steps
    if not _armed:
        return
    _steps += 1
    if _steps == CRASH_AT:
        os.kill(os.getpid(), signal.SIGKILL)


def _counted(fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        step()
        return fn(*args, **kwargs)
    return wrapper


for _name in ("write", "fsync", "rename", "replace", "unlink", "mkdir", "rmdir"):
    setattr(os, _name, _counted(getattr(os, _name)))

_connect = sqlcipher3.connect


def _connect_counted(*args: Any, **kwargs: Any) -> Any:
    conn = _connect(*args, **kwargs)

    def progress() -> int:
        step()
        return 0
    conn.set_progress_handler(progress, 200)
    return conn


sqlcipher3.connect = _connect_counted


def arm() -> None:
    global _armed
    _armed = True


def main(op: str, *paths: str) -> None:
    from xinhe.crypto.binding import DeviceBinding
    from xinhe.records import backup, restore
    from xinhe.records.vault import VaultFolder

    off = DeviceBinding.off("crash test")
    if op == "backup":
        vault = VaultFolder(Path(paths[0]), off).unlock("admin", ADMIN_PASSWORD)
        arm()
        backup.make_backup(vault, Path(paths[1]))
        vault.close()
    elif op == "restore":
        key = sys.stdin.readline().strip()
        arm()
        restore.restore_backup(Path(paths[0]), key, Path(paths[1]), off, replace=True)
    elif op == "rekey":
        vault = VaultFolder(Path(paths[0]), off).unlock("admin", ADMIN_PASSWORD)
        arm()
        vault.rekey()
        vault.close()
    else:
        raise SystemExit(f"unknown operation {op}")
    print(_steps)


if __name__ == "__main__":
    main(sys.argv[1], *sys.argv[2:])
