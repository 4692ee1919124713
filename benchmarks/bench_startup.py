#!/usr/bin/env python3
"""Cold start to the unlock window against a bare PySide6 window, measured in the same run
(runs interleaved, so both see the same machine load), and what the start imports.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--compare OLD_TREE]

Target (issue 15): the unlock window within 2x the bare window, and none of pyHanko,
reportlab, aiohttp, the CLI's command modules, QtCharts or QtPdf imported before it shows.
`--compare` runs another source tree's main.py in the same interleaving (e.g. the commit
before a change, from `git archive HEAD~1 xinhe main.py | tar -x -C /tmp/old`).
It also measures the UI thread while the keyring is looked up after the window shows: the
longest gap between 1 ms timer ticks (a GIL stall is felt while typing), with the search
and without it, and under a real gnome-keyring when dbus-run-session and it are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import OUT  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtCore import QTimer
app = QApplication(sys.argv[:1])
w = QWidget(); w.show()
QTimer.singleShot(0, lambda: (print("CPU", round(time.process_time() * 1000)),
                              print("READY", flush=True), app.quit()))
app.exec()
"""
HEAVY = ("pyhanko", "reportlab", "aiohttp", "PySide6.QtCharts", "PySide6.QtPdf",
         "xinhe.cli.accounts", "xinhe.cli.casework", "xinhe.cli.referrals",
         "xinhe.cli.signing", "xinhe.cli.stats", "xinhe.cli.maintenance", "xinhe.export")
# Needed to unlock, not to show the window (tests/test_startup_imports.py keeps them out).
UNLOCK_ONLY = ("sqlcipher3", "cryptography", "argon2", "keyring.backend", "jaraco",
               "secretstorage", "xinhe.records.db", "xinhe.records.backup",
               "xinhe.records.audit", "xinhe.records.accounts", "xinhe.records.restore.",
               "xinhe.records.vault_open", "xinhe.records.vault_session")

# The app as started from main.py; once its unlock window is up, a 1 ms timer on the UI
# thread for 1.5 s: the longest gap between ticks, and when the keyring note showed.
STALL = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
if sys.argv[3] == "no-search":
    from xinhe.crypto.binding import DeviceBinding
    DeviceBinding.from_system = classmethod(lambda cls: cls.off("benchmark"))
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
gaps, state = [], {"last": None, "note": None, "t0": 0.0}
def tick():
    now = time.perf_counter()
    if state["last"] is not None:
        gaps.append(now - state["last"])
    state["last"] = now
    note = [w.binding.text() for w in app.topLevelWidgets() if hasattr(w, "binding")]
    if state["note"] is None and any(note):
        state["note"] = now - state["t0"]
    if now - state["t0"] > 1.5:
        print("STALL", json.dumps({"gap": max(gaps), "note": state["note"]}), flush=True)
        app.quit()
def begin():
    state["t0"] = time.perf_counter()
    timer.start(1)
timer = QTimer()
timer.timeout.connect(tick)
QTimer.singleShot(0, begin)
from xinhe.app import main
main(["--vault", sys.argv[1]])
"""
KEYRING_SESSION = ("printf 'benchmark' | gnome-keyring-daemon --unlock --components=secrets "
                   ">/dev/null 2>&1; exec \"$@\"")


def until_ready(args: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall seconds to the first event-loop pass with the window shown, and the process's
    CPU seconds (every thread) by then, when it says (trees before the fifth pass do not)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    cpu = None
    for line in proc.stdout:
        if line.startswith("CPU "):
            cpu = int(line.split()[1]) / 1000
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            proc.wait(timeout=30)
            return elapsed, cpu
    raise RuntimeError("the app never showed its window")


def until_parsed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def import_profile(args: list[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(nesting depth, cumulative microseconds, module) of every import finished before the
    window was ready (-X importtime; what the keyring search loads after it is left out)."""
    out = subprocess.run([args[0], "-X", "importtime", *args[1:]], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         check=True).stdout
    rows = []
    for line in out.partition("\nREADY\n")[0].splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                depth = (len(name) - len(name.lstrip()) - 1) // 2
                rows.append((depth, int(cumulative), name.strip()))
    return rows


