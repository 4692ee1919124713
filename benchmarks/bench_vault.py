#!/usr/bin/env python3
"""Unlocking and starting: the password KDF (slow on purpose, 0.5–1 s), a full unlock, and
cold start to the unlock window against a bare PySide6 window measured in the same run.

    .venv/bin/python benchmarks/bench_vault.py [--runs 5]
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

from xinhe.crypto import kdf  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
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


def timed(work: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def until_ready(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            proc.wait(timeout=30)
            return elapsed
    raise RuntimeError("the app never showed its window")


def row(name: str, times: list[float], target: str) -> str:
    times = sorted(times)
    return (f"| {name} | {statistics.median(times):.2f} s | {times[-1]:.2f} s | {target} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    params = kdf.KdfParams.production()
    print(f"Argon2id {params.memory_kib // 1024} MiB, {params.iterations} passes, "
          f"{params.lanes} lanes; {os.cpu_count()} CPUs\n")
    print("| step | median | worst | target |")
    print("|---|---|---|---|")
    print(row("password KDF (Argon2id, production)",
              timed(lambda: kdf.derive("correct horse battery", os.urandom(16), params),
                    args.runs), "0.5–1 s by design"))
    folder = VaultFolder(Path(tempfile.mkdtemp()) / "v", DeviceBinding.off("benchmark"),
                         kdf=params)
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    print(row("full unlock (slot, database, audit)",
              timed(lambda: folder.unlock("admin", "admin-password").close(), args.runs),
              "KDF + ≤ 0.1 s"))
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "XINHE_STARTUP_PROBE": "1"}
    python = sys.executable
    bare = [until_ready([python, "-c", BARE], env) for _ in range(args.runs)]
    app = [until_ready([python, str(ROOT / "main.py"), "--vault", str(folder.path)], env)
           for _ in range(args.runs)]
    print(row("cold start, bare PySide6 window (baseline)", bare, "—"))
    print(row("cold start to the unlock window", app, "≤ 1.5 s"))
    print(f"\nstart-up over baseline: {statistics.median(app) - statistics.median(bare):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
