"""The actions on the case itself, from a case view's menus: follow-ups, risk level,
review, the legal clocks (protection order, warning letter, minor reported), status,
who carries and supervises the case, closing it. (case_actions.py offers them by role.)"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from xinhe.i18n import language
from xinhe.records import vocab
from xinhe.ui.changes import Change
from xinhe.ui.dialogs.simple import SimpleForm, choose_user
from xinhe.ui.operations import cases as case_ops
from xinhe.ui.operations import planning as planning_ops
from xinhe.ui.operations import review as review_ops

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from xinhe.ui.case_view import CaseView
    from xinhe.ui.context import AppContext

translate = QCoreApplication.translate

COUNSELLING_ROLES = ("counsellor", "supervisor")  # who can carry a case


def schedule_followup(view: CaseView) -> None:
    form = SimpleForm(view.ctx, translate("CaseActions", "Schedule a follow-up"), parent=view)
    form.add_datetime("due", translate("CaseActions", "Due"))
    form.add_choice(
        "method",
        translate("CaseActions", "Planned method"),
        [(k, vocab.label(vocab.FOLLOWUP_METHODS, k)) for k in vocab.FOLLOWUP_METHODS],
    )
    form.run(partial(planning_ops.schedule_followup, case_id=view.case_id), {Change.FOLLOWUP})


def change_risk(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Change the risk level"),
        translate(
            "CaseActions",
            "Professional judgement may set the level. The reason is kept in the case's risk "
            "history and the audit log.",
        ),
        view,
    )
    form.add_choice(
        "level",
        translate("CaseActions", "Level"),
        [
            ("high", vocab.label(vocab.RISK_LEVELS, "high")),
            ("medium", vocab.label(vocab.RISK_LEVELS, "medium")),
            ("low", vocab.label(vocab.RISK_LEVELS, "low")),
            (None, translate("CaseActions", "Back to the assessed level")),
        ],
    )
    form.add_text("reason", translate("CaseActions", "Reason"))
    form.run(partial(case_ops.override_risk, case_id=view.case_id),
             {Change.CASE, Change.RISK, Change.REVIEW})


def request_review(view: CaseView) -> None:
    form = SimpleForm(view.ctx, translate("CaseActions", "Ask a supervisor"), parent=view)
    form.add_text("text", translate("CaseActions", "What should the supervisor look at?"))
    form.run(partial(review_ops.request_review, case_id=view.case_id), {Change.REVIEW})


def po_applied(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Protection-order application"),
        translate("CaseActions", "The court decides within 72 hours, or 24 hours when urgent."),
        view,
    )
    form.add_datetime("at", translate("CaseActions", "Filed at"))
    form.add_check("urgent", translate("CaseActions", "Urgent (24 hours)"))
    form.add_line(
        "court",
        translate("CaseActions", "Court"),
        "宝安区人民法院" if language() == "zh_CN" else "Bao'an District Court",
    )
    form.run(partial(planning_ops.protection_order_applied, case_id=view.case_id),
             {Change.CLOCK})


def po_decided(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Protection order: the court's decision"),
        translate("CaseActions", "An order lasts at most six months."),
        view,
    )
    form.add_datetime("at", translate("CaseActions", "Decided at"))
    form.add_check("granted", translate("CaseActions", "Granted"), True)
    form.add_date("expires", translate("CaseActions", "Expires on"), days_ahead=180)
    form.run(partial(planning_ops.protection_order_decided, case_id=view.case_id),
             {Change.CLOCK})


def warning_letter(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Police warning letter"),
        translate("CaseActions", "A follow-up visit is scheduled within 7 days of the letter."),
        view,
    )
    form.add_datetime("at", translate("CaseActions", "Issued at"))
    form.run(partial(planning_ops.warning_letter_issued, case_id=view.case_id),
             {Change.CLOCK, Change.FOLLOWUP})


def minor_at_risk(view: CaseView) -> None:
    case_ops.minor_at_risk(ctx=view.ctx, parent=view, case_id=view.case_id)


def minor_reported(view: CaseView) -> None:
    form = SimpleForm(view.ctx, translate("CaseActions", "Reported to police"), parent=view)
    form.add_datetime("at", translate("CaseActions", "Reported at"))
    form.add_line("reporter", translate("CaseActions", "Reported by"), view.ctx.actor.display_name)
    form.add_line("reference", translate("CaseActions", "Police reference"))
    form.run(partial(planning_ops.minor_reported, case_id=view.case_id), {Change.CLOCK})


def set_status(view: CaseView) -> None:
    form = SimpleForm(view.ctx, translate("CaseActions", "Case status"), parent=view)
    form.add_choice(
        "status",
        translate("CaseActions", "Status"),
        [(k, vocab.label(vocab.STATUSES, k)) for k in ("intake", "active", "followup")],
        view.data.header.status if view.data else None,
    )
    form.run(partial(case_ops.set_status, case_id=view.case_id), {Change.CASE})


def reassign_case(ctx: AppContext, parent: QWidget, case_id: int) -> None:
    """A supervisor gives the case to another counsellor (from the case or the queue)."""
    choose_user(ctx, parent, translate("CaseActions", "Reassign the case"),
                translate("CaseActions", "Counsellor"), COUNSELLING_ROLES,
                partial(case_ops.reassign, case_id=case_id), {Change.CASE})


def reassign(view: CaseView) -> None:
    reassign_case(view.ctx, view, view.case_id)


def responsible_supervisor(view: CaseView) -> None:
    choose_user(view.ctx, view, translate("CaseActions", "Responsible supervisor"),
                translate("CaseActions", "Supervisor"), ("supervisor",),
                partial(case_ops.set_supervisor, case_id=view.case_id), {Change.CASE},
                intro=translate("CaseActions",
                                "The supervisor who follows this case; shown in its header."),
                none_label=translate("CaseActions", "(none)"),
                current=view.data.header.supervisor_id if view.data else None)


def share(view: CaseView) -> None:
    choose_user(view.ctx, view, translate("CaseActions", "Share the case"),
                translate("CaseActions", "Counsellor"), COUNSELLING_ROLES,
                partial(case_ops.share, case_id=view.case_id), {Change.CASE})


def close_case(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Close the case"),
        translate(
            "CaseActions",
            "Open follow-ups are cancelled. Closed cases are kept until their retention time.",
        ),
        view,
    )
    form.add_choice(
        "reason",
        translate("CaseActions", "Reason"),
        [(k, vocab.label(vocab.CLOSURE_REASONS, k)) for k in vocab.CLOSURE_REASONS],
    )
    form.add_text("note", translate("CaseActions", "Note"))
    form.run(partial(case_ops.close_case, case_id=view.case_id),
             {Change.CASE, Change.REVIEW, Change.FOLLOWUP})


def request_closure(view: CaseView) -> None:
    form = SimpleForm(
        view.ctx,
        translate("CaseActions", "Ask to close the case"),
        translate("CaseActions", "A supervisor decides; the request waits in their review queue."),
        view,
    )
    form.add_text("text", translate("CaseActions", "Why can the case be closed?"))
    form.run(partial(case_ops.request_closure, case_id=view.case_id), {Change.REVIEW})
