"""What can be done from a case view, by role, and the handlers that write or open its
records (notes, assessments, plans, attachments, referrals, consent); the actions on the
case itself (risk, clocks, status, who carries it, closing) are in case_level_actions.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication

from xinhe.records.attachments import Attachment
from xinhe.records.notes import CRISIS_TEMPLATE, SESSION_TEMPLATE, Assessment, SessionNote
from xinhe.records.planning import FollowUp
from xinhe.records.referrals import Referral
from xinhe.records.timeline import TimelineEntry
from xinhe.ui.case_level_actions import (
    change_risk,
    close_case,
    minor_at_risk,
    minor_reported,
    po_applied,
    po_decided,
    reassign,
    request_closure,
    request_review,
    responsible_supervisor,
    schedule_followup,
    set_status,
    share,
    warning_letter,
)
from xinhe.ui.case_level_actions import reassign_case as reassign_case  # screens/review.py
from xinhe.ui.changes import Change
from xinhe.ui.dialogs.records import (
    AssessmentDialog,
    CrisisDialog,
    FollowupDialog,
    SafetyPlanDialog,
    SessionDialog,
)
from xinhe.ui.dialogs.simple import SimpleForm, confirm
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.operations import notes as notes_ops

if TYPE_CHECKING:
    from xinhe.ui.case_view import CaseView

translate = QCoreApplication.translate

Action = tuple[str, Callable[[], None]]


def main_actions(view: CaseView) -> list[tuple[str, Callable[[], None], str]]:
    if not view.can_write():
        return []
    return [
        (translate("CaseActions", "New session note"), lambda: new_session(view), "Ctrl+Shift+N"),
        (translate("CaseActions", "Assessment"), lambda: new_assessment(view), "Ctrl+Shift+A"),
        (translate("CaseActions", "Crisis intervention"), lambda: new_crisis(view), ""),
        (translate("CaseActions", "Safety plan"), lambda: safety_plan(view), ""),
        (translate("CaseActions", "Schedule follow-up"), lambda: schedule_followup(view), ""),
        (translate("CaseActions", "Referral…"), lambda: referral(view), "Ctrl+Shift+R"),
        (translate("CaseActions", "Record for the court…"), lambda: court_extract(view), ""),
    ]


def more_actions(view: CaseView) -> list[Action]:
    if not view.can_write():
        return []
    role = view.ctx.actor.role
    actions: list[Action] = [
        (translate("CaseActions", "Record consent…"), lambda: consent(view)),
        (translate("CaseActions", "Attach a file…"), lambda: attach(view)),
        (translate("CaseActions", "Change risk level…"), lambda: change_risk(view)),
        (translate("CaseActions", "Ask a supervisor to review…"), lambda: request_review(view)),
        (
            translate("CaseActions", "Protection order: application filed…"),
            lambda: po_applied(view),
        ),
        (translate("CaseActions", "Protection order: court decided…"), lambda: po_decided(view)),
        (translate("CaseActions", "Police warning letter issued…"), lambda: warning_letter(view)),
        (
            translate("CaseActions", "Minor: harm suspected (report at once)"),
            lambda: minor_at_risk(view),
        ),
        (translate("CaseActions", "Minor: reported to police…"), lambda: minor_reported(view)),
        (translate("CaseActions", "Set case status…"), lambda: set_status(view)),
    ]
    if role == "supervisor":
        actions += [
            (translate("CaseActions", "Reassign to another counsellor…"), lambda: reassign(view)),
            (translate("CaseActions", "Responsible supervisor…"),
             lambda: responsible_supervisor(view)),
            (translate("CaseActions", "Close the case…"), lambda: close_case(view)),
        ]
    else:
        actions += [
            (translate("CaseActions", "Share with a colleague…"), lambda: share(view)),
            (translate("CaseActions", "Ask to close the case…"), lambda: request_closure(view)),
        ]
    return actions


class RecordAction(NamedTuple):
    """An action on one record; `refused` says why the acting user may not take it (the
    records layer would refuse it), and the button is shown disabled with that reason."""

    text: str
    handler: Callable[[], None]
    refused: str = ""


def record_actions(view: CaseView, entry: TimelineEntry) -> list[RecordAction]:
    actions: list[RecordAction] = []
    writer = view.can_write()
    if entry.kind == "session" and entry.status == "draft" and writer:
        theirs = entry.author_id is not None and entry.author_id != view.ctx.actor.user_id
        actions.append(RecordAction(
            translate("CaseActions", "Continue writing"),
            lambda: edit_session(view, entry.record_id),
            translate("CaseActions", "Only its author can continue a draft note. Once it is "
                                     "signed, anyone on the case can add an addendum.")
            if theirs else ""))
    if entry.kind in ("session", "crisis", "assessment") and entry.status != "draft" and writer:
        actions.append(RecordAction(translate("CaseActions", "Add an addendum…"),
                                    lambda: addendum(view, entry)))
    if entry.kind == "assessment" and writer and view.data and any(
            i.assessment_id == entry.record_id and not i.summary.complete
            for i in view.data.instruments):
        actions.insert(0, RecordAction(translate("CaseActions", "Complete it…"),
                                       lambda: complete_assessment(view, entry.record_id)))
    if entry.kind == "followup" and entry.status == "due" and writer:
        actions.append(RecordAction(translate("CaseActions", "Record the visit…"),
                                    lambda: complete_followup(view, entry)))
    if entry.kind == "referral" and entry.status == "draft" and view.ctx.has_role(
            "counsellor", "supervisor", "staff"):
        actions.append(RecordAction(translate("CaseActions", "Continue the referral…"),
                                    lambda: referral(view, entry.record_id)))
    if entry.kind == "consent" and entry.status == "in_force" and writer:
        actions.append(RecordAction(translate("CaseActions", "Withdraw this consent…"),
                                    lambda: withdraw_consent(view, entry.record_id)))
    if entry.kind == "attachment" and view.data and view.data.header.can_read_notes:
        actions.append(RecordAction(translate("CaseActions", "View"),
                                    lambda: view_attachment(view, entry.record_id)))
    return actions


# -- record dialogs ------------------------------------------------------------------------
def new_session(view: CaseView) -> None:
    template = view.ctx.services.templates.get(SESSION_TEMPLATE)
    dialog = SessionDialog(view.ctx, view.case_id, template, parent=view)
    dialog.saved.connect(view.show_saved_session)  # the preview follows the note written
    dialog.open_soon()


def edit_session(view: CaseView, note_id: int) -> None:
    def opened(note: SessionNote) -> None:
        template = view.ctx.services.templates.get(note.template_id, note.template_version)
        meta = {
            "started_at": note.started_at,
            "duration_min": note.duration_min,
            "modality": note.modality,
            "persons_served": note.persons_served,
        }
        dialog = SessionDialog(view.ctx, view.case_id, template, note_id=note.id,
                               version=note.version, answers=note.answers, meta=meta,
                               parent=view)
        dialog.saved.connect(view.show_saved_session)
        dialog.open_soon()

    notes_ops.load_session(ctx=view.ctx, parent=view, note_id=note_id, on_done=opened)


def new_assessment(view: CaseView) -> None:
    templates = view.ctx.services.templates
    choices = (
        templates.by_kind("assessment")
        + templates.by_kind("intake")
        + templates.by_kind("mandatory_report")
    )
    form = SimpleForm(view.ctx, translate("CaseActions", "New assessment"), parent=view)
    box = form.add_choice(
        "template",
        translate("CaseActions", "Which form?"),
        [(t.id, t.label.get()) for t in choices],
    )

    def chosen() -> None:
        form.accept()
        template = templates.get(box.currentData())
        AssessmentDialog(view.ctx, view.case_id, template, parent=view).open_soon()

    form.buttons.accepted.connect(chosen)
    form.open()


def complete_assessment(view: CaseView, assessment_id: int) -> None:
    """The same instrument again, filled in with the earlier answers; saving it records a
    new assessment, which then drives the case's level."""

    def opened(item: Assessment) -> None:
        template = view.ctx.services.templates.get(item.template_id, item.template_version)
        dialog = AssessmentDialog(view.ctx, view.case_id, template, answers=item.answers,
                                  parent=view)
        dialog.setWindowTitle(translate("CaseActions", "Complete: %1").replace(
            "%1", template.label.get()))
        dialog.open_soon()

    notes_ops.load_assessment(ctx=view.ctx, parent=view, assessment_id=assessment_id,
                              on_done=opened)


