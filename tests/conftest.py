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
from xinhe.records.accounts import AccountService  # noqa: E402
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
def _own_data_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-user data folder (forms kept while the server is away) is the test's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    """Each test starts in the default language, whatever the previous one chose."""
    from xinhe.i18n import set_language

    set_language("zh_CN")
    yield
    set_language("zh_CN")


class Studio:
    """A vault with one user per role, each unlocked with their own services."""

    PASSWORDS = {"sup": "sup-password", "wang": "wang-password", "chen": "chen-password",
                 "staff": "staff-password"}

    def __init__(self, folder: VaultFolder, admin: Vault) -> None:
        from xinhe.records import templates as tpl
        from xinhe.records.services import Services

        self.folder = folder
        self.templates = tpl.TemplateRegistry.default()
        accounts = AccountService(admin)
        accounts.add_user("sup", "周督导", "supervisor", self.PASSWORDS["sup"])
        accounts.add_user("wang", "王丽", "counsellor", self.PASSWORDS["wang"])
        accounts.add_user("chen", "陈芳", "counsellor", self.PASSWORDS["chen"])
        accounts.add_user("staff", "黄敏", "staff", self.PASSWORDS["staff"])
        self.vaults = [admin]
        self.admin = Services(admin, self.templates)
        self.sup = self.login("sup")
        self.wang = self.login("wang")
        self.chen = self.login("chen")
        self.staff = self.login("staff")

    def login(self, name: str):  # noqa: ANN201
        from xinhe.records.services import Services

        vault = self.folder.unlock(name, self.PASSWORDS[name])
        self.vaults.append(vault)
        return Services(vault, self.templates)

    def close(self) -> None:
        for vault in self.vaults:
            vault.close()

    def new_case(self, svc, category: str = "domestic_violence", **client):  # noqa: ANN001, ANN201
        details = {"name": "林某", "birth_date": "1990-05-01", "phone": "13800138000",
                   "community": "凤凰岗社区", **client}
        made = svc.clients.create(**details)
        return svc.cases.open(client_id=made.id, category=category, source="self")


class ServerStudio(Studio):
    """The same people on a fresh studio server database (cloned from the session's
    template: see pg_cluster.StudioTemplate), each signed in as their own login role."""

    def __init__(self, template, clock: Clock) -> None:  # noqa: ANN001
        from xinhe.records import templates as tpl
        from xinhe.records.services import Services

        self.folder = template.fresh(clock)
        self.template = template
        self.templates = tpl.TemplateRegistry.default()
        admin = self.folder.unlock("admin", ADMIN_PASSWORD)
        self.vaults = [admin]
        self.admin = Services(admin, self.templates)
        self.sup = self.login("sup")
        self.wang = self.login("wang")
        self.chen = self.login("chen")
        self.staff = self.login("staff")

    def close(self) -> None:
        super().close()
        self.template.drop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run the module's `studio` tests on "
                            "the local vault and on the studio server")
    config.addinivalue_line("markers", "local_only(reason): in a both_backends module, a "
                            "test of a feature the studio server does not offer yet")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "studio" in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("both_backends"):
        local_only = metafunc.definition.get_closest_marker("local_only")
        metafunc.parametrize("backend", ["local"] if local_only else ["local", "server"],
                             indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Where the records live: "local" (the vault) unless a module runs on both."""
    return str(getattr(request, "param", "local"))


@pytest.fixture(scope="session")
def server_template(pg_cluster):  # noqa: ANN001, ANN201
    """One studio server database with one user per role, built once and cloned per test."""
    import pg_cluster as cluster_module

    return cluster_module.StudioTemplate.build(pg_cluster, Studio.PASSWORDS, ADMIN_PASSWORD)


@pytest.fixture
def server(server_template, clock: Clock) -> Iterator[ServerStudio]:  # noqa: ANN001
    """The same people on a fresh studio server database, for server-only tests."""
    made = ServerStudio(server_template, clock)
    yield made
    made.close()


@pytest.fixture
def studio(request: pytest.FixtureRequest, backend: str, clock: Clock) -> Iterator[Studio]:
    if backend == "server":
        made: Studio = ServerStudio(request.getfixturevalue("server_template"), clock)
    else:
        made = Studio(request.getfixturevalue("folder"), request.getfixturevalue("vault"))
    yield made
    made.close()


def dv_intake_answers(*yes: str, **extra: object) -> dict[str, object]:
    """A complete DV intake: every danger factor answered "no" except those named."""
    from xinhe.records import templates as tpl

    template = tpl.TemplateRegistry.default().get("dv_intake")
    answers: dict[str, object] = {f.id: False for f in template.fields
                                  if f.id.startswith("danger_") and f.type == "yes_no"}
    answers.update({f"danger_{name}": True for name in yes})
    answers.update(relationship_to_abuser="spouse", children_in_home=False,
                   violence_types=["physical"], incident_summary="对方多次动手。",
                   wants_protection_order=False)
    answers.update(extra)
    return answers


@pytest.fixture(scope="session")
def pg_cluster():  # noqa: ANN201
    """One throwaway PostgreSQL cluster (TLS, hostssl + SCRAM) for the whole test run."""
    import pg_cluster as cluster_module

    cluster = cluster_module.start()
    try:
        yield cluster
    finally:
        cluster.stop()
