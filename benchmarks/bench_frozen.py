#!/usr/bin/env python3
"""The frozen program beside the source run: size on disk and start-up (the unlock window,
and `xinhe --version`), runs interleaved so both see the same machine load.

    packaging/build-linux.sh && .venv/bin/python benchmarks/bench_frozen.py [--runs 7]
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

from benchmarks.bench_startup import until_ready  # noqa: E402
from benchmarks.common import OUT  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

DIST = ROOT / "dist"


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    frozen = DIST / "xinhe" / "xinhe"
    if not frozen.exists():
        sys.exit("no frozen build: run packaging/build-linux.sh first")
    folder = VaultFolder(Path(tempfile.mkdtemp()) / "v", DeviceBinding.off("benchmark"),
                         kdf=KdfParams.cheap_for_tests())
    folder.create("Studio", "admin", "Admin", "admin-password")[0].close()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "XINHE_STARTUP_PROBE": "1", "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    source = [sys.executable, str(ROOT / "main.py")]
    kinds = {"source (.venv)": source, "frozen (dist/xinhe)": [str(frozen)]}
    for command in kinds.values():  # warm-up: byte-code cache, page cache
        until_ready([*command, "--vault", str(folder.path)], env)
    window: dict[str, list[float]] = {k: [] for k in kinds}
    version: dict[str, list[float]] = {k: [] for k in kinds}
    load = os.getloadavg()[0]
    for _ in range(runs):
        for name, command in kinds.items():
            window[name].append(until_ready([*command, "--vault", str(folder.path)], env))
            version[name].append(timed([*command, "--version"], env))
    print(f"{os.cpu_count()} CPUs, load {load:.2f} → {os.getloadavg()[0]:.2f}; "
          f"{runs} runs each, interleaved; medians (best–worst)\n")
    print("| run | unlock window | `xinhe --version` |")
    print("|---|---|---|")
    for name in kinds:
        w, v = window[name], version[name]
        print(f"| {name} | {statistics.median(w):.2f} s ({min(w):.2f}–{max(w):.2f}) | "
              f"{statistics.median(v):.2f} s ({min(v):.2f}–{max(v):.2f}) |")
    site = next((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    print("\n| artefact | size |")
    print("|---|---|")
    print(f"| .venv site-packages (source run, with dev tools) | {size_mb(site):.0f} MB |")
    for path in [DIST / "xinhe", *sorted(DIST.glob("xinhe*.*"))]:
        print(f"| {path.relative_to(ROOT)} | {size_mb(path):.1f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
