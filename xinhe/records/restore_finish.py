"""Finishing a restore that was killed half-way, at every start, before the vault is looked at.

Kept apart from restore.py so that start-up reads the marker without loading the backup,
cipher and database modules (the unlock window shows before they load)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from xinhe.records.vault import VaultFolder

READY = "restore-ready.json"


def staging_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.restore"


def target_state(target: Path) -> str:
    """"absent", "empty", "vault" (a vault is there) or "other" (other files are there)."""
    if not target.exists():
        return "absent"
    if not target.is_dir():
        return "other"
    names = {p.name for p in target.iterdir()}
    if not names:
        return "empty"
    if names & {VaultFolder.DB_NAME, VaultFolder.SLOTS_NAME}:
        return "vault"
    return "other"


def aside_path(target: Path, stamp: str) -> Path:
    """A free name beside `target` for the vault a restore replaces."""
    candidate = target.parent / f"{target.name}.replaced-{stamp}"
    number = 2
    while candidate.exists():
        candidate = target.parent / f"{target.name}.replaced-{stamp}-{number}"
        number += 1
    return candidate


def discard(staging: Path) -> None:
    """Drop a staging folder; the marker goes first, so a half-deleted folder is never
    taken for a finished one."""
    with contextlib.suppress(OSError):
        (staging / READY).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def finish_interrupted_restore(target: Path) -> bool:
    """Complete or discard a restore into `target` that was killed. Call at start-up,
    before looking at the vault folder. Returns whether a restore was completed."""
    target = Path(target).expanduser().absolute()
    with contextlib.suppress(OSError):
        (target / READY).unlink()  # the swap was done; only the marker was left
    staging = staging_dir(target)
    if not staging.exists():
        return False
    try:
        marker = json.loads((staging / READY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        discard(staging)  # staging never finished: the old vault stays as it was
        return False
    aside_name = marker.get("aside") if isinstance(marker, dict) else None
    if target.exists() and target_state(target) != "empty":
        aside = target.parent / str(aside_name) if aside_name else None
        if aside is None or aside.exists():
            aside = aside_path(target, "interrupted")
        os.rename(target, aside)
    elif target.exists():
        target.rmdir()
    os.rename(staging, target)
    with contextlib.suppress(OSError):
        (target / READY).unlink()
    return True