def new_crisis(view: CaseView) -> None:
    template = view.ctx.services.templates.get(CRISIS_TEMPLATE)
    CrisisDialog(view.ctx, view.case_id, template, parent=view).open_soon()


def safety_plan(view: CaseView) -> None:
    template = view.ctx.services.templates.get("safety_plan")
    current = view.data.latest_safety_plan if view.data else None
    SafetyPlanDialog(
        view.ctx, view.case_id, template, answers=dict(current or {}), parent=view
    ).open_soon()


def complete_followup(view: CaseView, entry: TimelineEntry) -> None:
    def opened(followup: FollowUp) -> None:
        template = view.ctx.services.templates.get("followup_visit")
        FollowupDialog(
            view.ctx,
            view.case_id,
            template,
            followup_id=followup.id,
            version=followup.version,
            parent=view,
        ).open_soon()

    notes_ops.load_followup(ctx=view.ctx, parent=view, followup_id=entry.record_id,
                            on_done=opened)


def addendum(view: CaseView, entry: TimelineEntry) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Addendum"),
        translate(
            "CaseActions",
            "The signed record stays as it is. Write the correction or addition; it is signed "
            "with your name and today's date.",
        ),
        view,
    )
    form.add_text("text", translate("CaseActions", "Addendum"))
    form.run(partial(notes_ops.add_addendum, kind=entry.kind, record_id=entry.record_id),
             {Change.ADDENDUM})


