"""Who may see and do what on the studio server, enforced by PostgreSQL itself: helper
functions, forced row-level security on every case-scoped table, and per-role grants.

Mirrors xinhe/records/access.py. A session's Xinhe user is the `users` row whose `pg_role`
is the login (`session_user`); its Xinhe role is the one group role that login belongs to
(never the `users.role` text, which an administrator can edit).
"""

from __future__ import annotations

from xinhe.records.storage import pg_signing

GROUPS = {"admin": "xinhe_admin", "supervisor": "xinhe_supervisor",
          "counsellor": "xinhe_counsellor", "staff": "xinhe_staff"}
OWNER = "xinhe_owner"
CASE_ROLES = ("xinhe_supervisor", "xinhe_counsellor", "xinhe_staff")

# Helpers run as the owner (SECURITY DEFINER), which the owner_access policies let through,
# so a policy may ask about other tables without recursing into their policies.
HELPERS = """
CREATE FUNCTION xinhe.current_user_id() RETURNS bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT u.id FROM xinhe.users u
    WHERE u.pg_role = session_user AND u.active = 1 AND u.removed_at IS NULL $$;
CREATE FUNCTION xinhe.current_username() RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT u.username FROM xinhe.users u
    WHERE u.pg_role = session_user AND u.active = 1 AND u.removed_at IS NULL $$;
CREATE FUNCTION xinhe.current_role() RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT CASE WHEN count(*) = 1 THEN min(g.role) END
    FROM (VALUES ('admin'), ('supervisor'), ('counsellor'), ('staff')) AS g(role)
    WHERE xinhe.current_user_id() IS NOT NULL
      AND pg_has_role(session_user, 'xinhe_' || g.role, 'MEMBER') $$;
CREATE FUNCTION xinhe.my_case_ids() RETURNS SETOF bigint LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT c.id FROM xinhe.cases c WHERE c.counsellor_id = xinhe.current_user_id()
    UNION SELECT s.case_id FROM xinhe.case_shares s WHERE s.user_id = xinhe.current_user_id()
$$;
CREATE FUNCTION xinhe.client_has_case(p_client_id bigint) RETURNS boolean LANGUAGE sql
STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT EXISTS (SELECT 1 FROM xinhe.cases c WHERE c.client_id = p_client_id) $$;
CREATE FUNCTION xinhe.can_see_case(p_case_id bigint, p_need text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    who text := xinhe.current_role();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM xinhe.cases c WHERE c.id = p_case_id) THEN
        RETURN false;
    END IF;
    RETURN CASE who
        WHEN 'supervisor' THEN p_need IN ('header', 'notes', 'write', 'supervise')
        WHEN 'staff' THEN p_need = 'header'
        WHEN 'counsellor' THEN p_need IN ('header', 'notes', 'write')
            AND p_case_id IN (SELECT xinhe.my_case_ids())
        ELSE false END;
END $$;
CREATE FUNCTION xinhe.keep_column() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
    IF to_jsonb(NEW) -> TG_ARGV[0] IS DISTINCT FROM to_jsonb(OLD) -> TG_ARGV[0] THEN
        RAISE EXCEPTION 'the column % of % cannot be changed', TG_ARGV[0], TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION xinhe.supervisor_only_change() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
    IF (NEW.counsellor_id, NEW.supervisor_id) IS DISTINCT FROM
            (OLD.counsellor_id, OLD.supervisor_id)
            AND xinhe.current_role() IS DISTINCT FROM 'supervisor'
            AND xinhe.current_user_id() IS NOT NULL THEN
        RAISE EXCEPTION 'only a supervisor can reassign a case'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_reassign BEFORE UPDATE OF counsellor_id, supervisor_id ON xinhe.cases
    FOR EACH ROW EXECUTE FUNCTION xinhe.supervisor_only_change();
"""

R = "(SELECT xinhe.current_role())"
U = "(SELECT xinhe.current_user_id())"
MINE = "case_id IN (SELECT xinhe.my_case_ids())"
NOTES = f"({R} = 'supervisor' OR ({R} = 'counsellor' AND {MINE}))"
HEADER = f"({R} IN ('supervisor', 'staff') OR ({R} = 'counsellor' AND {MINE}))"
SUPERVISOR = f"({R} = 'supervisor')"
CASE_OWN = (f"({R} = 'counsellor' AND (counsellor_id = {U}"
            " OR id IN (SELECT xinhe.my_case_ids())))")
