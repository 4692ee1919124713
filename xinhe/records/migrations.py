"""Numbered schema migrations. The version lives in `PRAGMA user_version`.

Never edit a migration that has shipped: add a new one. Old vaults kept in
tests/fixtures prove that each one still upgrades.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    fill: Callable[[Any], None] | None = None  # fills new columns (in the same transaction)

    def statements(self) -> list[str]:
        # Statements are separated by a line holding only ";;" so triggers can hold ";".
        return [s.strip() for s in self.sql.split("\n;;\n") if s.strip()]


V1_FOUNDATION = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
;;
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','supervisor','counsellor','staff')),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    last_login_at TEXT,
    removed_at    TEXT
)
;;
CREATE TABLE audit_event (
    seq          INTEGER PRIMARY KEY,
    ts           TEXT NOT NULL,
    user         TEXT NOT NULL,
    role         TEXT NOT NULL,
    workstation  TEXT NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
)
;;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
;;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
;;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""


V2_CASEWORK = """
CREATE TABLE clients (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    gender        TEXT,
    birth_date    TEXT,
    birth_year    INTEGER,
    phone         TEXT,
    phone_key     TEXT,
    id_number     TEXT,
    id_key        TEXT,
    street        TEXT,
    community     TEXT,
    address       TEXT,
    guardian_name TEXT,
    guardian_phone TEXT,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX clients_name_year ON clients (name_key, birth_year)
;;
CREATE INDEX clients_phone ON clients (phone_key)
;;
CREATE INDEX clients_id ON clients (id_key)
;;
CREATE TABLE counters (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (name, year)
)
;;
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    case_no         TEXT NOT NULL UNIQUE,
    client_id       INTEGER NOT NULL REFERENCES clients(id),
    category        TEXT NOT NULL,
    source          TEXT NOT NULL,
    platform_ref    TEXT,
    status          TEXT NOT NULL DEFAULT 'intake',
    closure_reason  TEXT,
    closure_note    TEXT,
    opened_at       TEXT NOT NULL,
    closed_at       TEXT,
    counsellor_id   INTEGER NOT NULL REFERENCES users(id),
    supervisor_id   INTEGER REFERENCES users(id),
    risk_level      TEXT,
    risk_override   TEXT,
    risk_updated_at TEXT,
    summary         TEXT,
    created_by      INTEGER NOT NULL REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX cases_counsellor ON cases (counsellor_id, status)
;;
CREATE INDEX cases_status ON cases (status, risk_level)
;;
CREATE INDEX cases_opened ON cases (opened_at)
;;
CREATE TABLE case_shares (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    shared_by INTEGER NOT NULL REFERENCES users(id),
    shared_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
)
;;
CREATE TABLE risk_history (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    level       TEXT,
    previous    TEXT,
    source      TEXT NOT NULL,
    reason      TEXT,
    changed_by  INTEGER NOT NULL REFERENCES users(id),
    changed_at  TEXT NOT NULL
)
;;
CREATE INDEX risk_history_case ON risk_history (case_id, id)
;;
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    started_at       TEXT NOT NULL,
    duration_min     INTEGER NOT NULL,
    modality         TEXT NOT NULL,
    persons_served   INTEGER NOT NULL DEFAULT 1,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    answers          TEXT NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    signed_at        TEXT,
    content_hash     TEXT,
    cosign_required  INTEGER NOT NULL DEFAULT 0,
    cosigned_by      INTEGER REFERENCES users(id),
    cosigned_at      TEXT,
    version          INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX sessions_case ON sessions (case_id, started_at)
;;
CREATE INDEX sessions_started ON sessions (started_at)
;;
CREATE TRIGGER sessions_locked BEFORE UPDATE OF started_at, duration_min, modality,
    persons_served, template_id, template_version, answers, author_id, signed_at,
    content_hash ON sessions
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a signed note is locked: add an addendum instead'); END
;;
CREATE TABLE crisis_interventions (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    occurred_at      TEXT NOT NULL,
    kind             TEXT NOT NULL,
    on_site          INTEGER NOT NULL,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    answers          TEXT NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    signed_at        TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    cosign_required  INTEGER NOT NULL DEFAULT 0,
    cosigned_by      INTEGER REFERENCES users(id),
    cosigned_at      TEXT
)
;;
CREATE INDEX crisis_case ON crisis_interventions (case_id)
;;
CREATE INDEX crisis_occurred ON crisis_interventions (occurred_at)
;;
CREATE TRIGGER crisis_locked BEFORE UPDATE OF occurred_at, kind, on_site, template_id,
    template_version, answers, author_id, signed_at, content_hash ON crisis_interventions
BEGIN SELECT RAISE(ABORT, 'a signed record is locked: add an addendum instead'); END
;;
CREATE TABLE assessments (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    answers          TEXT NOT NULL,
    score            TEXT NOT NULL,
    level            TEXT,
    assessed_at      TEXT NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    content_hash     TEXT NOT NULL
)
;;
CREATE INDEX assessments_case ON assessments (case_id, template_id, assessed_at)
;;
CREATE TRIGGER assessments_locked BEFORE UPDATE ON assessments
BEGIN SELECT RAISE(ABORT, 'a recorded assessment is locked: add an addendum instead'); END
;;
CREATE TABLE addenda (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    parent_type TEXT NOT NULL,
    parent_id   INTEGER NOT NULL,
    text        TEXT NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    content_hash TEXT NOT NULL
)
;;
CREATE INDEX addenda_parent ON addenda (parent_type, parent_id)
;;
CREATE TRIGGER addenda_locked BEFORE UPDATE ON addenda
BEGIN SELECT RAISE(ABORT, 'an addendum is locked'); END
;;
CREATE TABLE safety_plans (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    template_id      TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    answers          TEXT NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL
)
;;
CREATE INDEX safety_plans_case ON safety_plans (case_id, id)
;;
CREATE TABLE followups (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    due_at           TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT 'routine',
    planned_method   TEXT,
    status           TEXT NOT NULL DEFAULT 'due',
    done_at          TEXT,
    done_by          INTEGER REFERENCES users(id),
    template_id      TEXT,
    template_version INTEGER,
    answers          TEXT,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX followups_due ON followups (status, due_at)
;;
CREATE INDEX followups_case ON followups (case_id, status, due_at)
;;
CREATE TABLE clocks (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    urgent      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open',
    met_at      TEXT,
    details     TEXT NOT NULL DEFAULT '{}',
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL
)
;;
CREATE INDEX clocks_due ON clocks (status, due_at)
;;
CREATE INDEX clocks_case ON clocks (case_id, status, due_at)
;;
CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    target_type   TEXT NOT NULL,
    target_id     INTEGER NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open',
    due_at        TEXT NOT NULL,
    requested_by  INTEGER NOT NULL REFERENCES users(id),
    requested_at  TEXT NOT NULL,
    reviewer_id   INTEGER REFERENCES users(id),
    decided_at    TEXT,
    comment       TEXT
)
;;
CREATE INDEX reviews_open ON reviews (status, due_at)
;;
CREATE INDEX reviews_case ON reviews (case_id)
;;
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    data        BLOB NOT NULL,
    description TEXT,
    added_by    INTEGER NOT NULL REFERENCES users(id),
    added_at    TEXT NOT NULL
)
;;
CREATE INDEX attachments_case ON attachments (case_id)
;;
CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    purpose       TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    form          TEXT,
    legal_basis   TEXT,
    basis_note    TEXT,
    given_at      TEXT NOT NULL,
    given_by      TEXT,
    attachment_id INTEGER REFERENCES attachments(id),
    recorded_by   INTEGER NOT NULL REFERENCES users(id),
    recorded_at   TEXT NOT NULL,
    withdrawn_at  TEXT,
    withdrawn_by  INTEGER REFERENCES users(id),
    CHECK ((form IS NULL) != (legal_basis IS NULL))
)
;;
CREATE INDEX consents_case ON consents (case_id, purpose, recipient)
;;
CREATE TABLE referrals (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    referral_no  TEXT NOT NULL UNIQUE,
    agency       TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    urgency      TEXT NOT NULL DEFAULT 'normal',
    summary      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'draft',
    status_note  TEXT,
    consent_id   INTEGER REFERENCES consents(id),
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    signed_by    INTEGER REFERENCES users(id),
    signed_at    TEXT,
    file_sha256  TEXT,
    pdf          BLOB,
    delivered_at TEXT,
    delivered_to TEXT,
    acknowledged_at TEXT,
    acknowledgement TEXT,
    version      INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX referrals_case ON referrals (case_id)
;;
CREATE INDEX referrals_status ON referrals (status, created_at)
;;
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    draft_key   TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    payload     TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (user_id, draft_key)
)
"""

# The full-text index (xinhe/records/search.py): a trigram index for 3+ characters and a
# character/pair index that keeps 1–2 character Chinese queries fast.
V2_SEARCH = """
;;
CREATE TABLE search_doc (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_key TEXT NOT NULL UNIQUE,
    case_id INTEGER,
    kind    TEXT NOT NULL,
    title   TEXT NOT NULL DEFAULT '',
    body    TEXT NOT NULL DEFAULT '',
    ts      TEXT NOT NULL
)
;;
CREATE INDEX search_doc_case ON search_doc(case_id)
;;
CREATE INDEX search_doc_scope ON search_doc(id, kind, case_id)
;;
CREATE VIRTUAL TABLE search_tri USING fts5(
    text, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1
)
;;
CREATE VIRTUAL TABLE search_gram USING fts5(
    grams, tokenize = 'ascii', detail = none, content = '', contentless_delete = 1
)
;;
CREATE TABLE search_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

