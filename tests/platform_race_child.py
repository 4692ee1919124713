"""A second workstation receiving from the same inbox (tests/test_platform_inbox.py).

    python tests/platform_race_child.py VAULT-OR-DSN USER INBOX
        reads the password from stdin, unlocks the vault folder (or signs in to the studio
        server at the DSN), prints "ready", waits for a line on stdin
        ("go"), receives every file in INBOX and prints the references it stored, as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records import platform_inbox  # noqa: E402
from xinhe.records.storage.server_session import ServerFolder  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402


def main(vault_dir: str, user: str, inbox: str) -> None:
    folder: Any
    if "sslmode=" in vault_dir:
        folder = ServerFolder(vault_dir, workstation=f"race-{user}")
    else:
        folder = VaultFolder(Path(vault_dir), DeviceBinding.off("race test"),
                             kdf=KdfParams.cheap_for_tests())
    vault = folder.unlock(user, sys.stdin.readline().rstrip("\n"))
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        result = platform_inbox.receive_inbox(vault, Path(inbox))
        print(json.dumps({"received": result.received,
                          "rejected": [p.field for p in result.rejected]}), flush=True)
    finally:
        vault.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
