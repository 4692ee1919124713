#!/usr/bin/env python3
"""Unlocking: the password KDF (slow on purpose, 0.5–1 s) and a full unlock. Start-up to
the unlock window is benchmarks/bench_startup.py.

    .venv/bin/python benchmarks/bench_vault.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xinhe.crypto import kdf  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402


def timed(work: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
