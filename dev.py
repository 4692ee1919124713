#!/usr/bin/env python3
"""Developer entry point, the two commands of the README's quick start:

    python3 dev.py app    open the desktop app on the demo vault (created on first run)
    python3 dev.py test   run the test suite (extra arguments go to pytest)

Both first make sure `.venv` matches `requirements.lock` (hash-checked, via uv).
Anything else after the command is passed on: `python3 dev.py app --lang en`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".xinhe-lock.sha256"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    probe = subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "uv"]
    sys.exit("dev.py needs uv: install it with `python3 -m pip install uv`, then run this again.")


def sync() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Xinhe needs Python 3.11 or newer.")
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if venv_python().exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    if not venv_python().exists():
        subprocess.run([*uv(), "venv", "--quiet", "--python", sys.executable, str(VENV)],
                       check=True)
    subprocess.run([*uv(), "pip", "sync", "--quiet", "--require-hashes", "--compile-bytecode",
                    "--python", str(venv_python()), str(LOCK)], check=True)
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__)
        return 2
    sync()
    # Bytecode for our own package too: this machine may set PYTHONDONTWRITEBYTECODE.
    subprocess.run([str(venv_python()), "-m", "compileall", "-q", str(ROOT / "xinhe")],
                   check=False)
    if argv[0] == "app":
        args = [str(venv_python()), str(ROOT / "main.py"), "--demo", *argv[1:]]
    else:
        args = [str(venv_python()), "-m", "pytest", *argv[1:]]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
