"""The statistics report on the studio server: one SECURITY DEFINER function that counts.

Row-level security shows a counsellor her own cases and staff no notes, yet the studio's
report counts sessions, crises and follow-ups over every case. `xinhe.stats_figures` runs as
the schema owner (search_path fixed), checks the caller's role and scope the way
`xinhe.records.stats.StatsService.scope_for` does (supervisor: anything; staff: the whole
studio or a community, never one counsellor; counsellor: her own caseload only; admin: not
even allowed to call it) and returns only (figure, key, key, count) rows: codes and counts,
never a case, a date, a name or a sealed value. The workstation puts the report together
(xinhe/records/stats_server.py) exactly as it does from the local vault's queries.
"""

from __future__ import annotations

# A case counts when it is the asked counsellor's (by assignment) and its client lives in
# the asked community; NULL asks for no filter.
SCOPE = ("(p_counsellor IS NULL OR c.counsellor_id = p_counsellor) AND (p_community IS NULL"
         " OR EXISTS (SELECT 1 FROM xinhe.clients cl WHERE cl.id = c.client_id"
         " AND cl.community = p_community))")
IN_PERIOD = "{col} >= p_lo AND {col} < p_hi"
OPEN_AT = "c.opened_at < m.t AND (c.closed_at IS NULL OR c.closed_at >= m.t)"

