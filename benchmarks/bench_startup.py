#!/usr/bin/env python3
"""Cold start to the unlock window against a bare PySide6 window, measured in the same run
(runs interleaved, so both see the same machine load), and what the start imports.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Target (issue 15): the unlock window within 2x the bare window, and none of pyHanko,
reportlab, aiohttp, the CLI's command modules, QtCharts or QtPdf imported before it shows.
"""

from __future__ import annotations

import argparse
import os
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
import sys
from PySide6.QtWidgets import QApplication, QWidget
from PySide6.QtCore import QTimer
app = QApplication(sys.argv[:1])
w = QWidget(); w.show()
QTimer.singleShot(0, lambda: (print("READY", flush=True), app.quit()))
app.exec()
"""
HEAVY = ("pyhanko", "reportlab", "aiohttp", "PySide6.QtCharts", "PySide6.QtPdf",
         "xinhe.cli.accounts", "xinhe.cli.casework", "xinhe.cli.referrals",
         "xinhe.cli.signing", "xinhe.cli.stats", "xinhe.cli.maintenance", "xinhe.export")
# Needed to unlock, not to show the window: still loaded by the UI's modules (BENCHMARKS.md).
UNLOCK_ONLY = ("sqlcipher3", "xinhe.records.db", "xinhe.records.backup", "xinhe.records.audit",
               "xinhe.records.accounts", "argon2", "keyring.backend")


def until_ready(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            proc.wait(timeout=30)
            return elapsed
    raise RuntimeError("the app never showed its window")


def until_parsed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def import_profile(args: list[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(nesting depth, cumulative microseconds, module) of every import, -X importtime."""
    err = subprocess.run([args[0], "-X", "importtime", *args[1:]], env=env, cwd=ROOT,
                         capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                depth = (len(name) - len(name.lstrip()) - 1) // 2
                rows.append((depth, int(cumulative), name.strip()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
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
    load_before = os.getloadavg()
    bare: list[float] = []
    app: list[float] = []
    for _ in range(args.runs):
        bare.append(until_ready([python, "-c", BARE], env))
        app.append(until_ready(app_args, env))
    load_after = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average (1/5/15 min) before "
          f"{'/'.join(f'{x:.2f}' for x in load_before)}, after "
          f"{'/'.join(f'{x:.2f}' for x in load_after)}; {args.runs} runs each, interleaved\n")
    print("| start | median | best | worst |")
    print("|---|---|---|---|")
    for name, times in (("bare PySide6 window (baseline)", bare), ("unlock window", app)):
        print(f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f} s | "
              f"{max(times):.2f} s |")
    ratio = statistics.median(app) / statistics.median(bare)
    print(f"\nunlock window ÷ bare window: {ratio:.2f}× (target ≤ 2×)")
    profile = import_profile(app_args, env)
    heavy = sorted({name for _, _, name in profile if name.startswith(HEAVY)})
    print(f"modules imported before the unlock window: {len(profile)}; "
          f"of those not needed there: {', '.join(heavy) or 'none'}")
    early = sorted({name for _, _, name in profile if name.startswith(UNLOCK_ONLY)
                    and name.count(".") <= 2})
    print(f"loaded before the window though needed only to unlock: {', '.join(early) or 'none'}")
    parse = [until_parsed([python, str(ROOT / "main.py"), "--help"], env)
             for _ in range(args.runs)]
    print(f"`xinhe --help` (reading the command line, no command): "
          f"{statistics.median(parse):.2f} s median; load {os.getloadavg()[0]:.2f}")
    top = sorted(((us, name) for depth, us, name in profile if depth == 0), reverse=True)
    print("slowest top-level imports: " + ", ".join(f"{name} {us / 1000:.0f} ms"
                                                     for us, name in top[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
