"""A throwaway PostgreSQL cluster for the tests, set up the way the studio's guide says:
TLS with a certificate from the studio's own CA, `hostssl` + SCRAM only, on loopback.

initdb refuses to run as root, so as root the cluster runs as the `postgres` system user
(`runuser`) in a folder that user owns. It starts in about 2 s and is stopped at exit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SETUP_ROLE = "xinhe_setup"  # what the IT person creates: may create databases and roles


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise FileNotFoundError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


def available() -> bool:
    try:
        _bin("initdb")
        _bin("pg_ctl")
    except FileNotFoundError:
        return False
    return shutil.which("openssl") is not None


@dataclass
class Cluster:
    folder: Path
    port: int
    ca_file: Path
    setup_password: str
    owner: str | None  # the system user the server runs as (None: this user)

    def dsn(self, user: str = SETUP_ROLE, password: str | None = None,
            dbname: str = "postgres", **extra: str) -> str:
        """A libpq connection string with TLS verified against the CA (verify-full)."""
        parts = {"host": "localhost", "port": str(self.port), "dbname": dbname, "user": user,
                 "sslmode": "verify-full", "sslrootcert": str(self.ca_file), **extra}
        if password is None and user == SETUP_ROLE:
            password = self.setup_password
        if password is not None:
            parts["password"] = password
        return " ".join(f"{k}={_quote(v)}" for k, v in parts.items())

    def superuser_sql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL as the cluster's superuser over the local socket (test set-up and
        checks only; Xinhe itself never connects as a superuser)."""
        command = [_bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                   "-h", str(self.folder / "run"), "-p", str(self.port), "-U", "postgres",
                   "-d", dbname, "-c", sql]
        return _run(command, self.owner).stdout

    def pg_dump(self, dbname: str) -> str:
        """A full plain-text dump as the superuser: what a stolen backup would show."""
        command = [_bin("pg_dump"), "-h", str(self.folder / "run"), "-p", str(self.port),
                   "-U", "postgres", "--no-owner", dbname]
        return _run(command, self.owner).stdout

    def pause(self) -> None:
        """Stop the server as a power cut would (connections dropped), keeping its data."""
        _run([_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w",
              "stop"], self.owner)

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        _run([_bin("pg_ctl"), "-D", str(self.folder / "data"), "-l",
              str(self.folder / "server.log"), "-w", "-t", "60", "start"], self.owner)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            _run([_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                  "stop"], self.owner)
        shutil.rmtree(self.folder, ignore_errors=True)