def stalls(python: str, vault: Path, env: dict[str, str], runs: int) -> None:
    """The UI thread's longest gap after the window shows, with and without the keyring
    search, alternating; and with a real Secret Service when one can be started here."""
    def once(mode: str, keyring: bool) -> dict[str, float]:
        args = [python, "-c", STALL, str(vault), str(ROOT), mode]
        run_env = {k: v for k, v in env.items() if k != "XINHE_STARTUP_PROBE"}  # stays open
        if keyring:
            home = Path(tempfile.mkdtemp())
            run_env = {**run_env, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
            args = ["dbus-run-session", "--", "sh", "-c", KEYRING_SESSION, "sh", *args]
        out = subprocess.run(args, env=run_env, cwd=ROOT, capture_output=True, text=True,
                             timeout=60).stdout
        line = next(x for x in out.splitlines() if x.startswith("STALL "))
        result: dict[str, float] = json.loads(line[6:])
        return result
    sessions = [False]
    if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"):
        sessions.append(True)
    for keyring in sessions:
        found: dict[str, list[dict[str, float]]] = {"search": [], "no-search": []}
        for _ in range(runs):
            for mode in found:
                found[mode].append(once(mode, keyring))
        where = "gnome-keyring on a session bus" if keyring else "this environment's keyring"
        search = found["search"]
        print(f"UI thread after the window shows ({where}, load {os.getloadavg()[0]:.1f}): "
              f"longest gap with the keyring search "
              f"{statistics.median(r['gap'] for r in search) * 1000:.0f} ms median, "
              f"{max(r['gap'] for r in search) * 1000:.0f} ms worst; without it "
              f"{statistics.median(r['gap'] for r in found['no-search']) * 1000:.0f} / "
              f"{max(r['gap'] for r in found['no-search']) * 1000:.0f} ms; binding note shown "
              f"{statistics.median(r['note'] or 0 for r in search) * 1000:.0f} ms after it")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, help="another source tree to run interleaved")
    parser.add_argument("--stall-runs", type=int, default=5)
    args = parser.parse_args()
    folder = VaultFolder(Path(tempfile.mkdtemp()) / "v", DeviceBinding.off("benchmark"),
                         kdf=KdfParams.cheap_for_tests())
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    # As installed: byte code cached (a private cache, so the source tree stays clean).
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "XINHE_STARTUP_PROBE": "1", "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    app_args = [python, str(ROOT / "main.py"), "--vault", str(folder.path)]
    until_ready([python, "-c", BARE], env)  # warm-up: writes the byte-code cache
    until_ready(app_args, env)
    starts = {"bare PySide6 window (baseline)": [python, "-c", BARE], "unlock window": app_args}
    if args.compare:
        old = args.compare.resolve()
        starts["unlock window, --compare tree"] = [python, str(old / "main.py"), "--vault",
                                                   str(folder.path)]
        until_ready(starts["unlock window, --compare tree"], env)
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {name: [] for name in starts}
    cpus: dict[str, list[float]] = {name: [] for name in starts}
    for _ in range(args.runs):
        for name, start in starts.items():
            wall, cpu = until_ready(start, env)
            times[name].append(wall)
            if cpu is not None:
                cpus[name].append(cpu)
    load_after = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) before "
          f"{'/'.join(f'{x:.2f}' for x in load_before)}, after "
          f"{'/'.join(f'{x:.2f}' for x in load_after)}; {args.runs} runs each, interleaved\n")
    print("| start | median | best | worst | ÷ bare (median) | CPU by then | ÷ bare |")
    print("|---|---|---|---|---|---|---|")
    bare = statistics.median(times["bare PySide6 window (baseline)"])
    bare_cpu = statistics.median(cpus["bare PySide6 window (baseline)"])
    for name, measured in times.items():
        used = f"{statistics.median(cpus[name]) * 1000:.0f} ms | " \
            f"{statistics.median(cpus[name]) / bare_cpu:.2f}×" if cpus[name] else "— | —"
        print(f"| {name} | {statistics.median(measured):.2f} s | {min(measured):.2f} s | "
              f"{max(measured):.2f} s | {statistics.median(measured) / bare:.2f}× | {used} |")
    ratio = statistics.median(times["unlock window"]) / bare
    print(f"\nunlock window ÷ bare window: {ratio:.2f}× (target ≤ 2×)")
    profile = import_profile(app_args, env)
    heavy = sorted({name for _, _, name in profile if name.startswith(HEAVY)})
    print(f"modules imported before the unlock window: {len(profile)}; "
          f"of those not needed there: {', '.join(heavy) or 'none'}")
    early = sorted({name for _, _, name in profile if f"{name}.".startswith(UNLOCK_ONLY)
                    and name.count(".") <= 2})
    print(f"loaded before the window though needed only to unlock: {', '.join(early) or 'none'}")
    parse = [until_parsed([python, str(ROOT / "main.py"), "--help"], env)
             for _ in range(args.runs)]
    print(f"`xinhe --help` (reading the command line, no command): "
          f"{statistics.median(parse):.2f} s median; load {os.getloadavg()[0]:.2f}")
    top = sorted(((us, name) for depth, us, name in profile if depth == 0), reverse=True)
    print("slowest top-level imports: " + ", ".join(f"{name} {us / 1000:.0f} ms"
                                                     for us, name in top[:6]))
    if args.stall_runs:
        stalls(python, folder.path, env, args.stall_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