def attach(view: CaseView) -> None:
    view.choose_file(lambda path: attach_file(view, path))


def attach_file(view: CaseView, path: str) -> None:
    form = SimpleForm(view.ctx, translate("CaseActions", "Attach a file"), Path(path).name, view)
    from xinhe.i18n import pick
    from xinhe.records.attachments import KINDS

    form.add_choice(
        "kind", translate("CaseActions", "Kind"), [(k, pick(*v)) for k, v in KINDS.items()]
    )
    form.add_line("description", translate("CaseActions", "Description"))
    data = Path(path).read_bytes()
    form.run(partial(case_ops.add_attachment, case_id=view.case_id, filename=Path(path).name,
                     data=data), {Change.ATTACHMENT})


def view_attachment(view: CaseView, attachment_id: int) -> None:
    from xinhe.ui.dialogs.attachment_viewer import AttachmentViewer

    def show(result: tuple[Attachment, bytes]) -> None:
        AttachmentViewer(view.ctx, result[0], result[1], view).open()

    case_ops.load_attachment(ctx=view.ctx, parent=view, attachment_id=attachment_id,
                             on_done=show)


def referral(view: CaseView, referral_id: int | None = None) -> None:
    from xinhe.ui.referral_wizard import open_referral_wizard

    open_referral_wizard(view.ctx, view.case_id, view, referral_id)


def consent(view: CaseView) -> None:
    from xinhe.ui.dialogs.consent_dialog import open_consent_dialog

    open_consent_dialog(view.ctx, view.case_id, view)


def court_extract(view: CaseView) -> None:
    from xinhe.ui.dialogs.court_extract_dialog import open_court_extract

    open_court_extract(view.ctx, view.case_id, view)


def withdraw_consent(view: CaseView, consent_id: int) -> None:
    from xinhe.ui.dialogs.consent_dialog import offer_recall

    def offer(rested: list[Referral]) -> None:
        offer_recall(view.ctx, view, rested, consent_id=consent_id)

    def withdraw() -> None:
        # After the withdrawal, offer to recall the delivered referrals that rested on it.
        case_ops.withdraw_consent(ctx=view.ctx, parent=view, consent_id=consent_id,
                                  on_done=offer)

    confirm(view, translate("CaseActions", "Withdraw consent"), translate(
        "CaseActions",
        "The client withdraws this consent (or the legal basis no longer applies)? "
        "Referrals already sent are not recalled; no new referral may rest on it. "
        "This cannot be undone: record a new consent if she agrees again."), withdraw)