CLIENT_SEEN = (f"({R} = 'supervisor' OR ({R} IN ('counsellor', 'staff') AND EXISTS"
               " (SELECT 1 FROM xinhe.cases c WHERE c.client_id = clients.id))"
               f" OR ({R} = 'counsellor' AND created_by = {U}"
               " AND NOT xinhe.client_has_case(clients.id)))")
CLIENT_WRITE = (f"({R} = 'supervisor' OR ({R} = 'counsellor' AND (EXISTS"
                " (SELECT 1 FROM xinhe.cases c WHERE c.client_id = clients.id)"
                f" OR (created_by = {U} AND NOT xinhe.client_has_case(clients.id)))))")
# A confidential mark follows its client: whoever may see (or change) the client row.
CLIENT_OF = "client_id IN (SELECT cl.id FROM xinhe.clients cl)"

# table: (select, insert check, update, delete, the author column set to the writer).
POLICIES: dict[str, tuple[str, str, str, str, str]] = {
    "cases": (f"({R} IN ('supervisor', 'staff') OR {CASE_OWN})",
              f"({SUPERVISOR} OR ({R} = 'counsellor' AND counsellor_id = {U}))",
              f"({SUPERVISOR} OR {CASE_OWN})", SUPERVISOR, "created_by"),
    "clients": (CLIENT_SEEN, f"({R} IN ('supervisor', 'counsellor'))", CLIENT_WRITE,
                SUPERVISOR, "created_by"),
    "case_shares": (HEADER, f"({SUPERVISOR} OR ({R} = 'counsellor' AND case_id IN"
                    f" (SELECT c.id FROM xinhe.cases c WHERE c.counsellor_id = {U})))",
                    "false", f"({SUPERVISOR} OR ({R} = 'counsellor' AND case_id IN"
                    f" (SELECT c.id FROM xinhe.cases c WHERE c.counsellor_id = {U})))",
                    "shared_by"),
    "risk_history": (HEADER, NOTES, "false", SUPERVISOR, "changed_by"),  # as the level
    "sessions": (NOTES, NOTES, NOTES,
                 f"({SUPERVISOR} OR ({NOTES} AND signed_at IS NULL AND author_id = {U}))",
                 "author_id"),
    "crisis_interventions": (NOTES, NOTES, NOTES, SUPERVISOR, "author_id"),
    "assessments": (NOTES, NOTES, NOTES, SUPERVISOR, "author_id"),
    "addenda": (NOTES, NOTES, NOTES, SUPERVISOR, "author_id"),
    "safety_plans": (NOTES, NOTES, NOTES, SUPERVISOR, "author_id"),
    "followups": (NOTES, NOTES, NOTES, SUPERVISOR, "created_by"),
    "clocks": (HEADER, NOTES, NOTES, SUPERVISOR, "created_by"),  # deadlines: with the header
    "reviews": (NOTES, NOTES, NOTES, SUPERVISOR, "requested_by"),
    "attachments": (HEADER, NOTES, NOTES,
                    f"({SUPERVISOR} OR ({NOTES} AND added_by = {U}))", "added_by"),
    "consents": (HEADER, NOTES, NOTES, SUPERVISOR, "recorded_by"),
    "referrals": (HEADER, NOTES, f"({NOTES} OR {R} = 'staff')", SUPERVISOR, "created_by"),
    "client_confidential": (CLIENT_OF, f"({R} IN ('supervisor', 'counsellor') AND {CLIENT_OF})",
                            f"({R} IN ('supervisor', 'counsellor') AND {CLIENT_OF})",
                            f"({R} IN ('supervisor', 'counsellor') AND {CLIENT_OF})",
                            "marked_by"),
    "linked_persons": (NOTES, NOTES, NOTES, NOTES, "created_by"),
    "drafts": ("true", "true", "true", "true", "user_id"),
    "search_doc": (f"({NOTES} OR ({R} = 'staff' AND kind = 'case'))", NOTES, NOTES, NOTES,
                   ""),
    # Dispatches are received by staff or a supervisor and accepted by a supervisor
    # (xinhe/records/platform_inbox.py), then seen with their case (its automatic reports
    # ask whether it came from one); reports follow the case header, as referrals do.
    "platform_dispatches": (HEADER,
                            f"({R} IN ('supervisor', 'staff'))", SUPERVISOR, "false",
                            "received_by"),
    "platform_reports": (HEADER, HEADER, HEADER, SUPERVISOR, "created_by"),
    # A court extract holds note content: those who may read the notes, never changed.
    "court_extracts": (NOTES, NOTES, "false", SUPERVISOR, "created_by"),
    # A home visit's place says where she is: those who may read the notes, as locally.
    "appointments": (NOTES, NOTES, NOTES, SUPERVISOR, "created_by"),
}
# Settings a supervisor may change (platform_reports.set_auto_events); the rest are the
# administrator's.
SUPERVISOR_SETTINGS = ("platform.auto_report",)
# Drafts are their writer's alone, whatever the role.
OWN_ROW = {"drafts": f"user_id = {U}"}
CASE_SCOPED = tuple(POLICIES)