# The studio's signing identity for referral PDFs. The private key (SigningIdentity.
# to_private_bytes) lives only here, inside the encrypted database; a replaced identity keeps
# its certificate (receivers may still check old packets) and loses its key.
V3_SIGNING = """
CREATE TABLE signing_identities (
    id          INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT NOT NULL,
    certificate BLOB NOT NULL,
    private_key BLOB,
    source      TEXT NOT NULL CHECK (source IN ('generated', 'imported')),
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    retired_at  TEXT,
    CHECK ((retired_at IS NULL) = (private_key IS NOT NULL))
)
;;
CREATE UNIQUE INDEX signing_identities_one_current ON signing_identities
    (coalesce(retired_at, '')) WHERE retired_at IS NULL
"""

# Statistics (xinhe/records/stats_queries.py): covering indexes, so a year's figures never
# read a session's row (its note) — on the encrypted vault every page read is a decryption.
# The two session indexes and the risk-history index are widened in place (same names, the
# old columns first), so every query that used them still does; the others let a
# counsellor's or a community's figures start from their few cases.
V4_STATISTICS = """
DROP INDEX sessions_case
;;
CREATE INDEX sessions_case ON sessions (case_id, started_at, persons_served)
;;
DROP INDEX sessions_started
;;
CREATE INDEX sessions_started ON sessions (started_at, case_id, persons_served)
;;
CREATE INDEX sessions_unsigned ON sessions (started_at, case_id) WHERE signed_at IS NULL
;;
DROP INDEX risk_history_case
;;
CREATE INDEX risk_history_case ON risk_history (case_id, id, changed_at, level, previous)
;;
CREATE INDEX cases_mix ON cases (category, source, opened_at, closed_at, counsellor_id, client_id)
;;
DROP INDEX followups_due
;;
CREATE INDEX followups_due ON followups (status, due_at, done_at, case_id)
;;
CREATE INDEX cases_client ON cases (client_id)
;;
CREATE INDEX clients_community ON clients (community)
"""

