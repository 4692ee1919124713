"""Row security for the platform, linked persons, settings and the case view's deadlines,
proved with raw SQL as each person's own login (as tests/test_pg_rls.py does)."""

from __future__ import annotations

import psycopg
import pytest
from test_pg_rls import NOW, StudioServer, _one, server  # noqa: F401 (the module's fixture)


def test_a_supervisor_sets_only_the_settings_that_are_hers(
        server: StudioServer) -> None:  # noqa: F811
    with server.connect("admin") as admin:
        admin.execute("INSERT INTO xinhe.settings (key, value) VALUES ('referral.outbox',"
                      " '/srv/outbox')")
    with server.connect("sup") as sup:
        sup.execute("INSERT INTO xinhe.settings (key, value) VALUES ('platform.auto_report',"
                    " 'closed') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sup.execute("INSERT INTO xinhe.settings (key, value) VALUES ('template_folder',"
                        " '/tmp/evil')")
        changed = sup.execute("UPDATE xinhe.settings SET value = '/tmp/elsewhere'"
                              " WHERE key = 'referral.outbox'")
        assert changed.rowcount == 0
    with server.connect("anna") as anna:
        assert _one(anna, "SELECT value FROM xinhe.settings WHERE key = 'referral.outbox'") \
            == "/srv/outbox"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            anna.execute("UPDATE xinhe.settings SET value = '' WHERE key = 'platform.auto_report'")


def test_linked_persons_are_the_cases_own_and_matched_only_through_abuser_lookup(
        server: StudioServer) -> None:  # noqa: F811
    anna_case, bo_case = server.rows["anna"]["case"], server.rows["bo"]["case"]
    with server.connect("anna") as anna:
        me = _one(anna, "SELECT xinhe.current_user_id()")
        person = _one(anna, "INSERT INTO xinhe.linked_persons (case_id, relation, name,"
                      " name_key, phone_key, created_by, created_at, updated_at) VALUES"
                      " (%s, 'abuser', 'sealed-name', 'k-name', 'k-phone', %s, %s, %s)"
                      " RETURNING id", anna_case, me, NOW, NOW)
    with server.connect("bo") as bo:
        me = _one(bo, "SELECT xinhe.current_user_id()")
        assert bo.execute("SELECT * FROM xinhe.linked_persons WHERE id = %s",
                          (person,)).fetchall() == []
        assert bo.execute("DELETE FROM xinhe.linked_persons WHERE id = %s",
                          (person,)).rowcount == 0
        bo.execute("INSERT INTO xinhe.linked_persons (case_id, relation, name, name_key,"
                   " phone_key, created_by, created_at, updated_at) VALUES (%s, 'abuser',"
                   " 'sealed-name-2', 'k-other', 'k-phone', %s, %s, %s)", (bo_case, me, NOW, NOW))
        # From his own case: the match, its counsellor, no case number, not readable.
        assert bo.execute("SELECT id, name, case_no, readable FROM xinhe.abuser_lookup"
                          "(%s, 'phone', 'k-phone', NULL)", (bo_case,)).fetchall() == [
            (person, "sealed-name", None, False)]
        # Asking as if from a case he may not read gives nothing.
        assert bo.execute("SELECT * FROM xinhe.abuser_lookup(%s, 'phone', 'k-phone', NULL)",
                          (anna_case,)).fetchall() == []
    with server.connect("sup") as sup:
        assert _one(sup, "SELECT case_no FROM xinhe.abuser_lookup(%s, 'phone', 'k-phone',"
                    " NULL)", bo_case) == "2025-anna"
    with server.connect("anna") as anna:
        assert anna.execute("DELETE FROM xinhe.linked_persons WHERE id = %s",
                            (person,)).rowcount == 1


def test_staff_read_a_cases_deadlines_and_risk_history_and_write_neither(
        server: StudioServer) -> None:  # noqa: F811
    case = server.rows["bo"]["case"]
    with server.connect("bo") as bo:
        me = _one(bo, "SELECT xinhe.current_user_id()")
        bo.execute("INSERT INTO xinhe.clocks (case_id, kind, started_at, due_at, created_by,"
                   " created_at) VALUES (%s, 'first_contact', %s, %s, %s, %s)",
                   (case, NOW, NOW, me, NOW))
        bo.execute("INSERT INTO xinhe.risk_history (case_id, level, source, changed_by,"
                   " changed_at) VALUES (%s, 'high', 'assessment', %s, %s)", (case, me, NOW))
    with server.connect("staff1") as staff:
        assert _one(staff, "SELECT count(*) FROM xinhe.clocks WHERE case_id = %s", case) == 1
        assert _one(staff, "SELECT level FROM xinhe.risk_history WHERE case_id = %s",
                    case) == "high"
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            staff.execute("UPDATE xinhe.clocks SET status = 'met' WHERE case_id = %s", (case,))
    with server.connect("anna") as anna:  # another counsellor's case: nothing
        assert _one(anna, "SELECT count(*) FROM xinhe.clocks WHERE case_id = %s", case) == 0


def test_a_counsellor_sees_the_dispatch_of_her_case_only(
        server: StudioServer) -> None:  # noqa: F811
    with server.connect("staff1") as staff:
        me = _one(staff, "SELECT xinhe.current_user_id()")
        for ref in ("P-anna", "P-waiting"):
            staff.execute("INSERT INTO xinhe.platform_dispatches (platform_ref, dispatched_at,"
                          " grade, category, first_contact_due, agency, document, file_name,"
                          " file_sha256, received_by, received_at) VALUES (%s, %s, 'high',"
                          " 'dv', %s, 'platform', 'sealed-doc', 'd.json', 'h', %s, %s)",
                          (ref, NOW, NOW, me, NOW))
    with server.connect("sup") as sup:
        sup.execute("UPDATE xinhe.platform_dispatches SET status = 'accepted', case_id = %s"
                    " WHERE platform_ref = 'P-anna'", (server.rows["anna"]["case"],))
    with server.connect("anna") as anna:
        assert [r[0] for r in anna.execute(
            "SELECT platform_ref FROM xinhe.platform_dispatches").fetchall()] == ["P-anna"]
    with server.connect("bo") as bo:
        assert bo.execute("SELECT * FROM xinhe.platform_dispatches").fetchall() == []
