"""Where things live on this workstation. No client data is ever written here but the vault."""

from __future__ import annotations

import os
import sys
from pathlib import Path

VAULT_ENV = "XINHE_VAULT"


def data_home() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Xinhe"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Xinhe"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "xinhe"


def default_vault_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--vault DIR`, else $XINHE_VAULT, else the per-user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    return data_home() / "vault"


def resources_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "resources"
