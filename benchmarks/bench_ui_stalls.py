#!/usr/bin/env python3
"""UI-thread stalls in a scripted session on a 10,000-case vault (issue 15).

    .venv/bin/python benchmarks/bench_ui_stalls.py [--cases 10000] [--rebuild]

A probe on the UI thread (a QTimer ticking every 10 ms) records every gap between ticks
and the UI thread's own CPU time in it (time.thread_time, sampled on the UI thread), so a
gap spent waiting for the GIL or the machine is told apart from one spent computing. The
real app (AppController, MainWindow, offscreen) is driven through: sign in as the
supervisor, open each screen, type a search, type in the case list's filter, open a case
with 300 sessions, a year's statistics, export and sign a referral, an automatic backup.
Every gap over 50 ms is reported with the action it fell in; target: none over 100 ms.

The vault is the demo vault (its users, signing identity and referrals) with cases added
by bulk SQL up to --cases, and one case given 300 sessions; it is cached in
benchmarks/out/ between runs.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.common import OUT  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.records.demo import DEMO_USERS  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

BIG_CASE_SESSIONS = 300
SUPERVISOR = next(u for u in DEMO_USERS if u[0] == "supervisor")
ADMIN = DEMO_USERS[0]


def build_vault(path: Path, cases: int) -> None:
    """The demo vault, then bulk rows: clients and cases up to `cases`, each with a
    follow-up or two and some sessions copied from the demo's own, and 300 on one case."""
    from xinhe.export.demo import create_full_demo
    from xinhe.records import vocab

    if path.exists():
        shutil.rmtree(path)
    began = time.perf_counter()
    folder = VaultFolder(path, DeviceBinding.off("benchmark"))
    create_full_demo(folder)
    vault = folder.unlock(ADMIN[1], ADMIN[3])
    db, rng = vault.db, random.Random(15)
    now = datetime.now(UTC)
    with db.transaction():
        template = db.one("SELECT * FROM sessions WHERE signed_at IS NOT NULL ORDER BY id"
                          " LIMIT 1")
        columns = [c for c in template.keys() if c not in ("id", "case_id", "started_at")]  # noqa: SIM118
        big = db.scalar("SELECT max(id) FROM cases")
        start = datetime.fromisoformat(db.scalar("SELECT min(started_at) FROM sessions"))
        insert_session = (f"INSERT INTO sessions (case_id, started_at, {', '.join(columns)})"
                          f" VALUES (?, ?, {', '.join('?' * len(columns))})")
        db.executemany(insert_session, [
            (big, (start + timedelta(hours=20 * n)).isoformat(), *[template[c] for c in columns])
            for n in range(BIG_CASE_SESSIONS)])
        users = [r["id"] for r in db.all("SELECT id FROM users WHERE role = 'counsellor'")]
        communities = [c for cs in vocab.BAOAN_STREETS.values() for c in cs]
        first = int(db.scalar("SELECT max(id) FROM clients")) + 1
        clients, rows, followups, sessions = [], [], [], []
        for n in range(first, first + cases - int(db.scalar("SELECT count(*) FROM cases"))):
            opened = now - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
            clients.append((n, f"当事人{n}", f"当事人{n}", rng.choice(communities), 1,
                            opened.isoformat(), opened.isoformat()))
            status = rng.choice(("intake", "active", "active", "followup", "closed", "closed"))
            rows.append((n, f"XH-{opened.year}-B{n:05d}", n, rng.choice(list(vocab.CATEGORIES)),
                         rng.choice(list(vocab.SOURCES)), status, opened.isoformat(),
                         rng.choice(users), rng.choice((None, "low", "medium", "high")), 1,
                         opened.isoformat(), opened.isoformat()))
            for _ in range(rng.randint(0, 2)):
                due = opened + timedelta(days=rng.randint(1, 120))
                followups.append((n, due.isoformat(), rng.choice(("due", "done")), 1,
                                  opened.isoformat()))
            for _ in range(rng.randint(0, 3)):
                when = opened + timedelta(days=rng.randint(0, 60))
                sessions.append((n, min(when, now).isoformat(), *[template[c] for c in columns]))
        db.executemany("INSERT INTO clients (id, name, name_key, community, created_by,"
                       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", clients)
        db.executemany("INSERT INTO cases (id, case_no, client_id, category, source, status,"
                       " opened_at, counsellor_id, risk_level, created_by, created_at,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO followups (case_id, due_at, status, created_by,"
                       " created_at) VALUES (?, ?, ?, ?, ?)", followups)
        db.executemany(insert_session, sessions)
    vault.close("logout")
    (path / "bench-built").write_text(f"{cases} {big} {time.perf_counter() - began:.0f}")


class StallProbe:
    """Ticks every 10 ms on the UI thread; a late tick is a stall of the UI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.action = "start"
        self.gaps: list[tuple[str, float, float]] = []
        self.worst: dict[str, float] = {}
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = (now - self.last) * 1000
        self.worst[self.action] = max(self.worst.get(self.action, 0.0), gap)
        if gap > 50:
            self.gaps.append((self.action, gap, (cpu - self.last_cpu) * 1000))
        self.last, self.last_cpu = now, cpu

    def doing(self, action: str) -> None:
        self.action = action


def settle(until: Callable[[], bool], app: Any, timeout: float = 60.0,
           quiet: float = 0.4) -> None:
    """Let the event loop run until `until()` holds, then `quiet` seconds more (paints)."""
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout
    while not until():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not finish the step")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        time.sleep(0.002)
    end = time.perf_counter() + quiet
    while time.perf_counter() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        time.sleep(0.002)


def rss_mb() -> tuple[float, float]:
    """(current VmRSS, peak) in MB."""
    current = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def session(folder: VaultFolder, big_case: int) -> tuple[StallProbe, dict[str, float]]:
    from PySide6.QtWidgets import QApplication

    from xinhe.records.backup import make_backup
    from xinhe.ui import i18n, style
    from xinhe.ui.controller import AppController
    from xinhe.ui.main_window import MainWindow
    from xinhe.ui.operations import referrals as referral_ops
    from xinhe.ui.prefs import Prefs
    from xinhe.ui.search_box import SearchBox

    app = QApplication.instance() or QApplication([])
    i18n.install("zh_CN")
    style.apply(app)
    probe = StallProbe()
    memory: dict[str, float] = {}
    controller = AppController(folder, Prefs())
    controller.start()
    idle = lambda: not controller.worker.busy  # noqa: E731
    settle(idle, app)

    probe.doing("sign in")
    window = controller.window
    window.user.setCurrentText(SUPERVISOR[1])  # type: ignore[union-attr]
    window.password.setText(SUPERVISOR[3])  # type: ignore[union-attr]
    window.unlock_button.click()  # type: ignore[union-attr]
    settle(lambda: isinstance(controller.window, MainWindow) and idle(), app)
    main = controller.window
    assert isinstance(main, MainWindow)
    for row, key in enumerate(main.section_keys()):
        probe.doing(f"open {key}")
        main.nav.setCurrentRow(row)  # as a click in the section list does
        settle(lambda k=key: k in main._built and idle(), app)  # type: ignore[misc]
    memory["after every screen"] = rss_mb()[0]

    probe.doing("type a search (家暴 热线)")
    box = main.findChild(SearchBox)
    assert box is not None
    for text in ("家", "家暴", "家暴 ", "家暴 热", "家暴 热线"):
        box.setText(text)
        settle(lambda: not box.timer.isActive() and idle(), app, quiet=0.15)
    box.popup.hide()

    cases = main.show_section("cases")
    panel = cases.list_panel  # type: ignore[union-attr]
    probe.doing("type in the case list filter")
    for text in ("当", "当事", "当事人", "当事人1", "当事人12"):
        panel.search.setText(text)
        settle(idle, app, quiet=0.1)
    panel.search.clear()
    probe.doing("scroll the case list")
    for _ in range(5):
        panel.table.scrollToBottom()
        settle(idle, app, quiet=0.1)

    probe.doing(f"open a case with {BIG_CASE_SESSIONS} sessions")
    view = main.open_case(big_case)
    settle(lambda: getattr(view, "data", None) is not None and idle(), app)

    probe.doing("statistics, a year")
    stats = main.show_section("statistics")
    today = date.today()
    stats.set_period(today.replace(year=today.year - 1) + timedelta(days=1), today)  # type: ignore[union-attr]
    settle(lambda: idle() and not stats._timer.isActive(), app, quiet=0.6)  # type: ignore[union-attr]
    memory["after case list and statistics"] = rss_mb()[0]

    probe.doing("export and sign a referral")
    ctx = controller.ctx
    assert ctx is not None
    drafts = controller.worker.call(lambda: ctx.services.referrals.find(status="draft"))
    finished: list[object] = []
    referral_ops.sign_and_deliver(ctx=ctx, referral_id=drafts[0].id,
                                  steps=referral_ops.StepSignal(), parent=main,
                                  on_done=finished.append, on_failure=finished.append)
    settle(lambda: bool(finished) and idle(), app)
    if isinstance(finished[0], BaseException):
        raise finished[0]

    probe.doing("back up (automatic, on lock)")
    dest = OUT / "ui-stalls-backup.xhbak"
    done: list[object] = []
    controller.worker.submit(lambda: make_backup(ctx.vault, dest, overwrite=True,
                                                 trigger="lock"), done.append, done.append)
    settle(lambda: bool(done) and idle(), app)
    if isinstance(done[0], BaseException):
        raise done[0]
    dest.unlink(missing_ok=True)
    probe.doing("end")
    probe.timer.stop()
    memory["peak"] = rss_mb()[1]
    controller.dispose()
    return probe, memory


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true")

    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"ui-stalls-{args.cases}"
    marker = path / "bench-built"
    if args.rebuild or not marker.exists():
        print(f"building the {args.cases:,}-case vault in {path} …", flush=True)
        build_vault(path, args.cases)
    cases, big_case, build_s = marker.read_text().split()
    folder = VaultFolder(path, DeviceBinding.off("benchmark"))
    load_before = os.getloadavg()
    probe, memory = session(folder, int(big_case))
    load_after = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) before "
          f"{'/'.join(f'{x:.2f}' for x in load_before)}, after "
          f"{'/'.join(f'{x:.2f}' for x in load_after)}; vault {int(cases):,} cases "
          f"(built in {build_s} s, cached)\n")
    print("| action | worst gap (ms) | gaps > 50 ms: wall / UI-thread CPU (ms) |")
    print("|---|---:|---|")
    for action, worst in probe.worst.items():
        gaps = [f"{g:.0f} / {c:.0f}" for a, g, c in probe.gaps if a == action]
        mark = " ✗" if worst > 100 else ""
        print(f"| {action} | {worst:.0f}{mark} | {', '.join(gaps) or '—'} |")
    over = [g for g in probe.gaps if g[1] > 100 and g[0] != "start"]
    print(f"\ngaps over 100 ms: {len(over)} (target: none)")
    print("memory (VmRSS): " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items())
          + " (target ≤ 250 MB steady)")
    sys.stdout.flush()
    os._exit(0)  # PySide6 can crash while collecting Qt objects at interpreter exit


if __name__ == "__main__":
    sys.exit(main())
