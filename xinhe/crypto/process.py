"""Keep this process's memory out of crash dumps: no core files, and on Linux not dumpable
(no core, and other processes of the same user may not ptrace or read /proc/PID/mem).

Used instead of SQLCipher's cipher_memory_security, which wiped every freed allocation at
a cost the speed targets could not carry (BENCHMARKS.md)."""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2


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


def limit_malloc_arenas() -> bool:
    """Linux (glibc): at most MALLOC_ARENAS malloc arenas for the whole process. By default
    every thread that allocates (the database thread, the keyring look-up, Qt's own) may
    get an arena of its own, each keeping what was freed in it: on the 10,000-case
    benchmark the app held ~370 MB after every screen, ~265 MB with two arenas
    (BENCHMARKS.md). Call before other threads start. Returns whether it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (e.g. musl), which has no per-thread arenas to limit
        return False
    return bool(libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS))
