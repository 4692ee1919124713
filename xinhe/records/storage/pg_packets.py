"""What staff may read on the studio server to make a referral packet, and nothing more.

Row-level security keeps every note table from staff. A packet, though, carries parts of
the record (incident summary, checklists, safety plan, the latest signed session notes,
chosen attachments: records/referral_packets.py, filtered by the agency policy on the
workstation). These SECURITY DEFINER functions hand staff those sources of one case only
while that case has a draft referral covered by an active consent (or legal basis) for its
agency and purpose: the moment staff export it. Values stay sealed; the workstation opens
them. Never more sessions than a packet can hold (the latest three signed).
"""

from __future__ import annotations

#: Signed session notes a packet holds at most (packet_sources.SESSION_NOTES_IN_PACKET).
SESSIONS_IN_PACKET = 3
GATE = """xinhe.current_role() = 'staff' AND EXISTS (
        SELECT 1 FROM xinhe.referrals r JOIN xinhe.consents k ON k.case_id = r.case_id
            AND k.purpose = r.purpose AND k.recipient = r.agency AND k.withdrawn_at IS NULL
        WHERE r.case_id = p_case_id AND r.status = 'draft')"""
HEAD = ("LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$")

PACKETS = f"""
CREATE FUNCTION xinhe.packet_assessments(p_case_id bigint)
RETURNS TABLE (id bigint, case_id bigint, template_id text, template_version integer,
               answers text, score text, level text, assessed_at text)
{HEAD}
    SELECT a.id, a.case_id, a.template_id, a.template_version, a.answers, a.score, a.level,
           a.assessed_at FROM xinhe.assessments a
    WHERE a.case_id = p_case_id AND {GATE} $$;
CREATE FUNCTION xinhe.packet_safety_plan(p_case_id bigint)
RETURNS TABLE (id bigint, template_id text, template_version integer, answers text,
               created_at text)
{HEAD}
    SELECT p.id, p.template_id, p.template_version, p.answers, p.created_at
    FROM xinhe.safety_plans p WHERE p.case_id = p_case_id AND {GATE}
    ORDER BY p.id DESC LIMIT 1 $$;
CREATE FUNCTION xinhe.packet_sessions(p_case_id bigint)
RETURNS TABLE (id bigint, started_at text, duration_min integer, modality text,
               template_id text, template_version integer, answers text)
{HEAD}
    SELECT s.id, s.started_at, s.duration_min, s.modality, s.template_id,
           s.template_version, s.answers
    FROM xinhe.sessions s
    WHERE s.case_id = p_case_id AND s.signed_at IS NOT NULL AND {GATE}
    ORDER BY s.started_at DESC, s.id DESC LIMIT {SESSIONS_IN_PACKET} $$;
CREATE FUNCTION xinhe.packet_addenda(p_case_id bigint, p_session_id bigint)
RETURNS TABLE (text text, created_at text)
{HEAD}
    SELECT d.text, d.created_at FROM xinhe.addenda d
    WHERE d.case_id = p_case_id AND d.parent_type = 'session' AND d.parent_id = p_session_id
      AND p_session_id IN (SELECT s.id FROM xinhe.packet_sessions(p_case_id) s)
    ORDER BY d.id $$;
CREATE FUNCTION xinhe.packet_attachments(p_case_id bigint, p_kinds text[])
RETURNS TABLE (filename text, media_type text, size bigint, sha256 text, data bytea)
{HEAD}
    SELECT t.filename, t.media_type, t.size, t.sha256, t.data FROM xinhe.attachments t
    WHERE t.case_id = p_case_id AND t.kind = ANY (p_kinds) AND {GATE}
    ORDER BY t.added_at, t.id $$;
"""
SIGNATURES = ("packet_assessments(bigint)", "packet_safety_plan(bigint)",
              "packet_sessions(bigint)", "packet_addenda(bigint, bigint)",
              "packet_attachments(bigint, text[])")


def statements() -> list[str]:
    """Run after the schema's revokes: only staff may call them (others read the tables)."""
    names = ", ".join(f"xinhe.{s}" for s in SIGNATURES)
    return [PACKETS, f"REVOKE EXECUTE ON FUNCTION {names} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION {names} TO xinhe_staff"]
