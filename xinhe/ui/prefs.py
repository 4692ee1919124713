"""Per-workstation preferences kept beside the vault: language and last login name.

Nothing here is client data; it is read before the vault is unlocked.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from xinhe.crypto.files import atomic_write
from xinhe.errors import StorageError

FILE_NAME = "workstation.json"


@dataclass
class Prefs:
    language: str = "zh_CN"
    last_user: str = ""
    # The studio server this workstation joined (a DSN without user or password), or "".
    server: str = ""

    @classmethod
    def load(cls, folder: Path) -> Prefs:
        try:
            data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
            prefs = cls(str(data.get("language", "zh_CN")), str(data.get("last_user", "")),
                        str(data.get("server", "")))
        except (OSError, ValueError, AttributeError):
            return cls()
        if prefs.language not in ("zh_CN", "en"):
            prefs.language = "zh_CN"
        return prefs

    def save(self, folder: Path) -> None:
        if not folder.exists():
            if not self.server:
                return  # nothing to remember before a vault exists
            folder.mkdir(parents=True, exist_ok=True)  # a server workstation has no vault
        # A preference that cannot be saved must not stop the app.
        with contextlib.suppress(StorageError):
            atomic_write(folder / FILE_NAME, json.dumps(asdict(self)).encode("utf-8"))
