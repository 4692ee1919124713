"""Retention on the studio server: the supervisor's purge and retention periods.

Row-level security is made for casework, not for erasing a case: a supervisor may not
delete a platform dispatch, nor read or delete another user's unsaved forms (drafts are
their writer's alone, and sealed). `xinhe.purge_case` deletes, as the schema owner and in
one transaction, every row of one closed case the way records/retention.py does in the
vault: its drafts (found by the draft keys the forms use), its search documents and their
blind tokens, every table with a case_id, the case, and the client when no other case is
theirs. Row triggers audit each deletion. The workstation decides which cases are due (the
periods are in settings); the server refuses a case that is not closed.
"""

from __future__ import annotations

# Tables deleted in this order (what refers to another row first); any other table with a
# case_id goes before them, as retention.case_tables orders them.
ORDER = ("referrals", "consents", "attachments", "addenda", "reviews", "clocks", "followups",
         "safety_plans", "assessments", "crisis_interventions", "sessions", "risk_history",
         "case_shares")
ARRAY = "ARRAY[" + ", ".join(f"'{t}'" for t in ORDER) + "]::text[]"

RETENTION = f"""
CREATE FUNCTION xinhe.purge_case(p_case_id bigint)
RETURNS TABLE (clients_removed integer, records_removed bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    v_client bigint;
    v_table text;
    v_count bigint;
    v_total bigint := 0;
BEGIN
    IF xinhe.current_role() IS DISTINCT FROM 'supervisor' THEN
        RAISE EXCEPTION 'only a supervisor purges a case' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT c.client_id INTO v_client FROM xinhe.cases c
        WHERE c.id = p_case_id AND c.status = 'closed' AND c.closed_at IS NOT NULL;
    IF v_client IS NULL THEN
        RAISE EXCEPTION 'only a closed case can be purged' USING ERRCODE = 'check_violation';
    END IF;
    -- Every user's unsaved forms about the case (keys as ui/dialogs/records.py makes them).
    DELETE FROM xinhe.drafts d
        WHERE d.draft_key IN ('session:new:' || p_case_id, 'crisis:' || p_case_id,
                              'safety_plan:' || p_case_id)
           OR d.draft_key LIKE 'assessment:' || p_case_id || ':%'
           OR d.draft_key IN (SELECT 'session:' || s.id FROM xinhe.sessions s
                              WHERE s.case_id = p_case_id)
           OR d.draft_key IN (SELECT 'followup:' || f.id FROM xinhe.followups f
                              WHERE f.case_id = p_case_id);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_total := v_total + v_count;
    DELETE FROM xinhe.search_doc WHERE case_id = p_case_id;  -- its tokens go with it
    FOR v_table IN
        SELECT c.table_name::text FROM information_schema.columns c
        WHERE c.table_schema = 'xinhe' AND c.column_name = 'case_id'
          AND c.table_name NOT IN ('cases', 'search_doc')
        ORDER BY array_position({ARRAY}, c.table_name::text) NULLS FIRST, c.table_name
    LOOP
        EXECUTE format('DELETE FROM xinhe.%I WHERE case_id = $1', v_table) USING p_case_id;
        GET DIAGNOSTICS v_count = ROW_COUNT;
        v_total := v_total + v_count;
    END LOOP;
    DELETE FROM xinhe.cases WHERE id = p_case_id;
    v_total := v_total + 1;
    IF EXISTS (SELECT 1 FROM xinhe.cases c WHERE c.client_id = v_client) THEN
        RETURN QUERY SELECT 0, v_total;
    ELSE
        DELETE FROM xinhe.clients WHERE id = v_client;
        RETURN QUERY SELECT 1, v_total + 1;
    END IF;
END $$;
CREATE FUNCTION xinhe.set_retention_policy(p_value text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
BEGIN
    IF xinhe.current_role() IS DISTINCT FROM 'supervisor' THEN
        RAISE EXCEPTION 'only a supervisor sets retention periods'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO xinhe.settings (key, value) VALUES ('retention.policy', p_value)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END $$;
"""
SIGNATURES = ("purge_case(bigint)", "set_retention_policy(text)")


def statements() -> list[str]:
    """Run after the schema's revokes: only supervisors may call them."""
    names = ", ".join(f"xinhe.{s}" for s in SIGNATURES)
    return [RETENTION, f"REVOKE EXECUTE ON FUNCTION {names} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION {names} TO xinhe_supervisor"]