# The duplicate check finds names of the same sound (王丽 / 王莉 / 王立): a pinyin key per
# client, indexed so the lookup never reads the table.
V5_NAME_SOUND = """
ALTER TABLE clients ADD COLUMN name_sound TEXT
;;
CREATE INDEX clients_name_sound ON clients (name_sound, birth_year, name_key)
"""


# The district platform (xinhe/records/platform_inbox.py, platform_reports.py): dispatched
# cases waiting in the vault until a supervisor accepts them, the platform's grade kept
# beside the studio's own level, and the signed handling reports sent back.
V6_PLATFORM = """
ALTER TABLE cases ADD COLUMN platform_grade TEXT
;;
CREATE INDEX cases_platform_ref ON cases (platform_ref) WHERE platform_ref IS NOT NULL
;;
CREATE TABLE platform_dispatches (
    id                INTEGER PRIMARY KEY,
    platform_ref      TEXT NOT NULL UNIQUE,
    dispatched_at     TEXT NOT NULL,
    grade             TEXT NOT NULL,
    category          TEXT NOT NULL,
    first_contact_due TEXT NOT NULL,
    agency            TEXT NOT NULL,
    document          TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    file_sha256       TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'new',
    received_by       INTEGER NOT NULL REFERENCES users(id),
    received_at       TEXT NOT NULL,
    case_id           INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    accepted_by       INTEGER REFERENCES users(id),
    accepted_at       TEXT
)
;;
CREATE INDEX platform_dispatches_status ON platform_dispatches (status, first_contact_due)
;;
CREATE TABLE platform_reports (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    report_no     TEXT NOT NULL UNIQUE,
    event         TEXT NOT NULL,
    facts         TEXT NOT NULL,
    automatic     INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'queued',
    status_note   TEXT,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    signed_by     INTEGER REFERENCES users(id),
    signed_at     TEXT,
    file_sha256   TEXT,
    pdf           BLOB,
    delivered_at  TEXT,
    delivered_to  TEXT
)
;;
CREATE INDEX platform_reports_case ON platform_reports (case_id, id)
;;
CREATE INDEX platform_reports_status ON platform_reports (status, id)
"""


