"""Shared fixtures: one fresh encrypted vault per test, an in-memory keyring, offscreen Qt."""

from __future__ import annotations

import os

# The explicit test setting: cheap KDF parameters for slots made by tests. Tests marked
# slow_kdf check the real parameters.
os.environ.setdefault("XINHE_TEST_FAST_KDF", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XINHE_LANG"] = "zh_CN"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring.backend  # noqa: E402
import pytest  # noqa: E402

from xinhe.crypto.binding import DeviceBinding  # noqa: E402
from xinhe.crypto.kdf import KdfParams  # noqa: E402
from xinhe.records.vault import Vault, VaultFolder  # noqa: E402

ADMIN_PASSWORD = "admin-pass-1"


class InMemoryKeyring(keyring.backend.KeyringBackend):
    """A secure-keyring stand-in for tests; it lives as long as the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def keyring_backend() -> InMemoryKeyring:
    return InMemoryKeyring()


@pytest.fixture
def binding(keyring_backend: InMemoryKeyring) -> DeviceBinding:
    return DeviceBinding(keyring_backend)


class Clock:
    """A settable UTC clock for lockout and deadline tests."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self):  # noqa: ANN204
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folder(tmp_path: Path, binding: DeviceBinding, clock: Clock) -> VaultFolder:
    return VaultFolder(tmp_path / "vault", binding, kdf=KdfParams.cheap_for_tests(),
                       clock=clock, workstation="test-ws")


@pytest.fixture
def created(folder: VaultFolder) -> Iterator[tuple[Vault, str]]:
    vault, recovery_key = folder.create("馨和家园工作室", "admin", "管理员甲", ADMIN_PASSWORD)
    yield vault, recovery_key
    vault.close()


@pytest.fixture
def vault(created: tuple[Vault, str]) -> Vault:
    return created[0]


@pytest.fixture
def recovery_key(created: tuple[Vault, str]) -> str:
    return created[1]


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    """Each test starts in the default language, whatever the previous one chose."""
    from xinhe.i18n import set_language

    set_language("zh_CN")
    yield
    set_language("zh_CN")
