"""The test cluster is set up as the studio's guide says, so the server tests prove what a
studio gets: TLS verified against the studio's CA, SCRAM passwords, nothing in the clear."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pg_cluster import SETUP_ROLE, Cluster


def test_tls_verified_against_the_studio_ca_and_scram(pg_cluster: Cluster) -> None:
    with psycopg.connect(pg_cluster.dsn()) as conn:
        ssl = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert ssl.fetchone() == (True,)
    stored = pg_cluster.superuser_sql(
        f"SELECT rolpassword FROM pg_authid WHERE rolname = '{SETUP_ROLE}'")
    assert stored.startswith("SCRAM-SHA-256$")


def test_plain_connections_and_other_certificates_are_refused(pg_cluster: Cluster,
                                                              tmp_path: Path) -> None:
    with pytest.raises(psycopg.OperationalError, match="reject|no pg_hba.conf entry"):
        psycopg.connect(pg_cluster.dsn(sslmode="disable"))
    stranger = tmp_path / "other-ca.crt"
    stranger.write_text(_self_signed(tmp_path))
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(pg_cluster.dsn(sslrootcert=str(stranger)))
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(pg_cluster.dsn(password="not-the-password"))


def _self_signed(folder: Path) -> str:
    import subprocess

    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=Somebody else's CA", "-keyout", str(folder / "k.pem"),
                    "-out", str(folder / "c.pem")], check=True, capture_output=True)
    return (folder / "c.pem").read_text()