# Register import (xinhe/records/register_import.py): imported clients and cases keep the
# file and row they came from; a case's keyed row fingerprint makes a second import of the
# same rows create nothing. Numbered 7: migration 6 comes from the platform dispatch work.
V7_REGISTER_IMPORT = """
ALTER TABLE clients ADD COLUMN import_source TEXT
;;
ALTER TABLE clients ADD COLUMN import_row INTEGER
;;
ALTER TABLE cases ADD COLUMN import_source TEXT
;;
ALTER TABLE cases ADD COLUMN import_row INTEGER
;;
ALTER TABLE cases ADD COLUMN import_key TEXT
;;
CREATE UNIQUE INDEX cases_import_key ON cases (import_key) WHERE import_key IS NOT NULL
"""


# Casework depth (issue 17): where she must not be found, and the people around her.
# Confidential fields are marked per client and field with a reason; a referral keeps the
# confidential fields the counsellor ticked for that one packet; linked persons (children,
# family, the person who harmed her) are case records of their own, keyed like clients so
# the same person is found across cases.
V8_SAFE_PEOPLE = """
ALTER TABLE clients ADD COLUMN alias TEXT
;;
ALTER TABLE clients ADD COLUMN workplace TEXT
;;
ALTER TABLE clients ADD COLUMN child_school TEXT
;;
ALTER TABLE clients ADD COLUMN new_location TEXT
;;
CREATE TABLE client_confidential (
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    field     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    marked_by INTEGER NOT NULL REFERENCES users(id),
    marked_at TEXT NOT NULL,
    PRIMARY KEY (client_id, field)
)
;;
ALTER TABLE referrals ADD COLUMN disclosed_fields TEXT NOT NULL DEFAULT '[]'
;;
CREATE TABLE linked_persons (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    relation     TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    birth_year   INTEGER,
    phone        TEXT,
    phone_key    TEXT,
    id_number    TEXT,
    id_key       TEXT,
    in_household INTEGER NOT NULL DEFAULT 0,
    notes        TEXT,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX linked_persons_case ON linked_persons (case_id, relation)
;;
CREATE INDEX linked_persons_name ON linked_persons (name_key, birth_year)
;;
CREATE INDEX linked_persons_phone ON linked_persons (phone_key)
;;
CREATE INDEX linked_persons_id ON linked_persons (id_key)
"""


# Evidence (xinhe/records/court_extract.py) and recall (xinhe/records/referrals.py): each
# court extract the studio signed, with what was chosen for it, and a referral's recall
# (who, when, why, and the signed notice sent after it).
V9_EVIDENCE = """
CREATE TABLE court_extracts (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    extract_no  TEXT NOT NULL UNIQUE,
    chosen      TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    pdf         BLOB NOT NULL
)
;;
CREATE INDEX court_extracts_case ON court_extracts (case_id, id)
;;
ALTER TABLE referrals ADD COLUMN recalled_at TEXT
;;
ALTER TABLE referrals ADD COLUMN recalled_by INTEGER REFERENCES users(id)
;;
ALTER TABLE referrals ADD COLUMN recall_reason TEXT
;;
ALTER TABLE referrals ADD COLUMN recall_sha256 TEXT
;;
ALTER TABLE referrals ADD COLUMN recall_pdf BLOB
"""


# Migration 2 was edited after it first landed (wider follow-up and clock indexes, the
# search filter's covering index), and vaults made before the edit kept the old shape: the
# search's INDEXED BY search_doc_scope then failed there. Rebuild them as they are now.
V10_REPAIR_INDEXES = """
DROP INDEX IF EXISTS followups_case
;;
CREATE INDEX followups_case ON followups (case_id, status, due_at)
;;
DROP INDEX IF EXISTS clocks_case
;;
CREATE INDEX clocks_case ON clocks (case_id, status, due_at)
;;
CREATE INDEX IF NOT EXISTS search_doc_scope ON search_doc(id, kind, case_id)
"""


