"""Assembling a referral packet from the records, as the agency's field policy allows.

This runs in the records layer and reads the tables itself, with its own checks, rather
than through the note services: staff export referrals of cases whose notes they may not
read, and must get exactly what the policy lets through for that agency — no more. Only
the parts the policy allows are ever read. Consent is checked again here, at the moment
of export, so a withdrawn consent stops a packet that was drafted before.

The packet dataclasses live in `xinhe.records.packet_contract` (plain data, no PDF code):
the contract between the records and the PDF builder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from xinhe.errors import InvalidInput, NotFound
from xinhe.i18n import language, pick
from xinhe.records import packet_sources as sources
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.access import require_case
from xinhe.records.attachments import KINDS as ATTACHMENT_KINDS
from xinhe.records.clients import (
    MASK,
    Client,
    load_client,
    packet_client_fields,
)
from xinhe.records.common import loads, parse_ts
from xinhe.records.consent import Consent
from xinhe.records.packet_contract import (
    Attachment,
    AuditHead,
    ClientField,
    ConsentRecord,
    PartLine,
    RecordPart,
    ReferralPacket,
    RiskInstrument,
    RiskSummary,
)
from xinhe.records.packet_disclosure import disclosed_fields
from xinhe.records.referral_policy import (
    CLIENT_FIELDS,
    RECORD_PARTS,
    AgencyPolicy,
    FieldPolicy,
    load_policy,
)
from xinhe.records.referrals import ReferralService
from xinhe.records.storage.session import Session
from xinhe.records.templates_values import display_value, is_blank

EXPORT_ROLES = ("counsellor", "supervisor", "staff")
#: The incident text of an intake or mandatory-report record.
INCIDENT_FIELDS = ("incident_summary", "discovery_details")
INTAKE_KINDS = ("intake", "mandatory_report")
IMAGE_TYPES = ("image/jpeg", "image/png")


@dataclass(frozen=True)
class _Source:
    """One stored record (assessment, plan, note) with its template, if still loadable."""

    row: Any
    template: tpl.Template | None


def local_date(ts: str) -> date:
    moment = parse_ts(ts)
    assert moment is not None
    return moment.astimezone().date()


def require_export_access(vault: Session, case_id: int) -> Any:
    """The case row, if the actor may export referrals of it: a supervisor, staff, or a
    counsellor whose case it is (or who shares it). Administrators never."""
    vault.require_role(*EXPORT_ROLES)
    return require_case(vault, case_id, "header")


class PacketBuilder:
    """Builds the `ReferralPacket` of one case for one agency."""

    def __init__(self, vault: Session, templates: tpl.TemplateRegistry,
                 policy: FieldPolicy | None = None, lang: str | None = None) -> None:
        self.vault = vault
        self.templates = templates
        self.policy = policy or load_policy(vault)
        self.lang = lang or language()

    def t(self, zh: str, en: str) -> str:
        return pick(zh, en, self.lang)

    # -- the packet ---------------------------------------------------------------------------
    def build(self, case_id: int, *, agency: str, purpose: str, urgency: str, summary: str,
              consent: Consent, referral_no: str,
              disclosed: frozenset[str] = frozenset()) -> ReferralPacket:
        case = require_export_access(self.vault, case_id)
        rules = self.policy.for_agency(agency)
        now = self.vault.now().astimezone()
        client = load_client(self.vault, case["client_id"], unmasked=True)
        counsellor = self.vault.db.scalar("SELECT display_name FROM users WHERE id = ?",
                                          (case["counsellor_id"],))
        instruments, parts = self._assessment_parts(case_id, rules)
        if rules.allows("record_parts", "safety_plan"):
            parts += self._safety_plan(case_id)
        if rules.allows("record_parts", "session_notes"):
            parts += self._session_notes(case_id)
        level = "not_shared"
        if rules.allows("record_parts", "risk_level"):
            level = case["risk_level"] or "none"
        seq, head = self.vault.audit.head()
        return ReferralPacket(
            studio_name=self.vault.org_name, referral_no=referral_no, created_at=now,
            agency=agency,  # type: ignore[arg-type]  # checked by the policy lookup
            purpose=vocab.label(vocab.CONSENT_PURPOSES, purpose, self.lang),
            urgency=urgency,  # type: ignore[arg-type]  # checked when the draft was saved
            client_fields=tuple(self._client_fields(client, rules, now.date(), disclosed)),
            situation_summary=summary, risk=RiskSummary(level, tuple(instruments)),
            consent=self._consent(consent), attachments=tuple(self._attachments(case_id, rules)),
            counsellor_name=str(counsellor), exported_by=self.vault.actor.display_name,
            audit_head=AuditHead(seq, head),
            agency_label_zh=vocab.AGENCIES[agency][0], agency_label_en=vocab.AGENCIES[agency][1],
            record_parts=tuple(parts))

    # -- client ---------------------------------------------------------------------------------
    def _client_fields(self, client: Client, rules: AgencyPolicy, today: date,
                       disclosed: frozenset[str] = frozenset()) -> Iterable[ClientField]:
        """The client's facts for this agency: what the policy allows, confidential ones
        only when ticked for this packet (`packet_client_fields`)."""
        facts = packet_client_fields(client, disclosed & set(client.confidential))
        place = f"{facts['street'] or ''}{facts['community'] or ''}"
        age = client.age_on(today)
        guardian = " ".join(v for v in (facts["guardian_name"], facts["guardian_phone"]) if v)
        values = {
            "name": client.name,
            "gender": vocab.label(vocab.GENDERS, client.gender, self.lang),
            "birth_date": client.birth_date or (
                self.t(f"{client.birth_year} 年", str(client.birth_year))
                if client.birth_year else ""),
            "age": self.t(f"{age} 岁", str(age)) if age is not None else "",
            "phone": facts["phone"] or "",
            "id_number": facts["id_number"] or "",
            # A confidential address not ticked leaves no "address" at all (the street and
            # community stay in "community", where the policy allows that).
            "address": " ".join(v for v in (place, facts["address"] or "") if v)
            if facts["address"] or "address" not in client.confidential else "",
            "community": place,
            "guardian": guardian,
            "workplace": facts["workplace"] or "",
            "child_school": facts["child_school"] or "",
            "new_location": facts["new_location"] or "",
        }
        for key, (zh, en) in CLIENT_FIELDS.items():
            if rules.allows("client_fields", key) and values[key]:
                yield ClientField(key, zh, en, values[key])

    # -- consent --------------------------------------------------------------------------------
    def _consent(self, consent: Consent) -> ConsentRecord:
        notes = []
        if consent.given_by:
            notes.append(self.t(f"同意人：{consent.given_by}", f"Given by: {consent.given_by}"))
        if consent.basis_note:
            notes.append(consent.basis_note)
        return ConsentRecord(
            form=consent.form,  # type: ignore[arg-type]  # vocab-checked when recorded
            given_on=local_date(consent.given_at) if consent.form else None,
            purpose=vocab.label(vocab.CONSENT_PURPOSES, consent.purpose, self.lang),
            recipient=vocab.label(vocab.AGENCIES, consent.recipient, self.lang),
            legal_basis=consent.legal_basis,  # type: ignore[arg-type]
            note="\n".join(notes))

    # -- assessments: incident, danger checklist, suicide screen, other scales --------------------
    def _template(self, row: Any) -> tpl.Template | None:
        try:
            return self.templates.get(str(row["template_id"]), int(row["template_version"]))
        except NotFound:
            return None

    def _latest(self, case_id: int, template_ids: Iterable[str]) -> list[_Source]:
        rows = sources.latest_assessments(self.vault, case_id, list(template_ids))
        return [_Source(r, self._template(r)) for r in rows]

    def _assessment_parts(self, case_id: int, rules: AgencyPolicy
                          ) -> tuple[list[RiskInstrument], list[RecordPart]]:
        instruments: list[RiskInstrument] = []
        parts: list[RecordPart] = []
        if rules.allows("record_parts", "incident_summary"):
            parts += self._incident(case_id)
        for key in ("danger_checklist", "suicide_screen", "other_assessments"):
            if not rules.allows("record_parts", key):
                continue
            for source in self._latest(case_id, self.policy.instruments.get(key, ())):
                instruments += self._instrument_rows(source)
                if key == "danger_checklist" and source.template is not None:
                    parts.append(self._checklist_part(source, source.template))
                elif key == "suicide_screen" and source.template is not None:
                    parts.append(self._screen_part(source, source.template))
        return instruments, parts

    def _incident(self, case_id: int) -> list[RecordPart]:
        for row in sources.assessments(self.vault, case_id):
            template = self._template(row)
            if template is None or template.kind not in INTAKE_KINDS:
                continue
            answers = loads(row["answers"]) or {}
            for field_id in INCIDENT_FIELDS:
                fld = template.field(field_id)
                if fld is not None and not is_blank(answers.get(field_id)):
                    line = PartLine(fld.label.zh, fld.label.en, str(answers[field_id]))
                    return [RecordPart("incident_summary", template.label.zh, template.label.en,
                                       local_date(row["assessed_at"]), (line,))]
        return []

    def _instrument_rows(self, source: _Source) -> list[RiskInstrument]:
        row, template = source.row, source.template
        score = loads(row["score"]) or {}
        name = template.label.get(self.lang) if template else str(row["template_id"])
        day = local_date(row["assessed_at"])
        totals = {str(k): v for k, v in (score.get("totals") or {}).items()}
        if not totals:
            return [RiskInstrument(name, None, row["level"] or "no_risk", day)]
        bands = {str(b.get("total")): b for b in score.get("bands") or []}
        labels = {t.id: t.label.get(self.lang) for t in template.scoring.totals} \
            if template else {}
        out = []
        for total_id, value in totals.items():
            # One total: the record's own level, which rules (e.g. strangulation) may raise
            # above the band; several totals: each its band.
            level = (row["level"] if len(totals) == 1 else None) or \
                bands.get(total_id, {}).get("level") or row["level"] or "no_risk"
            out.append(RiskInstrument(f"{name} · {labels.get(total_id, total_id)}", value,
                                      str(level), day))
        return out

    def _checklist_part(self, source: _Source, template: tpl.Template) -> RecordPart:
        """The danger checklist: every section holding the scored items; the items
        answered yes, and what was written there (e.g. professional judgement)."""
        answers = loads(source.row["answers"]) or {}
        score = loads(source.row["score"]) or {}
        scored = {f for total in template.scoring.totals for f in total.fields}
        lines = []
        for section in template.sections:
            if not any(f.id in scored for f in section.fields):
                continue
            for fld in section.fields:
                value = answers.get(fld.id)
                if fld.type == "yes_no" and value is True:
                    lines.append(PartLine(fld.label.zh, fld.label.en))
                elif fld.type in ("text", "long_text") and not is_blank(value):
                    lines.append(PartLine(fld.label.zh, fld.label.en, str(value)))
        count = sum(1 for line in lines if not line.value)
        bands = [b for b in score.get("bands") or [] if b.get("label")]
        reasons = [r.get("text") or {} for r in score.get("reasons") or []]
        zh = [f"{b['label']['zh']}（{b['value']:g} 分）。" for b in bands]
        en = [f"{b['label']['en']} ({b['value']:g}). " for b in bands]
        return RecordPart(
            "danger_checklist", f"{template.label.zh} · 危险因素清单",
            f"{template.label.en} · danger checklist", local_date(source.row["assessed_at"]),
            tuple(lines),
            note_zh=f"回答“是”的危险因素 {count} 项。" + "".join(zh) +
            "".join(r.get("zh", "") for r in reasons),
            note_en=(f"{count} danger factor(s) answered yes. " + "".join(en) +
                     " ".join(r.get("en", "") for r in reasons)).strip())

    def _screen_part(self, source: _Source, template: tpl.Template) -> RecordPart:
        answers = loads(source.row["answers"]) or {}
        score = loads(source.row["score"]) or {}
        lines = tuple(PartLine(f.label.zh, f.label.en) for f in template.fields
                      if f.type == "yes_no" and answers.get(f.id) is True)
        reasons = [r.get("text") or {} for r in score.get("reasons") or []]
        return RecordPart(
            "suicide_screen", template.label.zh, template.label.en,
            local_date(source.row["assessed_at"]), lines,
            note_zh=" ".join(r.get("zh", "") for r in reasons) or "各项均回答“否”。",
            note_en=" ".join(r.get("en", "") for r in reasons) or "Every item answered no.")

    # -- safety plan and session notes -------------------------------------------------------
    def _answer_lines(self, template: tpl.Template | None,
                      answers: dict[str, Any]) -> list[PartLine]:
        if template is None:
            return [PartLine(k, k, str(v)) for k, v in answers.items() if not is_blank(v)]
        return [PartLine(f.label.zh, f.label.en, display_value(f, answers[f.id], self.lang))
                for f in template.fields if not is_blank(answers.get(f.id))]

    def _safety_plan(self, case_id: int) -> list[RecordPart]:
        row = sources.safety_plan(self.vault, case_id)
        if row is None:
            return []
        template = self._template(row)
        zh, en = (template.label.zh, template.label.en) if template else ("安全计划",
                                                                          "Safety plan")
        return [RecordPart("safety_plan", zh, en, local_date(row["created_at"]),
                           tuple(self._answer_lines(template, loads(row["answers"]) or {})))]

    def _session_notes(self, case_id: int) -> list[RecordPart]:
        rows = sources.session_notes(self.vault, case_id)
        parts = []
        for row in reversed(rows):
            template = self._template(row)
            lines = self._answer_lines(template, loads(row["answers"]) or {})
            for addendum in sources.session_addenda(self.vault, case_id, int(row["id"])):
                day = local_date(addendum["created_at"]).isoformat()
                lines.append(PartLine(f"补充说明（{day}）", f"Addendum ({day})",
                                      str(addendum["text"])))
            how_zh = vocab.label(vocab.MODALITIES, row["modality"], "zh_CN")
            how_en = vocab.label(vocab.MODALITIES, row["modality"], "en")
            minutes = int(row["duration_min"])
            parts.append(RecordPart(
                "session_notes", f"咨询记录（{how_zh}，{minutes} 分钟）",
                f"Session note ({how_en}, {minutes} min)", local_date(row["started_at"]),
                tuple(lines)))
        return parts

    # -- attachments -----------------------------------------------------------------------------
    def _attachments(self, case_id: int, rules: AgencyPolicy) -> Iterable[Attachment]:
        kinds = sorted(rules.attachments)
        if not kinds:
            return
        for row in sources.attachments(self.vault, case_id, kinds):
            # Every allowed file goes with the packet: images as pages, other files
            # (a PDF document, a text) embedded in the signed PDF as file attachments.
            yield Attachment(name=str(row["filename"]), media_type=str(row["media_type"]),
                             sha256=str(row["sha256"]), size=int(row["size"]), included=True,
                             data=bytes(row["data"]))


def assemble_packet(vault: Session, templates: tpl.TemplateRegistry, referral_id: int, *,
                    preview: bool = False, lang: str | None = None) -> ReferralPacket:
    """The packet of a referral as it would be signed now.

    Refused (ConsentMissing, audited) if no consent or legal basis covers the referral's
    purpose and agency any more, and (InvalidInput) without a situation summary. The
    export — or, with `preview`, the preview — is audited before the audit-chain head is
    read, so the head the packet carries is the entry recording this very export."""
    referrals = ReferralService(vault)
    referral = referrals.get(referral_id)
    require_export_access(vault, referral.case_id)
    if not referral.summary.strip():
        raise InvalidInput("请先写好情况摘要，再导出转介。",
                           "Write the situation summary before exporting the referral.")
    consent = referrals.consent_for(referral.case_id, referral.purpose, referral.agency)
    disclosed = disclosed_fields(vault, referral_id)
    vault.audit_event("referral.preview" if preview else "referral.export", "referral",
                      referral.referral_no, referral.agency)
    builder = PacketBuilder(vault, templates, lang=lang)
    if disclosed:
        # The ticked confidential fields that actually go (allowed for this agency and
        # still marked), recorded before the head is read so the packet carries it.
        client_id = require_export_access(vault, referral.case_id)["client_id"]
        marked = set(load_client(vault, client_id).confidential)
        rules = builder.policy.for_agency(referral.agency)
        going = sorted(k for k in disclosed & marked if rules.allows("client_fields", k))
        if going:
            vault.audit_event("client.disclose" if not preview else "client.disclose.preview",
                              "referral", referral.referral_no, ",".join(going))
    return builder.build(
        referral.case_id, agency=referral.agency, purpose=referral.purpose,
        urgency=referral.urgency, summary=referral.summary, consent=consent,
        referral_no=referral.referral_no, disclosed=disclosed)


@dataclass(frozen=True)
class OverviewRow:
    """One item of the policy for one agency, and what this case holds for it."""

    section: str  # "client_fields" | "record_parts" | "attachments"
    key: str
    allowed: bool
    content: str  # in a few words; "" when the case holds nothing (or it is not sent)
    confidential: bool = False  # a client field marked confidential: sent only if ticked
    ticked: bool = False  # ticked for this packet (the preview shows it in red)


def policy_overview(vault: Session, templates: tpl.TemplateRegistry, case_id: int, *,
                    agency: str, lang: str | None = None,
                    ticked: Iterable[str] = ()) -> list[OverviewRow]:
    """Every item the policy knows, whether `agency` gets it, and what the case has for the
    items it gets (shown to the exporter before the packet is made). Items the agency does
    not get are not read. A confidential client field is "not sent" unless in `ticked`;
    its row says it is confidential, and its content is masked unless ticked."""
    case = require_export_access(vault, case_id)
    builder = PacketBuilder(vault, templates, lang=lang)
    rules = builder.policy.for_agency(agency)
    t = builder.t
    rows: list[OverviewRow] = []
    client = load_client(vault, case["client_id"], unmasked=True)
    chosen = frozenset(ticked) & set(client.confidential)
    values = {f.key: f.value for f in builder._client_fields(
        client, rules, vault.now().astimezone().date(), chosen)}
    for key in CLIENT_FIELDS:
        secret = key in client.confidential and bool(getattr(client, key))
        if secret and key not in chosen:
            rows.append(OverviewRow("client_fields", key, False,
                                    MASK if rules.allows("client_fields", key) else "",
                                    confidential=True))
            continue
        rows.append(OverviewRow("client_fields", key, key in values, values.get(key, ""),
                                confidential=secret, ticked=secret and key in values))
    _instruments, parts = builder._assessment_parts(case_id, rules)
    if rules.allows("record_parts", "safety_plan"):
        parts += builder._safety_plan(case_id)
    if rules.allows("record_parts", "session_notes"):
        parts += builder._session_notes(case_id)
    for key in RECORD_PARTS:
        allowed = rules.allows("record_parts", key)
        found = [p for p in parts if p.key == key]
        days = sorted({p.recorded_on.isoformat() for p in found if p.recorded_on})
        content = ", ".join(days)
        if key == "risk_level":
            content = vocab.label(vocab.RISK_LEVELS, case["risk_level"], builder.lang) or \
                t("尚未评估", "not assessed yet")
        elif key == "danger_checklist" and found:
            yes = sum(1 for line in found[-1].lines if not line.value)
            content = t(f"{content}：{yes} 项回答“是”", f"{content}: {yes} answered yes")
        elif key == "other_assessments" and allowed:
            content = "; ".join(
                f"{i.name} {i.total:g} ({i.assessed_on.isoformat()})"
                for source in builder._latest(case_id, builder.policy.instruments.get(key, ()))
                for i in builder._instrument_rows(source) if i.total is not None)
        elif key == "session_notes" and found:
            content = t(f"{len(found)} 次，最近 {days[-1]}",
                        f"{len(found)}, latest {days[-1]}")
        rows.append(OverviewRow("record_parts", key, allowed, content if allowed else ""))
    for key in ATTACHMENT_KINDS:
        allowed = rules.allows("attachments", key)
        names = [a.name for a in builder._attachments(
            case_id, AgencyPolicy(frozenset(), frozenset(), frozenset({key})))] \
            if allowed else []
        rows.append(OverviewRow("attachments", key, allowed, "、".join(names)))
    return rows

