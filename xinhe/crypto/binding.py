"""Workstation binding: a device secret kept in the operating system's secure keyring.

The secret is mixed into every user key slot, so a vault copied to another machine
cannot be attacked with passwords alone. Only keyrings that encrypt at rest and are
unlocked by the user's login are used; the plaintext, null and fail backends never are.
When none is available, binding is off and the app says so.
"""

from __future__ import annotations

import contextlib
import importlib
import secrets
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keyring's import and plugin search take ~0.1 s: only when one is needed
    import keyring.backend

SERVICE = "xinhe"

# Backends known to keep secrets encrypted and tied to the user's session.
SECURE_BACKENDS = frozenset({
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.Windows.WinVaultKeyring",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
})


# Where this platform's secure backends live: asked for by name, because keyring's own
# search loads every plugin (its macOS backend runs ldconfig twice on Linux, ~60 ms).
PLATFORM_BACKENDS: dict[str, tuple[str, ...]] = {
    "linux": ("keyring.backends.SecretService.Keyring", "keyring.backends.libsecret.Keyring",
              "keyring.backends.kwallet.DBusKeyring"),
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS.Keyring",),
}


def platform_keyrings(platform: str = sys.platform) -> list[keyring.backend.KeyringBackend]:
    """This platform's secure keyrings that can work here (none is a plaintext one)."""
    found = []
    for name in PLATFORM_BACKENDS.get("linux" if platform.startswith("linux") else platform,
                                      ()):
        module_name, _, class_name = name.rpartition(".")
        # A missing library or session bus makes the import or `priority` raise: not viable.
        with contextlib.suppress(Exception):
            backend_class = getattr(importlib.import_module(module_name), class_name)
            backend_class.priority  # noqa: B018 -- raises when the backend cannot work here
            found.append(backend_class())
    return found


def _qualified_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_secure_backend(backend: object) -> bool:
    return _qualified_name(backend) in SECURE_BACKENDS


@dataclass
class DeviceBinding:
    """Access to the device secret of each vault. `backend` None means binding is off."""

    backend: keyring.backend.KeyringBackend | None
    reason_off: str = ""

    @classmethod
    def from_system(cls) -> DeviceBinding:
        """The best secure keyring this workstation offers, or binding off with the reason."""
        try:
            candidates = platform_keyrings()
        except Exception as exc:  # a broken keyring install must not stop the app
            return cls(None, f"keyring error: {type(exc).__name__}")
        secure = [b for b in candidates if is_secure_backend(b) and b.priority > 0]
        if not secure:
            return cls(None, "no secure keyring on this workstation")
        best = max(secure, key=lambda b: b.priority)
        return cls(best)

    @classmethod
    def off(cls, reason: str = "binding disabled") -> DeviceBinding:
        return cls(None, reason)

    @property
    def enabled(self) -> bool:
        return self.backend is not None

    def _account(self, vault_id: str) -> str:
        return f"device-secret:{vault_id}"

    def get_secret(self, vault_id: str) -> bytes | None:
        """The device secret for this vault, or None when there is none here."""
        if self.backend is None:
            return None
        from keyring.errors import KeyringError

        try:
            value = self.backend.get_password(SERVICE, self._account(vault_id))
        except KeyringError:
            return None
        return bytes.fromhex(value) if value else None

    def ensure_secret(self, vault_id: str) -> bytes | None:
        """The device secret, created on first use. None when binding is off or failing."""
        if self.backend is None:
            return None
        existing = self.get_secret(vault_id)
        if existing:
            return existing
        from keyring.errors import KeyringError

        secret = secrets.token_bytes(32)
        try:
            self.backend.set_password(SERVICE, self._account(vault_id), secret.hex())
        except KeyringError:
            return None
        return self.get_secret(vault_id)

    def forget(self, vault_id: str) -> None:
        if self.backend is None:
            return
        from keyring.errors import KeyringError

        with contextlib.suppress(KeyringError):
            self.backend.delete_password(SERVICE, self._account(vault_id))
