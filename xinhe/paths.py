"""Where things live on this workstation. No client data is ever written here but the vault."""

from __future__ import annotations

import importlib.resources
import os
import sys
from pathlib import Path

from xinhe.errors import ResourceMissing

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


# What a working installation must hold (checked at start-up, reported by name).
REQUIRED_RESOURCES = (
    "templates/general_intake.json",
    "referral_policy.json",
    "fonts/wqy-microhei.ttc",
    "i18n/xinhe_zh_CN.qm",
    "i18n/qt_gaps_zh_CN.qm",
)


def resources_dir() -> Path:
    """The package data folder (`xinhe/resources`), found through importlib.resources so
    that a wheel, a source checkout and a frozen build all find it."""
    root = importlib.resources.files("xinhe").joinpath("resources")
    return Path(str(root))


def resource(name: str) -> Path:
    """A shipped file by its name under the resources folder; missing is reported by name."""
    path = resources_dir() / name
    if not path.is_file():
        raise ResourceMissing(name, str(resources_dir()))
    return path


def check_resources() -> None:
    """Raise ResourceMissing for the first shipped file that is not there."""
    for name in REQUIRED_RESOURCES:
        resource(name)
