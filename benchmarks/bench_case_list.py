#!/usr/bin/env python3
"""The case list at 10,000 cases: the service query (on the database thread) and the table
model filling its first page (on the UI thread), encrypted vs plain SQLite in the same run;
the screen shows the newest page (find(limit=200)) first and the rest as it arrives.

    .venv/bin/python benchmarks/bench_case_list.py [--cases 10000] [--runs 15]

Target (DESIGN): the list of 10,000 cases shown in ≤ 200 ms. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import OUT, open_db  # noqa: E402
from xinhe.records import vocab  # noqa: E402
from xinhe.records.cases import CaseService  # noqa: E402
from xinhe.records.db import PAGE_CACHE_KIB  # noqa: E402
from xinhe.records.migrations import MIGRATIONS  # noqa: E402

KEY = bytes(range(32))


def build(path: Path, key: bytes | None, cases: int, memory_security: bool = True) -> Any:
    if path.exists():
        return open_db(path, key, memory_security)
    db = open_db(path, key, memory_security)
    rng = random.Random(7)
    with db.transaction():
        for migration in MIGRATIONS:
            for statement in migration.statements():
                db.execute(statement)
        now = datetime(2026, 6, 1, tzinfo=UTC)
        db.executemany("INSERT INTO users (id, username, display_name, role, created_at)"
                       " VALUES (?, ?, ?, ?, ?)",
                       [(i, f"user{i}", f"咨询师{i}", "counsellor" if i > 1 else "supervisor",
                         now.isoformat()) for i in range(1, 9)])
        communities = [c for cs in vocab.BAOAN_STREETS.values() for c in cs]
        clients, rows, followups, clocks = [], [], [], []
        for n in range(1, cases + 1):
            opened = now - timedelta(days=rng.randint(0, 900))
            clients.append((n, f"当事人{n}", f"当事人{n}", rng.choice(communities), 1,
                            opened.isoformat(), opened.isoformat()))
            status = rng.choice(("intake", "active", "active", "followup", "closed",
                                 "closed"))
            rows.append((n, f"XH-{opened.year}-{n:05d}", n, rng.choice(list(vocab.CATEGORIES)),
                         rng.choice(list(vocab.SOURCES)), status, opened.isoformat(),
                         rng.randint(2, 8), rng.choice((None, "low", "medium", "high")), 1,
                         opened.isoformat(), opened.isoformat()))
            for _ in range(rng.randint(0, 3)):
                due = opened + timedelta(days=rng.randint(1, 120))
                followups.append((n, due.isoformat(), rng.choice(("due", "done")), 1,
                                  opened.isoformat()))
            if rng.random() < 0.05:
                clocks.append((n, "warning_followup", opened.isoformat(),
                               (opened + timedelta(days=7)).isoformat(), 1,
                               opened.isoformat()))
        db.executemany("INSERT INTO clients (id, name, name_key, community, created_by,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", clients)
        db.executemany("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                       " opened_at, counsellor_id, risk_level, created_by, created_at,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO followups (case_id, due_at, status, created_by,"
                       " created_at) VALUES (?, ?, ?, ?, ?)", followups)
        db.executemany("INSERT INTO clocks (case_id, kind, started_at, due_at, created_by,"
                       " created_at) VALUES (?, ?, ?, ?, ?, ?)", clocks)
        db.execute(f"PRAGMA user_version = {MIGRATIONS[-1].version}")
    return db


def vault_like(db: Any, role: str, user_id: int) -> Any:
    """What CaseService.find needs of a vault: the connection, the actor and the time."""
    actor = SimpleNamespace(role=role, user_id=user_id, username=f"user{user_id}")
    return SimpleNamespace(db=db, actor=actor, now=lambda: datetime(2026, 6, 1, tzinfo=UTC))


def timed(work: Any, runs: int) -> tuple[float, float, Any]:
    times, result = [], None
    work()  # warm the cache
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], result


def rss_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cache-mib", type=int, help="page cache instead of the app's "
                        "(records/db.py PAGE_CACHE_KIB), on every connection measured")
    parser.add_argument("--as-opened", action="store_true",
                        help="only plain and the vault as the app opens it (no memory security)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    from PySide6.QtWidgets import QApplication

    from xinhe.ui.models.cases_model import PAGE, CaseTableModel

    app = QApplication.instance() or QApplication([])
    enc = build(OUT / f"cases-{args.cases}-enc.db", KEY, args.cases)
    databases = {} if args.as_opened else {"encrypted (memory security ON)": enc}
    databases["plain SQLite"] = build(OUT / f"cases-{args.cases}-plain.db", None, args.cases)
    databases["encrypted (memory security OFF, as the app opens it)"] = open_db(
        OUT / f"cases-{args.cases}-enc.db", KEY, memory_security=False)
    cache_kib = args.cache_mib * 1024 if args.cache_mib is not None else PAGE_CACHE_KIB
    for db in databases.values():
        db.execute(f"PRAGMA cache_size = -{cache_kib}")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} (1 min) at the start; "
          f"page cache {cache_kib // 1024} MiB per connection\n")
    print(f"| {args.cases:,} cases | query (supervisor, all) | query (counsellor, own) |"
          " query, newest page (supervisor) | model fill (first page) |"
          " first screen (page query + fill) |")
    print("|---|---|---|---|---|---|")
    baseline = None
    for name, db in databases.items():
        sup = CaseService(vault_like(db, "supervisor", 1))
        own = CaseService(vault_like(db, "counsellor", 3))
        q_med, q_p95, rows = timed(lambda s=sup: s.find(), args.runs)
        c_med, c_p95, _ = timed(lambda s=own: s.find(), args.runs)
        f_med, f_p95, _ = timed(lambda s=sup: s.find(limit=PAGE), args.runs)
        model = CaseTableModel()

        def fill(rows: list[Any] = rows, model: Any = model) -> None:
            model.set_rows(rows)  # filtered, and the first page formatted for the view
            model.rowCount()
        m_med, m_p95, _ = timed(fill, args.runs)
        total = f_med + m_med
        baseline = baseline or (total if name == "plain SQLite" else None)
        print(f"| {name} | {q_med:.1f} / {q_p95:.1f} ms | {c_med:.1f} / {c_p95:.1f} ms |"
              f" {f_med:.1f} / {f_p95:.1f} ms | {m_med:.1f} / {m_p95:.1f} ms |"
              f" **{total:.0f} ms** |")
    del app
    print("\nmedian / p95 over", args.runs, "runs, warm cache; target ≤ 200 ms shown. "
          f"Load {os.getloadavg()[0]:.2f} at the end; VmRSS {rss_mb():.0f} MB "
          f"(peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
