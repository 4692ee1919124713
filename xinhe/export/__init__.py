"""Referral packets: PDF, signing, verification, outbox. No Qt here."""