# Grants beyond the case-scoped tables' (which follow from POLICIES): (privilege, table,
# groups). Admins get no privilege at all on case content.
NOTE_TABLES = ("risk_history", "sessions", "crisis_interventions", "assessments", "addenda",
               "safety_plans", "followups", "clocks", "reviews", "drafts", "linked_persons",
               "client_confidential", "appointments")
STAFF_ATTACHMENT_COLUMNS = "id, case_id, kind, media_type, size, sha256, added_by, added_at"
STAFF_REFERRAL_COLUMNS = ("status, status_note, signed_by, signed_at, file_sha256, pdf,"
                          " delivered_at, delivered_to, acknowledged_at, acknowledgement,"
                          " version")


def grants() -> list[str]:
    """GRANT statements, each group getting only what its work needs."""
    every = ", ".join(GROUPS.values())
    workers = "xinhe_supervisor, xinhe_counsellor"
    out = [f"GRANT USAGE ON SCHEMA xinhe TO {every}",
           f"GRANT SELECT ON xinhe.users, xinhe.meta, xinhe.settings TO {every}",
           *pg_signing.grants(every),
           "GRANT UPDATE (display_name, active, last_login_at, removed_at) ON xinhe.users"
           " TO xinhe_admin",
           f"GRANT UPDATE (last_login_at) ON xinhe.users TO {', '.join(CASE_ROLES)}",
           "GRANT INSERT, UPDATE, DELETE ON xinhe.meta, xinhe.settings TO xinhe_admin",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON xinhe.key_slots TO {every}",
           "GRANT SELECT, INSERT, UPDATE ON xinhe.recovery_slot TO xinhe_admin",
           "GRANT SELECT ON xinhe.audit_event TO xinhe_admin, xinhe_supervisor",
           f"GRANT SELECT, INSERT, UPDATE ON xinhe.counters TO {', '.join(CASE_ROLES)}",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON xinhe.search_meta TO {workers}",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON xinhe.cases, xinhe.clients,"
           f" xinhe.case_shares, xinhe.consents, xinhe.referrals, xinhe.attachments,"
           f" xinhe.search_doc TO {workers}",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(f'xinhe.{t}' for t in NOTE_TABLES)}"
           f" TO {workers}",
           "GRANT SELECT ON xinhe.cases, xinhe.clients, xinhe.case_shares, xinhe.consents,"
           " xinhe.referrals, xinhe.search_doc,"
           " xinhe.client_confidential TO xinhe_staff",
           "GRANT SELECT, INSERT, UPDATE, DELETE ON xinhe.drafts TO xinhe_staff",
           f"GRANT SELECT ({STAFF_ATTACHMENT_COLUMNS}) ON xinhe.attachments TO xinhe_staff",
           f"GRANT UPDATE ({STAFF_REFERRAL_COLUMNS}) ON xinhe.referrals TO xinhe_staff",
           f"GRANT SELECT, INSERT, UPDATE, DELETE ON xinhe.platform_dispatches,"
           f" xinhe.platform_reports TO {workers}",
           "GRANT SELECT, INSERT, UPDATE ON xinhe.platform_dispatches,"
           " xinhe.platform_reports TO xinhe_staff",
           f"GRANT SELECT, INSERT, DELETE ON xinhe.court_extracts TO {workers}",
           "GRANT INSERT, UPDATE ON xinhe.settings TO xinhe_supervisor",
           "GRANT SELECT ON xinhe.clocks, xinhe.risk_history TO xinhe_staff"]
    functions = ("current_user_id()", "current_username()", "current_role()",
                 "my_case_ids()", "client_has_case(bigint)", "can_see_case(bigint, text)",
                 "audit_append(text, text, text, text)", "audit_head()")
    for function in (*functions, *CROSS_CASE_FUNCTIONS):
        out.append(f"GRANT EXECUTE ON FUNCTION xinhe.{function} TO {every}")
    return out


