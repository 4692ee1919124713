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

Then, as a user would go on: export the year's figures as CSV, sign and deliver a referral
with the referral list (600 referrals) on screen, lock (with the automatic backup),
switch the unlock window's language, unlock as a counsellor and open every screen again,
open a case by double-click in the list, write and save a session note.

The vault is the demo vault (its users, signing identity and referrals) with cases added
by bulk SQL up to --cases, 600 referrals and one case given 300 sessions; it is cached in
benchmarks/out/ between runs. --profile ACTION prints what the UI thread ran in it.
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
COUNSELLOR = next(u for u in DEMO_USERS if u[0] == "counsellor")
REFERRALS = 600  # a studio's few years of referrals, most delivered with their signed PDF


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
        add_referrals(db, rng, list(range(first, first + len(rows))), now)
    vault.close("logout")
    (path / "bench-built").write_text(f"{cases} {big} {time.perf_counter() - began:.0f}")


def add_referrals(db: Any, rng: random.Random, case_ids: list[int], now: datetime) -> None:
    """Copies of the demo's referrals on bulk cases up to REFERRALS: a few drafts and
    signed ones, most delivered or acknowledged, each of those with its signed PDF."""
    templates = {r["status"]: r for r in db.all("SELECT * FROM referrals")}
    columns = [c for c in templates["delivered"].keys()  # noqa: SIM118
               if c not in ("id", "case_id", "referral_no", "created_at")]
    have = int(db.scalar("SELECT count(*) FROM referrals"))
    plan = ["draft"] * 30 + ["signed"] * 30 + ["acknowledged"] * 80
    plan += ["delivered"] * (REFERRALS - have - len(plan))
    rows = []
    for n, status in enumerate(plan):
        values = dict(templates["delivered" if status == "signed" else status])
        if status == "signed":
            values.update(status="signed", delivered_at=None, delivered_to=None)
        created = now - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440))
        rows.append((rng.choice(case_ids), f"ZJ-{created.year}-B{n:04d}", created.isoformat(),
                     *[values[c] for c in columns]))
    db.executemany(f"INSERT INTO referrals (case_id, referral_no, created_at,"
                   f" {', '.join(columns)}) VALUES (?, ?, ?, {', '.join('?' * len(columns))})",
                   rows)


class StallProbe:
    """Ticks every 10 ms on the UI thread; a late tick is a stall of the UI thread."""

    def __init__(self, profile: str = "") -> None:
        from PySide6.QtCore import QTimer

        self.profile_action, self.profiler = profile, None
        self.profiles: dict[str, Any] = {}
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
        import cProfile

        if self.profiler is not None:
            self.profiler.disable()
            self.profiler = None
        if any(p and p in action for p in self.profile_action.split(",")):
            self.profiler = self.profiles.setdefault(action, cProfile.Profile())
            self.profiler.enable()  # the UI thread only: cProfile follows one thread
        self.action = action

    def report_profile(self, lines: int = 40) -> None:
        """What the UI thread ran during each profiled action, most cumulative time first."""
        import pstats

        for action, profile in self.profiles.items():
            print(f"\n## profile: {action}")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(lines)


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


def sign_in(probe: StallProbe, controller: Any, app: Any, user: tuple[str, ...],
            action: str) -> Any:
    """Type the login and password into the unlock window and wait for the main window."""
    from xinhe.ui.main_window import MainWindow

    probe.doing(action)
    window = controller.window
    window.user.setCurrentText(user[1])
    window.password.setText(user[3])
    window.unlock_button.click()
    settle(lambda: isinstance(controller.window, MainWindow) and not controller.worker.busy,
           app)
    return controller.window


def open_sections(probe: StallProbe, main: Any, app: Any, idle: Callable[[], bool],
                  suffix: str = "") -> None:
    for row, key in enumerate(main.section_keys()):
        probe.doing(f"open {key}{suffix}")
        main.nav.setCurrentRow(row)  # as a click in the section list does
        settle(lambda k=key: k in main._built and idle(), app)


