"""What a case view shows, gathered on the database thread as plain data, and each
record rendered to (escaped) HTML for the detail pane."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from xinhe.errors import AccessDenied, NotFound
from xinhe.i18n import language
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.cases import CaseHeader
from xinhe.records.consent import Consent
from xinhe.records.planning import Clock
from xinhe.records.reviews import ReviewItem
from xinhe.records.risk import RiskChange
from xinhe.records.services import Services
from xinhe.records.templates_summary import ScoreSummary, pending_text, summarize_stored
from xinhe.records.timeline import TimelineEntry

translate = QCoreApplication.translate


@dataclass(frozen=True)
class CaseData:
    header: CaseHeader
    timeline: list[TimelineEntry]
    clocks: list[Clock]
    risk_history: list[RiskChange]
    reviews: list[ReviewItem]
    latest_safety_plan: dict[str, object] | None
    instruments: list[InstrumentState] = field(default_factory=list)


@dataclass(frozen=True)
class InstrumentState:
    """The latest assessment of one instrument (the one that counts for the case's level),
    in the instrument's own words."""

    assessment_id: int
    template_id: str
    summary: ScoreSummary


def latest_instruments(services: Services, case_id: int) -> list[InstrumentState]:
    """The latest assessment of each instrument, oldest instrument first."""
    latest = {a.template_id: a for a in services.notes.assessments(case_id)}
    states = []
    for item in latest.values():
        try:
            template = services.templates.get(item.template_id, item.template_version)
        except NotFound:
            continue  # a template no longer shipped: its detail pane still shows the record
        states.append(InstrumentState(item.id, item.template_id,
                                      summarize_stored(template, item.score, language())))
    return states


def load_case(services: Services, case_id: int, opening: bool = False) -> CaseData:
    """Everything the case view shows. `opening` for the first load of a view (audited as
    an open); refreshes after a change are not new opens."""
    header = services.cases.view(case_id) if opening else services.cases.header(case_id)
    reviews: list[ReviewItem] = []
    plan = None
    instruments: list[InstrumentState] = []
    if header.can_read_notes:
        reviews = services.reviews.for_case(case_id)
        plans = services.planning.safety_plans(case_id)
        plan = plans[-1].answers if plans else None
        instruments = latest_instruments(services, case_id)
    return CaseData(
        header,
        services.timeline(case_id),
        services.planning.clocks(case_id, open_only=True),
        services.cases.risk_history(case_id),
        reviews,
        plan,
        instruments,
    )


def local_time(text: str | None, with_time: bool = True) -> str:
    if not text:
        return ""
    value = datetime.fromisoformat(text).astimezone()
    return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def entry_title(entry: TimelineEntry, templates: tpl.TemplateRegistry) -> str:
    if entry.template_id:
        try:
            name = templates.get(entry.template_id).label.get(language())
        except Exception:  # a template no longer installed: still show the record
            name = entry.template_id
    else:
        name = ""
    if entry.kind == "referral":
        return translate("CaseView", "Referral to %1").replace(
            "%1", vocab.label(vocab.AGENCIES, entry.detail)
        )
    if entry.kind == "attachment":
        from xinhe.records.attachments import KINDS

        names = KINDS.get(entry.detail)
        return (names[0] if language() == "zh_CN" else names[1]) if names else entry.detail
    if entry.kind == "followup":
        return translate("CaseView", "Follow-up visit")
    if entry.kind == "imported":
        return translate("CaseView", "Imported from the register")
    if entry.kind == "consent":
        purpose, recipient, how = entry.detail.split(":")
        what = (f"{vocab.label(vocab.CONSENT_PURPOSES, purpose)} → "
                f"{vocab.label(vocab.AGENCIES, recipient)}")
        title = (translate("CaseView", "Legal basis: %1") if how == "basis" else
                 translate("CaseView", "Consent: %1"))
        return title.replace("%1", what)
    if entry.kind == "platform_report":
        from xinhe.records.platform_contract import EVENTS

        event = EVENTS.get(entry.detail, (entry.detail, entry.detail))
        return translate("CaseView", "Report to the platform: %1").replace(
            "%1", event[0] if language() == "zh_CN" else event[1])
    if entry.kind == "crisis":
        kind, _, site = entry.detail.partition(":")
        crisis = translate("CaseView", "Crisis intervention")
        on_site = translate("CaseView", "on site")
        text = f"{crisis} · {vocab.label(vocab.CRISIS_KINDS, kind)}"
        return text + (f" · {on_site}" if site else "")
    return name


STATUS_TEXT = {
    "draft": QT_TRANSLATE_NOOP("Status", "Draft"),
    "signed": QT_TRANSLATE_NOOP("Status", "Signed"),
    "cosign_pending": QT_TRANSLATE_NOOP("Status", "Awaiting co-signature"),
    "cosigned": QT_TRANSLATE_NOOP("Status", "Co-signed"),
    "due": QT_TRANSLATE_NOOP("Status", "Due"),
    "done": QT_TRANSLATE_NOOP("Status", "Done"),
    "cancelled": QT_TRANSLATE_NOOP("Status", "Cancelled"),
    "added": QT_TRANSLATE_NOOP("Status", "Added"),
    "delivered": QT_TRANSLATE_NOOP("Status", "Delivered"),
    "acknowledged": QT_TRANSLATE_NOOP("Status", "Acknowledged"),
    "in_force": QT_TRANSLATE_NOOP("Status", "In force"),
    "withdrawn": QT_TRANSLATE_NOOP("Status", "Withdrawn"),
    "queued": QT_TRANSLATE_NOOP("Status", "Queued"),
    "imported": QT_TRANSLATE_NOOP("Status", "Imported"),
}


def status_text(status: str) -> str:
    return translate("Status", str(STATUS_TEXT.get(status, status)))


def _rows_html(template: tpl.Template, answers: dict[str, object]) -> str:
    out, section = [], None
    for row in tpl.answer_rows(template, answers, language()):
        if row.section != section:
            section = row.section
            out.append(f"<h4>{html.escape(section)}</h4>")
        value = html.escape(row.value).replace("\n", "<br>")
        out.append(f"<p><b>{html.escape(row.field)}</b><br>{value}</p>")
    return "".join(out)


def _addenda_html(services: Services, parent: str, record_id: int) -> str:
    items = services.notes.addenda(parent, record_id)
    if not items:
        return ""
    heading = translate("CaseView", "Addenda")
    parts = [f"<h4>{html.escape(heading)}</h4>"]
    for item in items:
        parts.append(
            f"<p><i>{html.escape(local_time(item.created_at))} · "
            f"{html.escape(item.author_name)}</i><br>"
            f"{html.escape(item.text).replace(chr(10), '<br>')}</p>"
        )
    return "".join(parts)


def _imported_html(services: Services, entry: TimelineEntry) -> str:
    """Where an imported case came from, and the summary note the register gave it."""
    row, _, source = entry.detail.partition(":")
    where = translate("CaseView", "File %1, row %2").replace("%1", source).replace("%2", row)
    parts = [f"<p>{html.escape(where)}</p>"]
    for note in services.notes.addenda("import", entry.record_id):
        heading = translate("CaseView", "Imported summary (not a signed session note)")
        parts.append(f"<h4>{html.escape(heading)}</h4>"
                     f"<p>{html.escape(note.text).replace(chr(10), '<br>')}</p>")
    return "".join(parts)


def _consent_html(consent: Consent) -> str:
    def row(name: str, value: str | None) -> str:
        return (f"<b>{html.escape(name)}</b>: {html.escape(value)}<br>" if value else "")

    if consent.form:
        body = (row(translate("CaseView", "How it was given"),
                    vocab.label(vocab.CONSENT_FORMS, consent.form))
                + row(translate("CaseView", "Given by"), consent.given_by))
    else:
        body = (row(translate("CaseView", "Legal basis"),
                    vocab.label(vocab.LEGAL_BASES, consent.legal_basis))
                + row(translate("CaseView", "Situation"), consent.basis_note))
    body += row(translate("CaseView", "Date"), local_time(consent.given_at, False))
    if consent.withdrawn_at:
        body += row(translate("CaseView", "Withdrawn"),
                    f"{local_time(consent.withdrawn_at)} · {consent.withdrawn_by or ''}")
        note = translate("CaseView", "No new referral may rest on this any more.")
    else:
        note = translate("CaseView", "Referrals for this purpose to this agency may rest on "
                                     "it until it is withdrawn.")
    return f"<p>{body}</p><p style='color:#5f5f5f'>{html.escape(note)}</p>"


def detail_html(services: Services, entry: TimelineEntry) -> str:
    """The record behind a timeline entry, for reading (on the database thread)."""
    templates = services.templates
    title = f"<h3>{html.escape(entry_title(entry, templates))}</h3>"
    meta = [local_time(entry.at), entry.author, status_text(entry.status)]
    try:
        if entry.kind == "session":
            note = services.notes.session(entry.record_id)
            template = templates.get(note.template_id, note.template_version)
            meta += [
                vocab.label(vocab.MODALITIES, note.modality),
                translate("CaseView", "%1 min").replace("%1", str(note.duration_min)),
                translate("CaseView", "%1 person(s)").replace("%1", str(note.persons_served)),
            ]
            if note.cosigned_by:
                meta.append(
                    translate("CaseView", "co-signed by %1").replace("%1", note.cosigned_by)
                )
            body = _rows_html(template, note.answers) + _addenda_html(services, "session", note.id)
        elif entry.kind == "assessment":
            item = services.notes.assessment(entry.record_id)
            template = templates.get(item.template_id, item.template_version)
            level = item.level
            lang = "zh" if language() == "zh_CN" else "en"
            score = item.score
            reasons = "".join(
                f"<li>{html.escape(r['text'][lang])}</li>" for r in score.get("reasons", [])
            )
            summary = summarize_stored(template, score, language())
            said = " · ".join(summary.totals + summary.incomplete + (
                (pending_text(summary.pending, language()),) if summary.pending else ()))
            body = (
                f"<p><b>{html.escape(vocab.label(vocab.RISK_LEVELS, level) or '—')}</b>"
                f" {html.escape(said)}</p>"
                + (f"<ul>{reasons}</ul>" if reasons else "")
                + _rows_html(template, item.answers)
                + _addenda_html(services, "assessment", item.id)
            )
        elif entry.kind == "crisis":
            crisis = services.notes.crisis(entry.record_id)
            template = templates.get(crisis.template_id, crisis.template_version)
            body = _rows_html(template, crisis.answers) + _addenda_html(
                services, "crisis", crisis.id
            )
        elif entry.kind == "safety_plan":
            plan = services.planning.safety_plan(entry.record_id)
            body = _rows_html(templates.get(plan.template_id, plan.template_version), plan.answers)
        elif entry.kind == "followup":
            followup = services.planning.followup(entry.record_id)
            meta[0] = local_time(followup.due_at)
            due = translate("CaseView", "Due")
            body = f"<p>{html.escape(due)}: {html.escape(local_time(followup.due_at))}"
            if followup.done_at:
                body += (
                    "<br>" + html.escape(translate("CaseView", "Done")) + ": "
                    f"{html.escape(local_time(followup.done_at))}"
                )
            body += "</p>"
            if followup.answers:
                body += _rows_html(templates.get("followup_visit"), followup.answers)
        elif entry.kind == "referral":
            referral = services.referrals.get(entry.record_id)
            body = (
                f"<p><b>{html.escape(referral.referral_no)}</b> · "
                f"{html.escape(vocab.label(vocab.CONSENT_PURPOSES, referral.purpose))} · "
                f"{html.escape(vocab.label(vocab.URGENCIES, referral.urgency))}</p>"
                f"<p>{html.escape(referral.summary).replace(chr(10), '<br>')}</p>"
            )
            if referral.status_note:
                body += f"<p style='color:#b00020'>{html.escape(referral.status_note)}</p>"
        elif entry.kind == "attachment":
            attachment = services.attachments.get(entry.record_id)
            body = (
                f"<p>{html.escape(attachment.filename)} · {attachment.size // 1024 + 1} KB"
                f"</p><p>{html.escape(attachment.description or '')}</p>"
            )
        elif entry.kind == "consent":
            body = _consent_html(services.consents.get(entry.record_id))
        elif entry.kind == "imported":
            body = _imported_html(services, entry)
        else:
            body = ""
    except AccessDenied as exc:
        body = f"<p>{html.escape(exc.message())}</p>"
    head = " · ".join(html.escape(m) for m in meta if m)
    return f"{title}<p style='color:#5f5f5f'>{head}</p>{body}"
