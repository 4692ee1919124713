"""Who may read and replace the studio's signing identity on the studio server.

Everyone signed in reads the certificates (they are public); only the administrator writes a
new identity. The private key column (sealed: only a workstation opens it) is readable by no
role: the roles that sign (supervisor, counsellor, staff) take the current key through
`xinhe.signing_key()` at the moment they sign, and nothing else reaches it.
"""

from __future__ import annotations

#: The signing_identities columns every signed-in role may read: all but the key.
PUBLIC_COLUMNS = ("id, subject, fingerprint, not_before, not_after, certificate, source,"
                  " created_by, created_at, retired_at")
SIGNERS = ("supervisor", "counsellor", "staff")  # signing_store.SIGNING_ROLES

SIGNING_KEY = f"""
CREATE FUNCTION xinhe.signing_key() RETURNS TABLE (private_key bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, xinhe AS $$
BEGIN
    IF xinhe.current_role() IS NULL
            OR xinhe.current_role() NOT IN ({', '.join(f"'{r}'" for r in SIGNERS)}) THEN
        RAISE EXCEPTION 'only those who sign referrals load the signing key'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY SELECT s.private_key FROM xinhe.signing_identities s
        WHERE s.retired_at IS NULL;
END $$;
"""


def grants(every: str) -> list[str]:
    """The certificate columns for every group (`every`); writing for the administrator."""
    return [f"GRANT SELECT ({PUBLIC_COLUMNS}) ON xinhe.signing_identities TO {every}",
            "GRANT INSERT, UPDATE (retired_at, private_key) ON xinhe.signing_identities"
            " TO xinhe_admin"]


def statements() -> list[str]:
    """Run after the schema's revokes: only the signers may call `signing_key()`."""
    signers = ", ".join(f"xinhe_{r}" for r in SIGNERS)
    return [SIGNING_KEY, "REVOKE EXECUTE ON FUNCTION xinhe.signing_key() FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION xinhe.signing_key() TO {signers}"]
