"""The studio server behind the storage seam: PgDatabase speaks the services' portable SQL,
over verified TLS only, and what goes wrong reaches the user as a clear zh/en message."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pg_cluster import Cluster
from xinhe.errors import AccessDenied, InvalidInput, ServerUnreachable, WrongPassword
from xinhe.records.storage import pg_setup
from xinhe.records.storage.pg_store import PgDatabase, translate
from xinhe.records.storage.sealing import Sealer

NOW = "2026-03-02T09:00:00+00:00"
STUDIO_KEY = bytes(range(32))

# -- the placeholder translator ---------------------------------------------------------------
plain = st.text(alphabet=st.characters(blacklist_characters="'\"?:%\x00"), max_size=12)
quoted = st.builds(lambda q, body: q + body.replace(q, q + q) + q, st.sampled_from("'\""),
                   st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=8))
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)


@given(st.lists(st.one_of(plain, quoted, st.just("?"), st.just("%"), st.just("::int")),
                max_size=12))
def test_question_marks_outside_quotes_become_psycopg_placeholders(parts: list[str]) -> None:
    sql = " ".join(parts)
    out = translate(sql, named=False)
    expected = []
    for part in parts:
        if part == "?":
            expected.append("%s")
        elif part[:1] in "'\"" and part:
            expected.append(part.replace("%", "%%"))  # quoted: kept, only % doubled
        else:
            expected.append(part.replace("%", "%%"))
    assert out == " ".join(expected)
    # psycopg sees exactly one placeholder per question mark outside quotes.
    assert len(re.findall(r"(?<!%)%s", out.replace("%%", ""))) == parts.count("?")


@given(st.lists(st.one_of(plain, quoted, names.map(lambda n: ":" + n), st.just("::text")),
                max_size=12))
def test_named_parameters_become_psycopg_named_placeholders(parts: list[str]) -> None:
    out = translate(" ".join(parts), named=True)
    expected = [f"%({p[1:]})s" if p.startswith(":") and not p.startswith("::")
                else p.replace("%", "%%") for p in parts]
    assert out == " ".join(expected)


def test_translation_examples() -> None:
    assert translate("SELECT '?', \"a?b\", x FROM t WHERE y = ? AND z LIKE 'a%'", False) \
        == "SELECT '?', \"a?b\", x FROM t WHERE y = %s AND z LIKE 'a%%'"
    assert translate("INSERT INTO t VALUES (:a, ':b', :c::jsonb, 'it''s :d')", True) \
        == "INSERT INTO t VALUES (%(a)s, ':b', %(c)s::jsonb, 'it''s :d')"


# -- a real server ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def studio_db(pg_cluster: Cluster) -> Iterator[tuple[Cluster, str, dict[str, str]]]:
    dbname = "store_" + secrets.token_hex(4)
    pg_setup.init_database(pg_cluster.dsn(), dbname)
    tag = secrets.token_hex(3)
    logins: dict[str, str] = {}
    with psycopg.connect(pg_cluster.dsn(dbname=dbname), autocommit=True) as conn:
        for short, role in (("wang", "counsellor"), ("chen", "counsellor"), ("adm", "admin")):
            password = secrets.token_urlsafe(16)
            pg_setup.add_user(conn, f"{short}-{tag}", role, password)
            logins[short] = pg_cluster.dsn(user=pg_setup.login_role(f"{short}-{tag}"),
                                           password=password, dbname=dbname)
    yield pg_cluster, dbname, logins


def sealed(db: PgDatabase) -> PgDatabase:
    """A raw connection with a studio's keys, as a signed-in ServerSession gives it."""
    db.sealer = Sealer(STUDIO_KEY)
    return db


def _client(db: PgDatabase, name: str = "x") -> int:
    me = db.scalar("SELECT current_user_id()")
    return db.insert("INSERT INTO clients (name, name_key, created_by, created_at, updated_at)"
                     " VALUES (:name, :name, :me, :now, :now)",
                     {"name": name, "me": me, "now": NOW})