STATS = f"""
CREATE FUNCTION xinhe.stats_figures(p_lo text, p_hi text, p_starts text[], p_ends text[],
                                    p_moments text[], p_midnights text[], p_today text,
                                    p_counsellor bigint, p_community text)
RETURNS TABLE (figure text, k1 text, k2 text, n bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
DECLARE
    who text := xinhe.current_role();
BEGIN
    IF NOT coalesce(who = 'supervisor' OR (who = 'staff' AND p_counsellor IS NULL)
                    OR (who = 'counsellor' AND p_counsellor = xinhe.current_user_id()),
                    false) THEN
        RAISE EXCEPTION 'statistics beyond what this role may count'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_lo IS NULL OR p_hi IS NULL OR p_today IS NULL
            OR cardinality(p_starts) IS DISTINCT FROM cardinality(p_ends) THEN
        RAISE EXCEPTION 'a period needs its bounds' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Sessions per month: how many, persons served, distinct cases.
    RETURN QUERY SELECT f.fig, (m.i - 1)::text, NULL::text, f.v
        FROM unnest(p_starts, p_ends) WITH ORDINALITY AS m(a, b, i)
        CROSS JOIN LATERAL (
            SELECT count(*) AS s, coalesce(sum(s.persons_served), 0)::bigint AS p,
                   count(DISTINCT s.case_id) AS k
            FROM xinhe.sessions s JOIN xinhe.cases c ON c.id = s.case_id
            WHERE s.started_at >= m.a AND s.started_at < m.b AND {SCOPE}) AS x
        CROSS JOIN LATERAL (VALUES ('month_sessions'::text, x.s), ('month_persons', x.p),
                                   ('month_cases', x.k)) AS f(fig, v);
    RETURN QUERY SELECT 'unsigned'::text, NULL::text, NULL::text, count(*)
        FROM xinhe.sessions s JOIN xinhe.cases c ON c.id = s.case_id
        WHERE {IN_PERIOD.format(col="s.started_at")} AND s.signed_at IS NULL AND {SCOPE};
    RETURN QUERY SELECT 'served_category'::text, c.category, NULL::text, count(*)
        FROM xinhe.cases c
        WHERE EXISTS (SELECT 1 FROM xinhe.sessions s WHERE s.case_id = c.id
                      AND {IN_PERIOD.format(col="s.started_at")}) AND {SCOPE}
        GROUP BY c.category;
    -- Cases opened in the period, and of those the ones closed by its end (handled).
    RETURN QUERY SELECT f.fig, x.category, x.source, f.v FROM (
            SELECT c.category, c.source, count(*) AS opened,
                   count(*) FILTER (WHERE c.closed_at IS NOT NULL AND c.closed_at < p_hi)
                       AS handled
            FROM xinhe.cases c WHERE {IN_PERIOD.format(col="c.opened_at")} AND {SCOPE}
            GROUP BY c.category, c.source) AS x
        CROSS JOIN LATERAL (VALUES ('opened'::text, x.opened), ('handled', x.handled))
            AS f(fig, v);
    RETURN QUERY SELECT 'month_opened'::text, (m.i - 1)::text, NULL::text,
            (SELECT count(*) FROM xinhe.cases c
             WHERE c.opened_at >= m.a AND c.opened_at < m.b AND {SCOPE})
        FROM unnest(p_starts, p_ends) WITH ORDINALITY AS m(a, b, i);
    RETURN QUERY SELECT 'closed'::text, NULL::text, NULL::text, count(*)
        FROM xinhe.cases c WHERE {IN_PERIOD.format(col="c.closed_at")} AND {SCOPE};
    RETURN QUERY SELECT 'crises'::text, k.kind, (k.on_site <> 0)::integer::text, count(*)
        FROM xinhe.crisis_interventions k JOIN xinhe.cases c ON c.id = k.case_id
        WHERE {IN_PERIOD.format(col="k.occurred_at")} AND {SCOPE}
        GROUP BY k.kind, (k.on_site <> 0);
    RETURN QUERY SELECT 'crisis_cases'::text, NULL::text, NULL::text,
            count(DISTINCT k.case_id)
        FROM xinhe.crisis_interventions k JOIN xinhe.cases c ON c.id = k.case_id
        WHERE {IN_PERIOD.format(col="k.occurred_at")} AND {SCOPE};
    RETURN QUERY SELECT 'referrals'::text, r.agency, r.status, count(*)
        FROM xinhe.referrals r JOIN xinhe.cases c ON c.id = r.case_id
        WHERE {IN_PERIOD.format(col="r.created_at")} AND {SCOPE}
        GROUP BY r.agency, r.status;
    -- Follow-ups due in the period; one done after its due time is still on time before
    -- the local midnight that ends its due day (the first of p_midnights after it).
    RETURN QUERY SELECT 'followups'::text, f.fig, NULL::text, f.v FROM (
            SELECT count(*) FILTER (WHERE x.status = 'cancelled') AS cancelled,
                   count(*) FILTER (WHERE x.status = 'due' AND x.due_at < p_today) AS overdue,
                   count(*) FILTER (WHERE x.status = 'due' AND x.due_at >= p_today) AS waiting,
                   count(*) FILTER (WHERE x.status = 'done' AND (x.done_at IS NULL
                       OR x.done_at < x.due_at OR x.done_at < x.day_end)) AS on_time,
                   count(*) FILTER (WHERE x.status = 'done' AND x.done_at >= x.due_at
                       AND NOT coalesce(x.done_at < x.day_end, false)) AS late
            FROM (SELECT w.status, w.due_at, w.done_at,
                         (SELECT min(t) FROM unnest(p_midnights) AS t WHERE t > w.due_at)
                             AS day_end
                  FROM xinhe.followups w JOIN xinhe.cases c ON c.id = w.case_id
                  WHERE {IN_PERIOD.format(col="w.due_at")} AND {SCOPE}) AS x) AS y
        CROSS JOIN LATERAL (VALUES ('cancelled'::text, y.cancelled), ('overdue', y.overdue),
                                   ('not_yet_due', y.waiting), ('on_time', y.on_time),
                                   ('late', y.late)) AS f(fig, v);
    -- Legal clocks: minor reports made or still owed, protection orders and decisions.
    RETURN QUERY SELECT 'legal'::text, f.fig, NULL::text, f.v FROM (
            SELECT count(*) FILTER (WHERE x.kind = 'minor_report' AND x.status = 'met'
                       AND x.met_at IS NOT NULL AND x.met_at >= p_lo AND x.met_at < p_hi)
                       AS minor_reports,
                   count(*) FILTER (WHERE x.kind = 'minor_report' AND x.status = 'open'
                       AND x.started_in) AS minor_outstanding,
                   count(*) FILTER (WHERE x.kind = 'po_application' AND x.started_in)
                       AS po_applications,
                   count(*) FILTER (WHERE x.kind = 'po_application' AND x.started_in
                       AND x.status = 'met' AND x.granted = 'true'::jsonb) AS po_granted,
                   count(*) FILTER (WHERE x.kind = 'po_application' AND x.started_in
                       AND x.status = 'met' AND x.granted = 'false'::jsonb) AS po_refused
            FROM (SELECT k.kind, k.status, k.met_at,
                         k.started_at >= p_lo AND k.started_at < p_hi AS started_in,
                         CASE WHEN jsonb_typeof(nullif(k.details, '')::jsonb) = 'object'
                              THEN nullif(k.details, '')::jsonb -> 'granted' END AS granted
                  FROM xinhe.clocks k JOIN xinhe.cases c ON c.id = k.case_id
                  WHERE k.kind IN ('minor_report', 'po_application') AND {SCOPE}
                    AND ({IN_PERIOD.format(col="k.started_at")}
                         OR {IN_PERIOD.format(col="k.met_at")})) AS x) AS y
        CROSS JOIN LATERAL (VALUES ('minor_reports'::text, y.minor_reports),
                                   ('minor_outstanding', y.minor_outstanding),
                                   ('po_applications', y.po_applications),
                                   ('po_granted', y.po_granted),
                                   ('po_refused', y.po_refused)) AS f(fig, v);
    -- Open cases at each moment, and the net of their risk changes before it per level
    -- (+1 for the level set, -1 for the level it replaced), as stats_queries.open_by_risk.
    RETURN QUERY SELECT 'open'::text, (m.i - 1)::text, NULL::text, count(*)
        FROM unnest(p_moments) WITH ORDINALITY AS m(t, i)
        JOIN xinhe.cases c ON {OPEN_AT} AND {SCOPE}
        GROUP BY m.i;
    RETURN QUERY SELECT 'risk'::text, (m.i - 1)::text, l.level,
            sum(CASE WHEN h.level = l.level THEN 1 ELSE 0 END
                - CASE WHEN h.previous = l.level THEN 1 ELSE 0 END)::bigint
        FROM unnest(p_moments) WITH ORDINALITY AS m(t, i)
        JOIN xinhe.cases c ON {OPEN_AT} AND {SCOPE}
        JOIN xinhe.risk_history h ON h.case_id = c.id AND h.changed_at < m.t
        CROSS JOIN (VALUES ('high'::text), ('medium'), ('low')) AS l(level)
        GROUP BY m.i, l.level;
END $$;
"""
SIGNATURE = "stats_figures(text, text, text[], text[], text[], text[], text, bigint, text)"
#: Who may call it at all: the roles that run statistics (never the administrator).
CALLERS = ("xinhe_supervisor", "xinhe_staff", "xinhe_counsellor")


def statements() -> list[str]:
    """Run after the schema's revokes (a function made later is PUBLIC's unless revoked)."""
    return [STATS, f"REVOKE EXECUTE ON FUNCTION xinhe.{SIGNATURE} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION xinhe.{SIGNATURE} TO {', '.join(CALLERS)}"]
