"""What the case view reads and does outside its record forms: the case itself, one
entry's detail, a confidential field, attachments, consent withdrawal, the people around
the client, the score chart, and the minor-at-risk clock; and the case's small forms
(status, risk level, who carries it, closing it), which take the services and the form's
values (SimpleForm.run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from xinhe.ui.case_data import CaseData, detail_html
from xinhe.ui.case_data import load_case as read_case
from xinhe.ui.changes import Change
from xinhe.ui.operations import FormValues, run

if TYPE_CHECKING:
    from xinhe.records.attachments import Attachment
    from xinhe.records.cases import CaseHeader
    from xinhe.records.persons import LinkedPerson, SamePerson
    from xinhe.records.referrals import Referral
    from xinhe.records.score_history import ScoreSeries
    from xinhe.records.services import Services
    from xinhe.records.timeline import TimelineEntry
    from xinhe.ui.context import AppContext

Failure = Callable[[BaseException], None]


def load_case(*, ctx: AppContext, parent: QWidget, case_id: int, opening: bool,
              on_done: Callable[[CaseData], None], on_failure: Failure) -> None:
    """Everything the case view shows (`opening`: audited as the case being opened)."""
    run(ctx, lambda s: read_case(s, case_id, opening), parent=parent, on_done=on_done,
        on_failure=on_failure)


def load_detail(*, ctx: AppContext, parent: QWidget, entry: TimelineEntry,
                on_done: Callable[[str], None]) -> None:
    """One timeline entry's detail, as HTML."""
    run(ctx, lambda s: detail_html(s, entry), parent=parent, on_done=on_done)


def reveal_client_field(*, ctx: AppContext, parent: QWidget, client_id: int, key: str,
                        on_done: Callable[[object], None]) -> None:
    """One confidential field of the client (the records layer audits the reading)."""
    run(ctx, lambda s: s.clients.reveal(client_id, key), parent=parent, on_done=on_done)


def load_attachment(*, ctx: AppContext, parent: QWidget, attachment_id: int,
                    on_done: Callable[[tuple[Attachment, bytes]], None]) -> None:
    run(ctx, lambda s: (s.attachments.get(attachment_id), s.attachments.data(attachment_id)),
        parent=parent, on_done=on_done)


def _withdraw(services: Services, consent_id: int) -> list[Referral]:
    services.consents.withdraw(consent_id)
    return services.referrals.rested_on(consent_id)


def withdraw_consent(*, ctx: AppContext, parent: QWidget, consent_id: int,
                     on_done: Callable[[list[Referral]], None]) -> None:
    """Withdraw a consent; hands back the delivered referrals that rested on it."""
    run(ctx, lambda s: _withdraw(s, consent_id), parent=parent, changed={Change.CONSENT},
        on_done=on_done)


def minor_at_risk(*, ctx: AppContext, parent: QWidget, case_id: int) -> None:
    """Start the mandatory-report clock for a minor at risk, from now."""
    from datetime import UTC, datetime

    run(ctx, lambda s: s.planning.minor_at_risk(case_id, datetime.now(UTC)), parent=parent,
        changed={Change.CLOCK})


@dataclass(frozen=True)
class PanelData:
    persons: list[LinkedPerson]
    same: list[SamePerson]
    minors_unreported: list[LinkedPerson]


def _panel(services: Services, case_id: int) -> PanelData:
    persons = services.persons
    return PanelData(persons.for_case(case_id), persons.same_person_elsewhere(case_id),
                     persons.minor_report_prompt(case_id))


def load_persons(*, ctx: AppContext, parent: QWidget, case_id: int,
                 on_done: Callable[[PanelData], None]) -> None:
    """The people around the client, the same person in other cases, unreported minors."""
    run(ctx, lambda s: _panel(s, case_id), parent=parent, on_done=on_done)


def remove_person(*, ctx: AppContext, parent: QWidget, person_id: int) -> None:
    run(ctx, lambda s: s.persons.remove(person_id), parent=parent, changed={Change.PERSON})


def load_scores(*, ctx: AppContext, parent: QWidget, case_id: int, language: str,
                on_done: Callable[[list[ScoreSeries]], None]) -> None:
    """The instruments' scores over time, for the chart."""
    from xinhe.records.score_history import score_history

    run(ctx, lambda s: score_history(s.vault, s.templates, case_id, language), parent=parent,
        on_done=on_done)


def add_attachment(services: Services, values: FormValues, *, case_id: int, filename: str,
                   data: bytes) -> Attachment:
    """Attach a file's bytes (read when it was chosen) as `kind`, with a `description`."""
    return services.attachments.add(case_id, kind=values["kind"], filename=filename,
                                    data=data, description=values["description"])


def save_person(services: Services, values: FormValues, *, case_id: int,
                person: LinkedPerson | None) -> LinkedPerson:
    """Link a new person to the case (`person` None) or change one; `values` are the
    person's fields."""
    if person is None:
        return services.persons.add(case_id, **values)
    return services.persons.update(person.id, person.version, **values)


def set_status(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Move the case to `status` (intake, active, follow-up)."""
    return services.cases.set_status(case_id, values["status"])


def override_risk(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Set the risk `level` by professional judgement (None: back to the assessed level),
    with the `reason`."""
    return services.cases.override_risk(case_id, values["level"], values["reason"])


def reassign(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Supervisor: give the case to the counsellor `user`."""
    return services.cases.reassign(case_id, values["user"])


def set_supervisor(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Supervisor: the case's responsible supervisor `user` (None: nobody)."""
    return services.cases.set_supervisor(case_id, values["user"])


def share(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Let the counsellor `user` work on the case too."""
    return services.cases.share(case_id, values["user"])


def close_case(services: Services, values: FormValues, *, case_id: int) -> CaseHeader:
    """Supervisor: close the case for `reason`, with a `note`."""
    return services.cases.close(case_id, values["reason"], values["note"])


def request_closure(services: Services, values: FormValues, *, case_id: int) -> None:
    """Counsellor: ask a supervisor to close the case, saying why (`text`)."""
    services.cases.request_closure(case_id, values["text"])
