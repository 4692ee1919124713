"""All record services for one unlocked vault, built in one place and passed in."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from xinhe.records import search_index
from xinhe.records import templates as tpl
from xinhe.records.accounts import AccountService
from xinhe.records.appointments import AppointmentService
from xinhe.records.attachments import AttachmentService
from xinhe.records.cases import CaseService
from xinhe.records.clients import ClientService
from xinhe.records.consent import ConsentService
from xinhe.records.drafts import DraftService
from xinhe.records.notes import NoteService
from xinhe.records.persons import PersonService
from xinhe.records.planning import PlanningService
from xinhe.records.referrals import ReferralService
from xinhe.records.reviews import ReviewService
from xinhe.records.storage.session import Session
from xinhe.records.timeline import TimelineEntry, timeline
from xinhe.records.vault import Vault

if TYPE_CHECKING:
    from xinhe.records.signing_store import SigningStore


class Services:
    """Every records service of one signed-in user, on a local `Vault` or a `ServerSession`
    (storage/server_session.py); the services themselves ask only for a `Session`."""

    def __init__(self, vault: Session, templates: tpl.TemplateRegistry) -> None:
        # The desktop's maintenance screens (local-vault features) read it as the Vault it is
        # there; on the server it offers only the Session part.
        self.vault: Vault = vault  # type: ignore[assignment]
        self.templates = templates
        self.accounts = AccountService(vault)
        self.clients = ClientService(vault)
        self.cases = CaseService(vault)
        self.notes = NoteService(vault, templates)
        self.planning = PlanningService(vault, templates)
        self.reviews = ReviewService(vault)
        self.consents = ConsentService(vault)
        self.referrals = ReferralService(vault)
        self.attachments = AttachmentService(vault)
        self.drafts = DraftService(vault)
        self.persons = PersonService(vault)
        self.appointments = AppointmentService(vault)

    @cached_property
    def signing(self) -> SigningStore:
        """The studio's signing identity, loaded when first needed: its module imports
        cryptography.x509 and asn1crypto (60-200 ms holding the GIL), not at every sign-in."""
        from xinhe.records.signing_store import SigningStore

        return SigningStore(self.vault)

    def timeline(self, case_id: int) -> list[TimelineEntry]:
        return timeline(self.vault, case_id)

    def search(self, query: str, limit: int = 20) -> list[search_index.Hit]:
        return search_index.find(self.vault, query, limit)