# Her week and the counsellor's (xinhe/records/appointments.py): sessions, home visits and
# calls booked for a case, cancelled rather than deleted, versioned like other records.
V11_APPOINTMENTS = """
CREATE TABLE appointments (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    counsellor_id INTEGER NOT NULL REFERENCES users(id),
    start_at      TEXT NOT NULL,
    end_at        TEXT NOT NULL,
    duration_min  INTEGER NOT NULL CHECK (duration_min > 0),
    kind          TEXT NOT NULL,
    place         TEXT,
    note          TEXT,
    status        TEXT NOT NULL DEFAULT 'scheduled',
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    cancelled_at  TEXT,
    cancelled_by  INTEGER REFERENCES users(id),
    version       INTEGER NOT NULL DEFAULT 1
)
;;
CREATE INDEX appointments_counsellor ON appointments (counsellor_id, status, start_at)
;;
CREATE INDEX appointments_case ON appointments (case_id, start_at)
;;
CREATE INDEX appointments_when ON appointments (status, start_at)
"""


# Statistics at 1,000,000 sessions (issue 15): each case's sessions and persons served per
# month, kept by triggers in the transaction of every session write (notes, cascades,
# retention purges alike), so a report counts a month's cases served as rows here instead
# of reading every session. The month is the studio's (Shenzhen, UTC+8, no daylight saving)
# of the UTC timestamp text; stats_months.py corrects it for reports in another zone.
V12_SESSION_MONTHS = """
CREATE TABLE session_months (
    month    TEXT NOT NULL,
    case_id  INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    persons  INTEGER NOT NULL,
    PRIMARY KEY (month, case_id)
) WITHOUT ROWID
;;
INSERT INTO session_months (month, case_id, sessions, persons)
SELECT strftime('%Y-%m', started_at, '+8 hours'), case_id, count(*), sum(persons_served)
FROM sessions GROUP BY 1, 2
;;
CREATE TRIGGER session_months_insert AFTER INSERT ON sessions
BEGIN
    INSERT INTO session_months (month, case_id, sessions, persons)
    VALUES (strftime('%Y-%m', new.started_at, '+8 hours'), new.case_id, 1, new.persons_served)
    ON CONFLICT (month, case_id) DO UPDATE SET sessions = sessions + 1,
        persons = persons + excluded.persons;
END
;;
CREATE TRIGGER session_months_delete AFTER DELETE ON sessions
BEGIN
    UPDATE session_months SET sessions = sessions - 1, persons = persons - old.persons_served
    WHERE month = strftime('%Y-%m', old.started_at, '+8 hours') AND case_id = old.case_id;
    DELETE FROM session_months
    WHERE month = strftime('%Y-%m', old.started_at, '+8 hours') AND case_id = old.case_id
    AND sessions = 0;
END
;;
CREATE TRIGGER session_months_update AFTER UPDATE OF started_at, case_id, persons_served
ON sessions
BEGIN
    UPDATE session_months SET sessions = sessions - 1, persons = persons - old.persons_served
    WHERE month = strftime('%Y-%m', old.started_at, '+8 hours') AND case_id = old.case_id;
    DELETE FROM session_months
    WHERE month = strftime('%Y-%m', old.started_at, '+8 hours') AND case_id = old.case_id
    AND sessions = 0;
    INSERT INTO session_months (month, case_id, sessions, persons)
    VALUES (strftime('%Y-%m', new.started_at, '+8 hours'), new.case_id, 1, new.persons_served)
    ON CONFLICT (month, case_id) DO UPDATE SET sessions = sessions + 1,
        persons = persons + excluded.persons;
END
"""

# The risk levels at the month ends join each case's risk changes to its opening and
# closing moments: read in case order from this narrow index, not from the wide cases rows.
# Each summary row also names the case's previous month with sessions (`prev`), so a
# period's distinct cases are its rows whose previous month lies before it, without a union
# of every month's cases; two triggers keep the links as rows come and go. The period's
# referrals by agency and status are counted from an index, not the rows that hold PDFs.
V13_CASE_SPANS = """
CREATE INDEX cases_span ON cases (id, opened_at, closed_at)
;;
ALTER TABLE session_months ADD COLUMN prev TEXT
;;
CREATE INDEX session_months_case ON session_months (case_id, month)
;;
UPDATE session_months SET prev = p.prev
FROM (SELECT month, case_id, lag(month) OVER (PARTITION BY case_id ORDER BY month) AS prev
      FROM session_months) AS p
WHERE session_months.month = p.month AND session_months.case_id = p.case_id
AND p.prev IS NOT NULL
;;
CREATE TRIGGER session_months_linked AFTER INSERT ON session_months
BEGIN
    UPDATE session_months SET prev = (SELECT max(month) FROM session_months
        WHERE case_id = new.case_id AND month < new.month)
    WHERE month = new.month AND case_id = new.case_id;
    UPDATE session_months SET prev = new.month
    WHERE case_id = new.case_id AND month = (SELECT min(month) FROM session_months
        WHERE case_id = new.case_id AND month > new.month);
END
;;
CREATE TRIGGER session_months_unlinked AFTER DELETE ON session_months
BEGIN
    UPDATE session_months SET prev = old.prev
    WHERE case_id = old.case_id AND month = (SELECT min(month) FROM session_months
        WHERE case_id = old.case_id AND month > old.month);
END
;;
CREATE INDEX referrals_created ON referrals (created_at, agency, status, case_id)
"""


