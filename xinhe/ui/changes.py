"""What a write changed: the kinds of records the "records changed" signal carries (as
Anki's OpChanges), so views test members instead of free strings."""

from __future__ import annotations

import enum


class Change(enum.Enum):
    """One kind of record; the value is the name the studio server's notifications use
    (records/storage/live.py TABLE_KINDS)."""

    CASE = "case"
    CLIENT = "client"
    SESSION = "session"
    ASSESSMENT = "assessment"
    CRISIS = "crisis"
    SAFETY_PLAN = "safety_plan"
    FOLLOWUP = "followup"
    CLOCK = "clock"
    REVIEW = "review"
    RISK = "risk"
    REFERRAL = "referral"
    CONSENT = "consent"
    ATTACHMENT = "attachment"
    ADDENDUM = "addendum"
    PERSON = "person"
    PLATFORM = "platform"
    COURT_EXTRACT = "court_extract"
    APPOINTMENT = "appointment"
    AUDIT = "audit"
    RETENTION = "retention"
    BACKUP = "backup"
    SETTINGS = "settings"
    USER = "user"
    SIGNING_IDENTITY = "signing_identity"
    DRAFT = "draft"
    # Another workstation saved (heard from the studio server), besides what it changed.
    REMOTE = "remote"


Changes = frozenset[Change]
