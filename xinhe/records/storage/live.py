"""Two desks at once on the studio server: change notifications and who changed a record.

Triggers on the case-scoped tables send `NOTIFY xinhe_changes` with the table and the case
id only (never a value of the row); a workstation listens on its own connection, on its own
thread, and tells its screens to refresh. `last_change` tells a refused save who saved the
record meanwhile, and when, from the server's audit chain.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import make_conninfo

CHANNEL = "xinhe_changes"

# Table -> the kind of record the screens know it by (the UI's "records changed" kinds).
TABLE_KINDS: dict[str, str] = {
    "cases": "case", "clients": "client", "case_shares": "case", "risk_history": "risk",
    "sessions": "session", "crisis_interventions": "crisis", "assessments": "assessment",
    "addenda": "session", "safety_plans": "case", "followups": "followup", "clocks": "clock",
    "reviews": "review", "attachments": "attachment", "consents": "consent",
    "referrals": "referral", "linked_persons": "person", "client_confidential": "client",
    "platform_dispatches": "platform", "platform_reports": "platform",
    "court_extracts": "court_extract", "appointments": "appointment",
}

# The tables whose refused saves name who changed the row (they carry a version column).
VERSIONED = ("sessions", "clients", "referrals", "linked_persons", "followups",
             "appointments")

NOTIFY_SQL = f"""
CREATE FUNCTION xinhe.notify_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
DECLARE
    rec jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME,
        'case', CASE WHEN TG_TABLE_NAME = 'cases' THEN rec -> 'id'
                     ELSE rec -> 'case_id' END)::text);
    RETURN NULL;
END $$;
CREATE FUNCTION xinhe.last_change(p_table text, p_id text, OUT display_name text,
                                  OUT ts text, OUT workstation text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    visible boolean;
BEGIN
    -- Only for a row the caller may write: who worked on a record is not everyone's.
    IF p_table NOT IN ({", ".join(f"'{t}'" for t in VERSIONED)}) THEN
        RETURN;
    ELSIF p_table = 'clients' THEN
        visible := xinhe.current_role() IN ('counsellor', 'supervisor');
    ELSE
        EXECUTE format('SELECT xinhe.can_see_case(case_id, ''write'') FROM xinhe.%I'
                       ' WHERE id = $1', p_table) INTO visible USING p_id::bigint;
    END IF;
    IF NOT coalesce(visible, false) THEN
        RETURN;
    END IF;
    SELECT coalesce(u.display_name, a."user"), a.ts, a.workstation
        INTO display_name, ts, workstation
        FROM xinhe.audit_event a LEFT JOIN xinhe.users u ON u.username = a."user"
        WHERE a.object_type = p_table AND a.object_id = p_id
          AND a.action IN (p_table || '.update', p_table || '.insert')
        ORDER BY a.seq DESC LIMIT 1;
END $$;
"""


def statements() -> list[str]:
    """Run after the schema's grants and revokes (which take EXECUTE from PUBLIC)."""
    triggers = [f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON"
                f" xinhe.{table} FOR EACH ROW EXECUTE FUNCTION xinhe.notify_change()"
                for table in TABLE_KINDS]
    return [NOTIFY_SQL, *triggers,
            "REVOKE EXECUTE ON FUNCTION xinhe.notify_change(), xinhe.last_change(text, text)"
            " FROM PUBLIC",
            "GRANT EXECUTE ON FUNCTION xinhe.last_change(text, text) TO xinhe_supervisor,"
            " xinhe_counsellor, xinhe_staff"]


@dataclass(frozen=True)
class Change:
    """One notification: which table changed, in which case (None: not case-bound)."""

    table: str
    case_id: int | None

    @property
    def kind(self) -> str:
        return TABLE_KINDS.get(self.table, self.table)


def parse(payload: str) -> Change | None:
    """A notification's payload, or None if it is not one of ours."""
    try:
        data = json.loads(payload)
        table = str(data["table"])
        case = data.get("case")
        return Change(table, int(case) if case is not None else None)
    except (ValueError, KeyError, TypeError):
        return None


class ChangeListener:
    """LISTENs on its own connection, on its own thread. `on_change` gets each Change and
    `on_reachable(bool)` each change of whether the server answers; both are called on the
    listener's thread. A lost connection is retried every `retry` seconds until stop()."""

    def __init__(self, conninfo: str, on_change: Callable[[Change], None],
                 on_reachable: Callable[[bool], None] | None = None,
                 retry: float = 1.0) -> None:
        # Keepalives: a cut cable is noticed in seconds, not at the next TCP timeout.
        self._conninfo = make_conninfo(conninfo, application_name="xinhe-live",
                                       connect_timeout="3", keepalives="1",
                                       keepalives_idle="5", keepalives_interval="2",
                                       keepalives_count="2")
        self._on_change = on_change
        self._on_reachable = on_reachable
        self._retry = retry
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._reachable: bool | None = None
        self._thread = threading.Thread(target=self._run, name="xinhe-live", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """True once LISTEN is in force (changes from then on are delivered)."""
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _set_reachable(self, reachable: bool) -> None:
        if reachable != self._reachable:
            self._reachable = reachable
            if self._on_reachable is not None:
                self._on_reachable(reachable)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self._set_reachable(True)
                    while not self._stop.is_set():
                        # Short waits so stop() is honoured promptly.
                        for note in conn.notifies(timeout=0.2):
                            change = parse(note.payload)
                            if change is not None:
                                self._on_change(change)
            except psycopg.Error:
                self._listening.clear()
                self._set_reachable(False)
                self._stop.wait(self._retry)
