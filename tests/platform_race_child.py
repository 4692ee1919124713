"""A second workstation receiving from the same inbox (tests/test_platform_inbox.py).

    python tests/platform_race_child.py VAULT USER INBOX
        reads the password from stdin, unlocks, prints "ready", waits for a line on stdin
        ("go"), receives every file in INBOX and prints the references it stored, as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records import platform_inbox  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402


def main(vault_dir: str, user: str, inbox: str) -> None:
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
