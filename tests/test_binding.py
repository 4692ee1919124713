"""Only secure keyrings are used for the device secret; never a plaintext fallback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest

from conftest import InMemoryKeyring
from xinhe.crypto import binding as binding_module
from xinhe.crypto.binding import (
    PLATFORM_BACKENDS,
    SECURE_BACKENDS,
    DeviceBinding,
    is_secure_backend,
    platform_keyrings,
)

ROOT = Path(__file__).resolve().parent.parent


def plaintext_keyring() -> keyring.backend.KeyringBackend:
    """Looks like keyrings.alt's PlaintextKeyring (which writes secrets to a file)."""
    cls = type("PlaintextKeyring", (InMemoryKeyring,), {"priority": 10})
    cls.__module__ = "keyrings.alt.file"
    cls.__qualname__ = "PlaintextKeyring"
    return cls()


def test_insecure_backends_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    candidates = [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(),
                  plaintext_keyring()]
    assert not any(is_secure_backend(b) for b in candidates)
    monkeypatch.setattr(binding_module, "platform_keyrings", lambda: candidates)
    binding = DeviceBinding.from_system()
    assert not binding.enabled
    assert binding.reason_off == "no secure keyring on this workstation"
    assert binding.ensure_secret("vault-id") is None
    assert candidates[2].store == {}  # nothing was written to the plaintext keyring


def test_a_broken_keyring_install_turns_binding_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[keyring.backend.KeyringBackend]:
        raise RuntimeError("dbus exploded")
    monkeypatch.setattr(binding_module, "platform_keyrings", broken)
    binding = DeviceBinding.from_system()
    assert not binding.enabled and "RuntimeError" in binding.reason_off


def test_device_secret_is_created_once_and_kept(binding: DeviceBinding) -> None:
    first = binding.ensure_secret("v1")
    assert first is not None and len(first) == 32
    assert binding.ensure_secret("v1") == first
    assert binding.ensure_secret("v2") != first
    binding.forget("v1")
    assert binding.get_secret("v1") is None


def test_only_secure_backends_are_ever_asked_for() -> None:
    assert all(set(names) <= SECURE_BACKENDS for names in PLATFORM_BACKENDS.values())
    # Another platform's keyring cannot work here, so it is not offered.
    other = "win32" if sys.platform != "win32" else "darwin"
    assert platform_keyrings(other) == []


def test_without_a_session_keyring_binding_is_off_and_no_plugin_is_searched(
        tmp_path: Path) -> None:
    script = ("import json, sys\n"
              "from xinhe.crypto.binding import DeviceBinding\n"
              "b = DeviceBinding.from_system()\n"
              "print(json.dumps([b.enabled, b.reason_off, sorted(m for m in sys.modules\n"
              "                  if m.startswith(('keyring.backends', 'keyrings')))]))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "PYTHONPATH": str(ROOT)})
    enabled, reason, loaded = json.loads(proc.stdout)
    assert not enabled and reason == "no secure keyring on this workstation"
    # keyring's own search would have loaded every backend, the macOS one included.
    assert "keyring.backends.macOS" not in loaded
    assert "keyring.backends.chainer" not in loaded
