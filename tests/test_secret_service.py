"""Workstation binding against a real Secret Service: gnome-keyring under dbus-run-session.

.ci/run installs dbus and gnome-keyring; this test starts its own session bus and keyring
daemon, so it needs nothing running beforehand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, sys
from pathlib import Path
from xinhe.crypto.binding import DeviceBinding
from xinhe.crypto.kdf import KdfParams
from xinhe.errors import DeviceBindingUnavailable
from xinhe.records.vault import VaultFolder

binding = DeviceBinding.from_system()
result = {"backend": f"{type(binding.backend).__module__}.{type(binding.backend).__name__}"}
folder = VaultFolder(Path(sys.argv[1]), binding, kdf=KdfParams.cheap_for_tests())
vault, recovery_key = folder.create("Studio", "admin", "Admin", "admin-pass-1")
result["bound"] = vault.binding_on
vault_id = vault.vault_id
vault.close()
result["secret_in_keyring"] = binding.get_secret(vault_id) is not None
folder.unlock("admin", "admin-pass-1").close()
result["unlock_with_keyring"] = True
binding.forget(vault_id)  # as if the vault had been copied to another workstation
try:
    folder.unlock("admin", "admin-pass-1")
    result["unlock_without_secret"] = "opened"
except DeviceBindingUnavailable:
    result["unlock_without_secret"] = "refused"
recovered = folder.recover(recovery_key, "admin", "admin-pass-2")
result["rebound_after_recovery"] = recovered.binding_on
recovered.close()
print(json.dumps(result))
"""


@pytest.mark.secret_service
def test_binding_with_gnome_keyring(tmp_path: Path) -> None:
    shell = ("printf 'test-keyring' | gnome-keyring-daemon --unlock --components=secrets "
             ">/dev/null 2>&1; exec \"$0\" -c \"$1\" \"$2\"")
    proc = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell, sys.executable, SCRIPT,
         str(tmp_path / "vault")],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
             "XDG_RUNTIME_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {
        "backend": "keyring.backends.SecretService.Keyring",
        "bound": True,
        "secret_in_keyring": True,
        "unlock_with_keyring": True,
        "unlock_without_secret": "refused",
        "rebound_after_recovery": True,
    }