def test_rows_ids_and_nested_transactions(studio_db: tuple[Cluster, str, dict[str, str]]
                                          ) -> None:
    db = sealed(PgDatabase(studio_db[2]["wang"], workstation="desk-1"))
    try:
        assert db.dialect == "postgres"
        first, second = _client(db), _client(db)
        assert second > first > 0
        row = db.one("SELECT id, name, created_at FROM clients WHERE id = ?", (first,))
        assert (row["id"], row[1], row.keys()) == (first, "x", ["id", "name", "created_at"])
        assert dict(row) == {"id": first, "name": "x", "created_at": NOW}
        with db.transaction():
            third = _client(db)
            with pytest.raises(RuntimeError), db.transaction():
                _client(db)
                raise RuntimeError("inner block fails")
        assert db.scalar("SELECT count(*) FROM clients WHERE id > ?", (second,)) == 1
        assert db.scalar("SELECT max(id) FROM clients") == third
        with pytest.raises(RuntimeError), db.transaction():
            _client(db)
            raise RuntimeError("outer block fails")
        assert db.scalar("SELECT max(id) FROM clients") == third
        # Audited by the server itself, with this desk's name.
        admin = PgDatabase(studio_db[2]["adm"])
        assert admin.scalar("SELECT workstation FROM audit_event WHERE action ="
                            " 'clients.insert' ORDER BY seq DESC LIMIT 1") == "desk-1"
        admin.close()
    finally:
        db.close()


def test_row_security_refusals_are_access_denied(studio_db: tuple[Cluster, str,
                                                                  dict[str, str]]) -> None:
    wang = sealed(PgDatabase(studio_db[2]["wang"]))
    chen = sealed(PgDatabase(studio_db[2]["chen"]))
    admin = PgDatabase(studio_db[2]["adm"])
    try:
        client = _client(wang)
        # Chen cannot see Wang's client without a case; writing as Wang is refused.
        assert chen.one("SELECT * FROM clients WHERE id = ?", (client,)) is None
        wang_id = wang.scalar("SELECT current_user_id()")
        with pytest.raises(AccessDenied) as refused:
            chen.insert("INSERT INTO clients (name, name_key, created_by, created_at,"
                        " updated_at) VALUES ('y', 'y', ?, ?, ?)", (wang_id, NOW, NOW))
        assert refused.value.zh and refused.value.en and "row-level" not in str(refused.value)
        with pytest.raises(AccessDenied):
            admin.all("SELECT * FROM cases")
    finally:
        for db in (wang, chen, admin):
            db.close()


def test_only_verified_tls_is_accepted(studio_db: tuple[Cluster, str, dict[str, str]]) -> None:
    dsn = studio_db[2]["wang"]
    for weaker in ("require", "verify-ca", "prefer"):
        with pytest.raises(InvalidInput, match="verify-full"):
            PgDatabase(dsn.replace("sslmode=verify-full", f"sslmode={weaker}"))
    no_ca = re.sub(r"sslrootcert=\S+", "", dsn)
    with pytest.raises(InvalidInput, match="sslrootcert"):
        PgDatabase(no_ca)


def test_a_wrong_password_and_an_absent_server_say_so(
        studio_db: tuple[Cluster, str, dict[str, str]]) -> None:
    cluster = studio_db[0]
    dsn = studio_db[2]["wang"]
    with pytest.raises(WrongPassword):
        PgDatabase(re.sub(r"password=\S+", "password=guess", dsn))
    closed = re.sub(r"port=\d+", f"port={_closed_port()}", dsn)
    with pytest.raises(ServerUnreachable) as unreachable:
        PgDatabase(closed)
    assert "localhost" in unreachable.value.zh and "cannot be reached" in unreachable.value.en
    db = PgDatabase(dsn)
    cluster.superuser_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          f" WHERE datname = '{studio_db[1]}' AND application_name = 'xinhe'")
    with pytest.raises(ServerUnreachable):
        db.all("SELECT id FROM clients")
    db.close()


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