def revokes() -> list[str]:
    """Functions are executable by PUBLIC unless revoked; nothing may change the chain."""
    return ["REVOKE ALL ON SCHEMA xinhe FROM PUBLIC",
            "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA xinhe FROM PUBLIC",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON xinhe.audit_event FROM PUBLIC, {OWNER}"]


def row_security() -> list[str]:
    """ENABLE and FORCE row-level security with per-command policies on every case-scoped
    table, plus users, key slots and the recovery slot."""
    out: list[str] = []
    for table, (select, insert, update, delete, author) in POLICIES.items():
        own = OWN_ROW.get(table, "true")
        check_author = f" AND {author} = {U}" if author else ""
        out += [f"ALTER TABLE xinhe.{table} ENABLE ROW LEVEL SECURITY",
                f"ALTER TABLE xinhe.{table} FORCE ROW LEVEL SECURITY",
                f"CREATE POLICY owner_access ON xinhe.{table} TO {OWNER}"
                " USING (true) WITH CHECK (true)",
                f"CREATE POLICY read ON xinhe.{table} FOR SELECT USING ({select} AND {own})",
                f"CREATE POLICY add ON xinhe.{table} FOR INSERT"
                f" WITH CHECK ({insert} AND {own}{check_author})",
                f"CREATE POLICY change ON xinhe.{table} FOR UPDATE USING ({update} AND {own})"
                f" WITH CHECK ({update} AND {own})",
                f"CREATE POLICY remove ON xinhe.{table} FOR DELETE USING ({delete} AND {own})"]
        if author:
            out.append(f"CREATE TRIGGER {table}_keep_author BEFORE UPDATE OF {author}"
                       f" ON xinhe.{table} FOR EACH ROW"
                       f" EXECUTE FUNCTION xinhe.keep_column('{author}')")
    me = "(SELECT xinhe.current_username())"
    admin = f"({R} = 'admin')"
    out += ["ALTER TABLE xinhe.users ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE xinhe.users FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY owner_access ON xinhe.users TO {OWNER} USING (true)"
            " WITH CHECK (true)",
            "CREATE POLICY read ON xinhe.users FOR SELECT USING (true)",
            f"CREATE POLICY change ON xinhe.users FOR UPDATE USING ({admin} OR id = {U})"
            f" WITH CHECK ({admin} OR id = {U})"]
    for table, rule in (("key_slots", f"({admin} OR username = {me})"),
                        ("recovery_slot", admin)):
        out += [f"ALTER TABLE xinhe.{table} ENABLE ROW LEVEL SECURITY",
                f"ALTER TABLE xinhe.{table} FORCE ROW LEVEL SECURITY",
                f"CREATE POLICY owner_access ON xinhe.{table} TO {OWNER} USING (true)"
                " WITH CHECK (true)",
                f"CREATE POLICY mine ON xinhe.{table} USING ({rule}) WITH CHECK ({rule})"]
    # Settings: everyone reads; the administrator changes any; a supervisor only those the
    # services let a supervisor change (SUPERVISOR_SETTINGS).
    keys = ", ".join(f"'{k}'" for k in SUPERVISOR_SETTINGS)
    mine = f"({admin} OR ({SUPERVISOR} AND key IN ({keys})))"
    out += ["ALTER TABLE xinhe.settings ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE xinhe.settings FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY owner_access ON xinhe.settings TO {OWNER} USING (true)"
            " WITH CHECK (true)",
            "CREATE POLICY read ON xinhe.settings FOR SELECT USING (true)",
            f"CREATE POLICY add ON xinhe.settings FOR INSERT WITH CHECK ({mine})",
            f"CREATE POLICY change ON xinhe.settings FOR UPDATE USING ({mine})"
            f" WITH CHECK ({mine})",
            f"CREATE POLICY remove ON xinhe.settings FOR DELETE USING ({admin})"]
    return out


# What the duplicate check needs across cases, and no more (access.py's rule for clients a
# counsellor may not read): candidate ids by an exact (blinded) key, and for one candidate
# its sealed name (the workstation opens and masks it), birth year, case numbers and whom
# to contact. Likewise for a person who harmed a client (persons.py): the matches by a
# blinded key, the case number only where the caller may read that case.
CROSS_CASE = """
CREATE FUNCTION xinhe.followup_dates(p_case_id bigint)
RETURNS TABLE (id bigint, due_at text, done_at text, status text, reason text,
               template_id text, who text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT f.id, f.due_at, f.done_at, f.status, f.reason, f.template_id, u.display_name
    FROM xinhe.followups f JOIN xinhe.users u ON u.id = f.created_by
    WHERE f.case_id = p_case_id AND xinhe.can_see_case(p_case_id, 'header') $$;
CREATE FUNCTION xinhe.next_due(p_case_id bigint) RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT min(due) FROM (
        SELECT min(f.due_at) AS due FROM xinhe.followups f
        WHERE f.case_id = p_case_id AND f.status = 'due'
        UNION ALL
        SELECT min(k.due_at) FROM xinhe.clocks k
        WHERE k.case_id = p_case_id AND k.status = 'open') AS dues
    WHERE xinhe.can_see_case(p_case_id, 'header') $$;
CREATE FUNCTION xinhe.open_dues() RETURNS TABLE (case_id bigint, due text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT d.case_id, min(d.due) FROM (
        SELECT f.case_id, f.due_at AS due FROM xinhe.followups f WHERE f.status = 'due'
        UNION ALL
        SELECT k.case_id, k.due_at FROM xinhe.clocks k WHERE k.status = 'open') AS d
    WHERE (SELECT xinhe.current_role()) IN ('supervisor', 'staff')
       OR ((SELECT xinhe.current_role()) = 'counsellor'
           AND d.case_id IN (SELECT xinhe.my_case_ids()))
    GROUP BY d.case_id $$;
CREATE FUNCTION xinhe.case_number(p_case_id bigint) RETURNS text LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT c.case_no FROM xinhe.cases c WHERE c.id = p_case_id $$;
CREATE FUNCTION xinhe.client_exists(p_client_id bigint) RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT EXISTS (SELECT 1 FROM xinhe.clients c WHERE c.id = p_client_id) $$;
CREATE FUNCTION xinhe.duplicate_lookup(p_kind text, p_key text, p_other text, p_year integer,
                                       p_limit integer)
RETURNS TABLE (id bigint, birth_year integer) LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, xinhe AS $$
    SELECT c.id, c.birth_year FROM xinhe.clients c
    WHERE xinhe.current_role() IN ('supervisor', 'counsellor', 'staff')
      AND CASE p_kind WHEN 'name' THEN c.name_key = p_key
                      WHEN 'name_sound' THEN c.name_sound = p_key AND c.name_key <> p_other
                      WHEN 'phone' THEN c.phone_key = p_key
                      WHEN 'id_number' THEN c.id_key = p_key ELSE false END
    ORDER BY coalesce(CAST(c.birth_year = p_year AS integer), 0.5) DESC, c.id
    LIMIT p_limit $$;
CREATE FUNCTION xinhe.duplicate_summary(p_client_id bigint)
RETURNS TABLE (name text, birth_year integer, case_numbers text[], contacts text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT cl.name,
           cl.birth_year,
           ARRAY(SELECT c.case_no FROM xinhe.cases c WHERE c.client_id = cl.id
                 ORDER BY c.opened_at, c.id),
           CASE WHEN EXISTS (SELECT 1 FROM xinhe.cases c WHERE c.client_id = cl.id)
                THEN ARRAY(SELECT u.display_name FROM xinhe.cases c
                           JOIN xinhe.users u ON u.id = c.counsellor_id
                           WHERE c.client_id = cl.id ORDER BY c.opened_at, c.id)
                ELSE ARRAY(SELECT u.display_name FROM xinhe.users u
                           WHERE u.id = cl.created_by) END
    FROM xinhe.clients cl
    WHERE cl.id = p_client_id
      AND xinhe.current_role() IN ('supervisor', 'counsellor', 'staff') $$;
CREATE FUNCTION xinhe.abuser_lookup(p_case_id bigint, p_kind text, p_key text, p_year integer)
RETURNS TABLE (id bigint, name text, case_no text, display_name text, readable boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
    SELECT p.id, p.name, CASE WHEN xinhe.can_see_case(p.case_id, 'notes') THEN c.case_no END,
           u.display_name, xinhe.can_see_case(p.case_id, 'notes')
    FROM xinhe.linked_persons p JOIN xinhe.cases c ON c.id = p.case_id
    JOIN xinhe.users u ON u.id = c.counsellor_id
    WHERE xinhe.can_see_case(p_case_id, 'notes') AND p.relation = 'abuser'
      AND p.case_id <> p_case_id
      AND CASE p_kind WHEN 'id_number' THEN p.id_key = p_key
                      WHEN 'phone' THEN p.phone_key = p_key
                      WHEN 'name_birth_year' THEN p.name_key = p_key AND p.birth_year = p_year
                      ELSE false END
    ORDER BY p.id $$;
"""
# Search: `tokens @> query` is not a leakproof operator, so under row security PostgreSQL
# may not use the GIN index before the policy; and its planner does not count the cost of
# opening a document's token array (about 25 µs each, they are TOASTed), so left to itself
# it opens every visible document's. This function runs as the owner (whose policy is
# `true`), applies the search documents' own read policy itself (the same rows, the same
# rule) and picks the way by what it finds: the newest 500 visible documents are checked
# one by one (a common word fills the page there), and only if the page is not full does the
# rest come from the GIN index (a rare word: few documents to visit).
# The visibility below is the search_doc read policy above, with the role and the
# counsellor's cases looked up once instead of per row (tests/test_records_search.py runs
# the access rules on both homes).
CROSS_CASE += """
CREATE FUNCTION xinhe.search_match(p_tokens bigint[], p_before bigint, p_limit integer)
RETURNS TABLE (doc_id bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, xinhe SET enable_seqscan = on SET enable_indexscan = on AS $$
DECLARE
    who text := xinhe.current_role();
    mine bigint[] := '{}';
    seen text;
    r record;
    found integer := 0;
    scanned integer := 0;
    oldest bigint := p_before;
BEGIN
    IF who IS NULL OR who NOT IN ('supervisor', 'counsellor', 'staff') THEN
        RETURN;
    END IF;
    IF who = 'counsellor' THEN
        mine := ARRAY(SELECT xinhe.my_case_ids());
    END IF;
    -- Planned per call with the real values: a counsellor's cases by their index.
    seen := CASE who WHEN 'supervisor' THEN 'true' WHEN 'staff' THEN 'd.kind = ''case'''
            ELSE 'd.case_id = ANY($3)' END;
    FOR r IN EXECUTE 'SELECT d.id, d.tokens @> $1 AS hit FROM xinhe.search_doc d'
                     ' WHERE d.id < $2 AND ' || seen || ' ORDER BY d.id DESC LIMIT 500'
             USING p_tokens, p_before, mine LOOP
        scanned := scanned + 1;
        oldest := r.id;
        IF r.hit THEN
            doc_id := r.id;
            RETURN NEXT;
            found := found + 1;
            IF found >= p_limit THEN
                RETURN;
            END IF;
        END IF;
    END LOOP;
    IF scanned < 500 THEN
        RETURN;
    END IF;
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('enable_indexscan', 'off', true);
    RETURN QUERY EXECUTE 'SELECT d.id FROM xinhe.search_doc d WHERE d.tokens @> $1'
                         ' AND d.id < $2 AND ' || seen || ' ORDER BY d.id DESC LIMIT $4'
        USING p_tokens, oldest, mine, p_limit - found;
END $$;
"""
CROSS_CASE_FUNCTIONS = ("followup_dates(bigint)", "client_exists(bigint)",
                        "case_number(bigint)", "next_due(bigint)", "open_dues()",
                        "duplicate_lookup(text, text, text, integer, integer)",
                        "duplicate_summary(bigint)", "search_match(bigint[], bigint, integer)",
                        "abuser_lookup(bigint, text, text, integer)")
