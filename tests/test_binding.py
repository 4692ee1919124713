"""Only secure keyrings are used for the device secret; never a plaintext fallback."""

from __future__ import annotations

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import pytest

from conftest import InMemoryKeyring
from xinhe.crypto.binding import DeviceBinding, is_secure_backend


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
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: candidates)
    binding = DeviceBinding.from_system()
    assert not binding.enabled
    assert binding.reason_off == "no secure keyring on this workstation"
    assert binding.ensure_secret("vault-id") is None
    assert candidates[2].store == {}  # nothing was written to the plaintext keyring


def test_a_broken_keyring_install_turns_binding_off(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[keyring.backend.KeyringBackend]:
        raise RuntimeError("dbus exploded")
    monkeypatch.setattr(keyring.backend, "get_all_keyring", broken)
    binding = DeviceBinding.from_system()
    assert not binding.enabled and "RuntimeError" in binding.reason_off


def test_device_secret_is_created_once_and_kept(binding: DeviceBinding) -> None:
    first = binding.ensure_secret("v1")
    assert first is not None and len(first) == 32
    assert binding.ensure_secret("v1") == first
    assert binding.ensure_secret("v2") != first
    binding.forget("v1")
    assert binding.get_secret("v1") is None
