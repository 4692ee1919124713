"""Memory the app keeps: at most two malloc arenas (glibc), and whole-file reads (the
daily integrity check, backups) done with a small page cache so that the vault's file does
not stay in memory afterwards (BENCHMARKS.md, memory on the 10,000-case vault)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xinhe.records.db import PAGE_CACHE_KIB, Database

THREADS = """
import sys, threading
from xinhe.crypto.process import limit_malloc_arenas
if sys.argv[1] == "limit":
    assert limit_malloc_arenas()
def work():
    for _ in range(200):
        junk = [bytearray(300) for _ in range(2000)]
        del junk
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
import ctypes
ctypes.CDLL("libc.so.6").malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


def test_the_desktop_app_keeps_to_two_malloc_arenas(tmp_path: Path) -> None:
    def arenas(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", THREADS, mode], capture_output=True,
                              text=True, check=True, cwd=Path(__file__).parent.parent,
                              env={**os.environ, "MALLOC_ARENA_MAX": ""})
        return done.stderr.count("Arena ")
    assert arenas("limit") <= 2
    assert arenas("default") > 2  # without it, eight busy threads get arenas of their own
    source = (Path(__file__).parent.parent / "xinhe" / "app.py").read_text()
    main = source[source.index("def main("):]
    assert main.index("limit_malloc_arenas()") < main.index("run_desktop")


def test_whole_file_reads_leave_the_page_cache_as_it_was(tmp_path: Path) -> None:
    db = Database(tmp_path / "vault.db", os.urandom(32))
    db.migrate()
    assert db.scalar("PRAGMA cache_size") == -PAGE_CACHE_KIB
    assert db.check_integrity().ok
    assert db.scalar("PRAGMA cache_size") == -PAGE_CACHE_KIB
    db.export_to(tmp_path / "copy.db", os.urandom(32))
    assert db.scalar("PRAGMA cache_size") == -PAGE_CACHE_KIB
    db.close()
