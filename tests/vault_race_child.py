"""A second program on a vault, for the race tests (tests/test_vault_races.py).

    python tests/vault_race_child.py attempt VAULT USER
        imports everything, prints "ready", then reads a password from stdin and tries
        to unlock; prints "ok" or the error's code. Every password KDF this process
        runs appends a line to the file named by XINHE_KDF_COUNT, so the test can count
        the attempts that were really evaluated.
    python tests/vault_race_child.py hold VAULT USER
        reads a password, unlocks, prints "open", then obeys stdin lines:
        "set KEY VALUE" (a write; prints "ok") and "close" (prints "closed").

Workstation binding is off, as in the vaults the tests make.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinhe.crypto import kdf  # noqa: E402
from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.errors import XinheError  # noqa: E402
from xinhe.records.vault import VaultFolder  # noqa: E402

_derive = kdf.derive


def _counted_derive(password: str, salt: bytes, params: kdf.KdfParams) -> bytes:
    counter = os.environ.get("XINHE_KDF_COUNT")
    if counter:
        fd = os.open(counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()}\n".encode())
        finally:
            os.close(fd)
    return _derive(password, salt, params)


kdf.derive = _counted_derive


def say(text: str) -> None:
    print(text, flush=True)


def main(op: str, vault_dir: str, user: str) -> None:
    folder = VaultFolder(Path(vault_dir), DeviceBinding.off("race test"))
    if op == "attempt":
        say("ready")
        password = sys.stdin.readline().rstrip("\n")
        try:
            folder.unlock(user, password).close()
        except XinheError as exc:
            say(exc.code)
            return
        say("ok")
    elif op == "hold":
        vault = folder.unlock(user, sys.stdin.readline().rstrip("\n"))
        say("open")
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["set"]:
                vault.set_setting(words[1], words[2])
                say("ok")
            elif words[:1] == ["close"]:
                vault.close()
                say("closed")
                return
    else:
        raise SystemExit(f"unknown operation {op}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