def session(folder: VaultFolder, big_case: int,
            profile: str = "") -> tuple[StallProbe, dict[str, float]]:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from xinhe.records.backup import make_backup
    from xinhe.ui import i18n, style
    from xinhe.ui.controller import AppController
    from xinhe.ui.operations import referrals as referral_ops
    from xinhe.ui.operations import statistics as stats_ops
    from xinhe.ui.prefs import Prefs
    from xinhe.ui.search_box import SearchBox
    from xinhe.ui.unlock_window import UnlockWindow

    from xinhe.crypto.process import limit_malloc_arenas

    limit_malloc_arenas()  # as xinhe.app.main does before any thread starts
    app = QApplication.instance() or QApplication([])
    i18n.install("zh_CN")
    style.apply(app)
    probe = StallProbe(profile)
    memory: dict[str, float] = {}
    controller = AppController(folder, Prefs())
    controller.start()
    idle = lambda: not controller.worker.busy  # noqa: E731
    settle(idle, app)

    main = sign_in(probe, controller, app, SUPERVISOR, "sign in")
    open_sections(probe, main, app, idle)
    memory["after every screen"] = rss_mb()[0]

    probe.doing("type a search (家暴 热线)")
    box = main.findChild(SearchBox)
    assert box is not None
    for text in ("家", "家暴", "家暴 ", "家暴 热", "家暴 热线"):
        box.setText(text)
        settle(lambda: not box.timer.isActive() and idle(), app, quiet=0.15)
    box.popup.hide()

    cases = main.show_section("cases")
    panel = cases.list_panel
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
    stats.set_period(today.replace(year=today.year - 1) + timedelta(days=1), today)
    settle(lambda: idle() and not stats._timer.isActive(), app, quiet=0.6)
    memory["after case list and statistics"] = rss_mb()[0]

    probe.doing("statistics, export CSV")
    saved: list[object] = []
    stats_ops.export_csv(ctx=controller.ctx, parent=stats, report=stats.report,
                         path=OUT / "ui-stalls-stats.csv", lang="zh_CN",
                         on_done=saved.append, on_failure=saved.append)
    settle(lambda: bool(saved) and idle(), app)
    (OUT / "ui-stalls-stats.csv").unlink(missing_ok=True)

    main.show_section("referrals")  # the list is on screen while a referral is signed
    settle(idle, app)
    probe.doing("export and sign a referral")
    ctx = controller.ctx
    assert ctx is not None
    drafts = [d for d in controller.worker.call(lambda: ctx.services.referrals.find(
        status="draft")) if "-B" not in d.referral_no]  # the demo's: their consent is given
    finished: list[object] = []
    referral_ops.sign_and_deliver(ctx=ctx, referral_id=drafts[0].id,
                                  steps=referral_ops.StepSignal(), parent=main,
                                  on_done=finished.append, on_failure=finished.append)
    settle(lambda: bool(finished), app, quiet=0)
    if isinstance(finished[0], BaseException):
        raise finished[0]
    probe.doing("referral list after sign + deliver")
    settle(idle, app)

    probe.doing("back up (automatic, on lock)")
    dest = OUT / "ui-stalls-backup.xhbak"
    done: list[object] = []
    controller.worker.submit(lambda: make_backup(ctx.vault, dest, overwrite=True,
                                                 trigger="lock"), done.append, done.append)
    settle(lambda: bool(done) and idle(), app)
    if isinstance(done[0], BaseException):
        raise done[0]
    dest.unlink(missing_ok=True)

    probe.doing("lock")
    controller.lock("lock")
    settle(lambda: isinstance(controller.window, UnlockWindow) and idle(), app)
    probe.doing("switch language (unlock window)")
    for code in ("en", "zh_CN"):
        language = controller.window.language
        language.setCurrentIndex(language.findData(code))
        settle(idle, app, quiet=0.2)

    main = sign_in(probe, controller, app, COUNSELLOR, "unlock as a counsellor")
    open_sections(probe, main, app, idle, " (counsellor)")
    cases = main.show_section("cases")
    panel = cases.list_panel
    settle(idle, app)
    probe.doing("open a case by double-click in the list")
    table = panel.table
    rect = table.visualRect(table.model().index(2, 1))
    for click in (QTest.mouseClick, QTest.mouseDClick):  # Qt's double click follows a click
        click(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
              rect.center())
    settle(lambda: cases.tabs.count() > 1, app, quiet=0)
    view = cases.tabs.currentWidget()
    settle(lambda: getattr(view, "data", None) is not None and idle(), app)

    probe.doing("write and save a session note")
    from xinhe.ui.case_actions import new_session
    from xinhe.ui.dialogs.records import SessionDialog

    new_session(view)
    settle(lambda: main.findChild(SessionDialog) is not None and idle(), app, quiet=0.2)
    dialog = main.findChild(SessionDialog)
    edit = dialog.form.inputs["data"].edit
    edit.setFocus()
    for char in "当事人说这周对方没有再动手，孩子已回到学校。":  # as an input method commits
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                   char))
        settle(idle, app, quiet=0.03)
    notes: list[object] = []
    dialog.saved.connect(notes.append)
    dialog.submit(final=False)
    settle(lambda: bool(notes) and idle(), app)
    dialog.close()
    settle(idle, app, quiet=0.2)

    probe.doing("end")
    probe.timer.stop()
    probe.doing("")
    memory["peak"] = rss_mb()[1]
    controller.dispose()
    return probe, memory


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--profile-lines", type=int, default=40, metavar="N",
                        help="functions listed for each profiled action")
    parser.add_argument("--profile", metavar="ACTION", default="",
                        help="cProfile the UI thread during the actions naming ACTION "
                        "(several: comma-separated)")

    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"ui-stalls-{args.cases}"
    marker = path / "bench-built"
    if args.rebuild or not marker.exists():
        print(f"building the {args.cases:,}-case vault in {path} …", flush=True)
        build_vault(path, args.cases)
    cases, big_case, build_s = marker.read_text().split()
    work = OUT / f"ui-stalls-{args.cases}-run"  # the session signs and writes: a fresh copy
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(path, work)
    folder = VaultFolder(work, DeviceBinding.off("benchmark"))
    load_before = os.getloadavg()
    probe, memory = session(folder, int(big_case), args.profile)
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
    probe.report_profile(args.profile_lines)
    sys.stdout.flush()
    os._exit(0)  # PySide6 can crash while collecting Qt objects at interpreter exit


if __name__ == "__main__":
    sys.exit(main())
