"""What the referral wizard reads and writes before signing: the case and draft it opens
on, the consent on file, the fields the agency would be sent, and the draft saved with its
summary and the confidential fields ticked for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.records.packet_disclosure import disclosed_fields, tick_confidential
from xinhe.records.referral_packets import OverviewRow, policy_overview
from xinhe.records.referral_policy import outbox_folder
from xinhe.ui.changes import Change
from xinhe.ui.operations import run

if TYPE_CHECKING:
    from xinhe.records.cases import CaseHeader
    from xinhe.records.consent import Consent
    from xinhe.records.referrals import Referral
    from xinhe.records.services import Services
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]
ConsentState = tuple["Consent | None", "Referral | None"]
FieldsShown = tuple[frozenset[str], list[OverviewRow]]


@dataclass(frozen=True)
class WizardStart:
    """What the wizard needs to know before its first page (read on the database thread)."""

    case: CaseHeader
    referral: Referral | None
    outbox: str | None
    signer: str


def _start(services: Services, case_id: int, referral_id: int | None) -> WizardStart:
    case = services.cases.header(case_id)
    referral = services.referrals.get(referral_id) if referral_id is not None else None
    folder = outbox_folder(services.vault)
    return WizardStart(case, referral, str(folder) if folder else None,
                       services.vault.actor.display_name)


def load_start(*, ctx: AppContext, parent: QWidget, case_id: int, referral_id: int | None,
               on_done: Callable[[WizardStart], None]) -> None:
    """The case, the draft `referral_id` (None: a new referral), the outbox, the signer."""
    run(ctx, lambda s: _start(s, case_id, referral_id), parent=parent, on_done=on_done)


def _newest_draft(services: Services, case_id: int, agency: str,
                  purpose: str) -> Referral | None:
    drafts = [r for r in services.referrals.find(case_id=case_id, status="draft")
              if (r.agency, r.purpose) == (agency, purpose)]
    return drafts[0] if drafts else None


def _consent_state(services: Services, case_id: int, agency: str, purpose: str,
                   find_draft: bool) -> ConsentState:
    consents = [c for c in services.consents.for_case(case_id)
                if c.active and (c.purpose, c.recipient) == (purpose, agency)]
    draft = _newest_draft(services, case_id, agency, purpose) if find_draft else None
    return (consents[-1] if consents else None), draft


def load_consent_state(*, ctx: AppContext, parent: QWidget, case_id: int, agency: str,
                       purpose: str, find_draft: bool,
                       on_done: Callable[[ConsentState], None]) -> None:
    """The newest consent in force for this purpose and agency, and (`find_draft`) the
    newest draft referral the wizard would continue."""
    run(ctx, lambda s: _consent_state(s, case_id, agency, purpose, find_draft),
        parent=parent, on_done=on_done)


def _fields(services: Services, case_id: int, agency: str, chosen: frozenset[str] | None,
            referral_id: int | None) -> FieldsShown:
    ticked = chosen if chosen is not None else (
        disclosed_fields(services.vault, referral_id) if referral_id else frozenset())
    return ticked, policy_overview(services.vault, services.templates, case_id,
                                   agency=agency, ticked=ticked)


def load_fields(*, ctx: AppContext, parent: QWidget, case_id: int, agency: str,
                chosen: frozenset[str] | None, referral_id: int | None,
                on_done: Callable[[FieldsShown], None], on_failure: Failure) -> None:
    """Every item the policy knows and whether the agency gets it, with the confidential
    fields ticked (`chosen`; None: those ticked on the draft so far)."""
    run(ctx, lambda s: _fields(s, case_id, agency, chosen, referral_id), parent=parent,
        on_done=on_done, on_failure=on_failure)


def _save(services: Services, referral: Referral | None, case_id: int, agency: str,
          purpose: str, urgency: str, summary: str, ticked: frozenset[str]) -> Referral:
    if referral is None:
        made = services.referrals.create(case_id, agency=agency, purpose=purpose,
                                         urgency=urgency, summary=summary)
    elif (referral.summary, referral.urgency) == (summary.strip(), urgency):
        made = referral
    else:
        made = services.referrals.update_draft(referral.id, referral.version,
                                               summary=summary, urgency=urgency)
    # The ticks of the fields page are the counsellor's act for this one packet.
    if ticked != disclosed_fields(services.vault, made.id):
        tick_confidential(services.vault, made.id, ticked)
    return made


def save_draft(*, ctx: AppContext, parent: QWidget, referral: Referral | None, case_id: int,
               agency: str, purpose: str, urgency: str, summary: str,
               ticked: frozenset[str], on_done: Callable[[Referral], None],
               on_failure: Failure) -> None:
    """Make the draft referral (`referral` None) or change its summary and urgency, and
    record the confidential fields `ticked` for it."""
    run(ctx, lambda s: _save(s, referral, case_id, agency, purpose, urgency, summary, ticked),
        parent=parent, on_done=on_done, on_failure=on_failure, changed={Change.REFERRAL})