def _quote(value: str) -> str:
    if value and all(c.isalnum() or c in "._-/:" for c in value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(command: list[str], owner: str | None,
         input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    if owner is not None:
        command = ["runuser", "-u", owner, "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          input=input_text, timeout=120)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway studio CA and a server certificate for localhost signed by it."""
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "server.key", folder / "server.csr", folder / "server.crt"
    ext = folder / "server.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                   "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    openssl = shutil.which("openssl") or "openssl"
    for command in (
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=Xinhe test studio CA", "-keyout", str(ca_key), "-out", str(ca_crt)],
        [openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
         "-keyout", str(key), "-out", str(csr)],
        [openssl, "x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
         "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(crt)],
    ):
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    return ca_crt, crt, key


def start() -> Cluster:
    """initdb, TLS, hostssl + SCRAM, a set-up role with a password; started and ready."""
    as_root = os.geteuid() == 0
    owner = "postgres" if as_root else None
    folder = Path(tempfile.mkdtemp(prefix="xinhe-pg-"))
    data, run = folder / "data", folder / "run"
    run.mkdir()
    ca_crt, crt, key = _make_ca_and_server_cert(folder)
    setup_password = secrets.token_urlsafe(24)
    if owner is not None:
        shutil.chown(run, owner)
        shutil.chown(folder, owner)
        for file in (crt, key):
            shutil.chown(file, owner)
    os.chmod(key, 0o600)
    port = _free_port()
    _run([_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
          "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8"], owner)
    (data / "postgresql.auto.conf").write_text(
        f"port = {port}\nlisten_addresses = 'localhost'\n"
        f"unix_socket_directories = '{run}'\n"
        f"ssl = on\nssl_cert_file = '{crt}'\nssl_key_file = '{key}'\n"
        "password_encryption = 'scram-sha-256'\nfsync = off\n"
        "shared_buffers = 32MB\nmax_connections = 60\n")
    # Local socket (the superuser, for set-up) and TLS with SCRAM: nothing else.
    (data / "pg_hba.conf").write_text(
        "local all postgres trust\n"
        "hostssl all all 127.0.0.1/32 scram-sha-256\n"
        "hostssl all all ::1/128 scram-sha-256\n"
        "host all all 0.0.0.0/0 reject\n"
        "host all all ::/0 reject\n")
    _run([_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
          "start"], owner)
    cluster = Cluster(folder, port, ca_crt, setup_password, owner)
    cluster.superuser_sql(f"CREATE ROLE {SETUP_ROLE} LOGIN CREATEDB CREATEROLE "
                          f"PASSWORD '{setup_password}'")
    return cluster


# The people of the records-service tests' studio (tests/conftest.py's Studio).
STUDIO_PEOPLE = (("sup", "周督导", "supervisor"), ("wang", "王丽", "counsellor"),
                 ("chen", "陈芳", "counsellor"), ("staff", "黄敏", "staff"))


@dataclass
class StudioTemplate:
    """A studio server database built once (init, one user per role), kept under another
    name and cloned back under its own name for each test: the name is the studio id that
    the login passwords and key slots are bound to, and login roles are cluster-wide."""

    cluster: Cluster
    dbname: str
    workstation_dsn: str

    @classmethod
    def build(cls, cluster: Cluster, passwords: dict[str, str],
              admin_password: str) -> StudioTemplate:
        from xinhe.records.storage.server_admin import add_server_user, init_studio
        from xinhe.records.storage.server_session import ServerFolder

        dbname = "xinhe_test_studio"
        # Set up "in 2025", so the tests' clocks fall inside the certificate's validity.
        dsn, _ = init_studio(cluster.dsn(), dbname, "馨和家园工作室", "admin", "管理员甲",
                             admin_password, set_up_at=datetime(2025, 1, 1, tzinfo=UTC))
        admin = ServerFolder(dsn).unlock("admin", admin_password)
        for name, display, role in STUDIO_PEOPLE:
            add_server_user(cluster.dsn(), admin, name, role, passwords[name], display)
        admin.close()
        cluster.superuser_sql(f"ALTER DATABASE {dbname} RENAME TO {dbname}_template")
        return cls(cluster, dbname, dsn)

    def fresh(self, clock: object):  # noqa: ANN201
        """A new copy of the studio for one test, as a workstation's ServerFolder."""
        from xinhe.records.storage.server_session import ServerFolder

        name = self.dbname
        self.cluster.superuser_sql(f"CREATE DATABASE {name} OWNER xinhe_owner"
                                   f" TEMPLATE {name}_template")
        self.cluster.superuser_sql(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC; GRANT CONNECT"
                                   f" ON DATABASE {name} TO xinhe_admin, xinhe_supervisor,"
                                   " xinhe_counsellor, xinhe_staff, xinhe_gate")
        return ServerFolder(self.workstation_dsn, workstation="test-ws", clock=clock)

    def drop(self) -> None:
        self.cluster.superuser_sql(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)")


def counsellor_studio(cluster: Cluster, dbname: str) -> str:
    """A studio on `cluster` with its admin (admin / admin-pw-1) and one counsellor
    (wang / wang-password); the workstations' DSN."""
    from xinhe.records.storage.server_admin import add_server_user, init_studio
    from xinhe.records.storage.server_session import ServerFolder

    dsn, _ = init_studio(cluster.dsn(), dbname, "工作室", "admin", "甲", "admin-pw-1")
    admin = ServerFolder(dsn).unlock("admin", "admin-pw-1")
    add_server_user(cluster.dsn(), admin, "wang", "counsellor", "wang-password", "王丽")
    admin.close()
    return dsn