def fill_name_sound(db: Any) -> None:
    """The sound key of every existing client (the code that writes clients keeps it after)."""
    from xinhe.records.names import sound_key

    for row in db.all("SELECT id, name FROM clients"):
        db.execute("UPDATE clients SET name_sound = ? WHERE id = ?",
                   (sound_key(row["name"]), row["id"]))


# A row's columns are stored in order, and a big value's bytes run on through a chain of
# overflow pages: reading a column that comes after a file means reading (and decrypting)
# every page of the file. Listing 600 referrals read 60 MB of their PDFs (222 ms, +65 MB
# of page cache). The files move to the end of their rows; no code changes (the same
# names), and the studio server's tables are not concerned (PostgreSQL keeps large values
# apart).
V14_FILES_LAST = """
ALTER TABLE referrals RENAME COLUMN pdf TO pdf_moving
;;
ALTER TABLE referrals ADD COLUMN pdf BLOB
;;
UPDATE referrals SET pdf = pdf_moving WHERE pdf_moving IS NOT NULL
;;
ALTER TABLE referrals DROP COLUMN pdf_moving
;;
ALTER TABLE referrals RENAME COLUMN recall_pdf TO recall_pdf_moving
;;
ALTER TABLE referrals ADD COLUMN recall_pdf BLOB
;;
UPDATE referrals SET recall_pdf = recall_pdf_moving WHERE recall_pdf_moving IS NOT NULL
;;
ALTER TABLE referrals DROP COLUMN recall_pdf_moving
;;
ALTER TABLE platform_reports RENAME COLUMN pdf TO pdf_moving
;;
ALTER TABLE platform_reports ADD COLUMN pdf BLOB
;;
UPDATE platform_reports SET pdf = pdf_moving WHERE pdf_moving IS NOT NULL
;;
ALTER TABLE platform_reports DROP COLUMN pdf_moving
;;
ALTER TABLE attachments RENAME COLUMN data TO data_moving
;;
ALTER TABLE attachments ADD COLUMN data BLOB NOT NULL DEFAULT x''
;;
UPDATE attachments SET data = data_moving
;;
ALTER TABLE attachments DROP COLUMN data_moving
"""


MIGRATIONS: list[Migration] = [
    Migration(1, "foundation: meta, users, audit chain, settings", V1_FOUNDATION),
    Migration(2, "casework: clients, cases, notes, assessments, clocks, referrals, search",
              V2_CASEWORK + V2_SEARCH),
    Migration(3, "referral packets: the studio's signing identity", V3_SIGNING),
    Migration(4, "statistics: covering indexes for period figures", V4_STATISTICS),
    Migration(5, "duplicate check: the sound of client names", V5_NAME_SOUND, fill_name_sound),
    Migration(6, "platform: dispatched cases received, handling reports sent back",
              V6_PLATFORM),
    Migration(7, "register import: source file and row, row fingerprints", V7_REGISTER_IMPORT),
    Migration(8, "casework depth: confidential client fields, alias, linked persons",
              V8_SAFE_PEOPLE),
    Migration(9, "evidence: court extracts, referral recalls", V9_EVIDENCE),
    Migration(10, "repair: indexes of vaults made before migration 2 took its final shape",
              V10_REPAIR_INDEXES),
    Migration(11, "calendar: appointments for sessions, home visits and calls",
              V11_APPOINTMENTS),
    Migration(12, "statistics: sessions and persons served per case and month",
              V12_SESSION_MONTHS),
    Migration(13, "statistics: cases' moments in case order, each case's previous month",
              V13_CASE_SPANS),
    Migration(14, "files at the end of their rows: lists read no PDF pages", V14_FILES_LAST),
]
