"""Keep this process's memory out of crash dumps: no core files, and on Linux not dumpable
(no core, and other processes of the same user may not ptrace or read /proc/PID/mem).

Used instead of SQLCipher's cipher_memory_security, which wiped every freed allocation at
a cost the speed targets could not carry (BENCHMARKS.md)."""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def harden_process() -> list[str]:
    """Apply what the platform allows; returns the protections now in force."""
    done = []
    if sys.platform != "win32":  # Windows writes no core files unless asked to (WER)
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            done.append("no core dumps")
        except (ValueError, OSError):
            pass
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
            done.append("not dumpable")
    return done


def is_dumpable() -> bool:
    """Linux: whether the kernel would write a core or let the same user attach to us."""
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))

