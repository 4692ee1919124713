"""Commands for referral packets: export (sign and deliver), deliver again, list, verify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput, NotFound
from xinhe.i18n import pick
from xinhe.records import templates as tpl
from xinhe.records import vocab
from xinhe.records.referrals import Referral
from xinhe.records.services import Services
from xinhe.records.storage.session import Session


def _services(vault: Session) -> Services:
    return Services(vault, tpl.TemplateRegistry.default(vault.setting("template_folder")))


def _draft(svc: Services, ctx: Context, case_id: int) -> Referral:
    """The draft to export: the newest one for this agency and purpose, else a new one."""
    args = ctx.args
    drafts = [r for r in svc.referrals.find(case_id=case_id, status="draft")
              if r.agency == args.to and r.purpose == args.purpose]
    if not drafts:
        if svc.vault.actor.role not in ("counsellor", "supervisor"):
            raise InvalidInput(
                "该个案没有转给这一机构、这一用途的转介草稿。转介由个案的咨询师或督导起草，"
                "工作人员再导出。",
                "This case has no draft referral to that agency for that purpose. The case's "
                "counsellor or a supervisor drafts referrals; staff then export them.")
        return svc.referrals.create(case_id, agency=args.to, purpose=args.purpose,
                                    urgency=args.urgency or "normal", summary=args.summary or "")
    draft = drafts[0]
    if args.summary is not None or args.urgency is not None:
        draft = svc.referrals.update_draft(
            draft.id, draft.version, summary=draft.summary if args.summary is None
            else args.summary, urgency=args.urgency or draft.urgency)
    return draft


def _result(ctx: Context, result: Any) -> int:
    from xinhe.export.outbox import describe_note

    referral = result.referral
    data = {"referral_no": referral.referral_no, "case_no": referral.case_no,
            "agency": referral.agency, "status": referral.status, "sha256": result.sha256,
            "file": str(result.delivered_to) if result.delivered_to else None,
            "reason": describe_note(referral.status_note) or None}

    def text() -> None:
        ctx.io.out(pick(f"转介编号：{referral.referral_no}", f"Referral: {referral.referral_no}"))
        ctx.io.out(pick("接收机构：", "Agency: ") + vocab.label(vocab.AGENCIES, referral.agency))
        ctx.io.out(f"SHA-256: {result.sha256}")
        if result.delivered_to:
            ctx.io.out(pick(f"已送达：{result.delivered_to}", f"Delivered: {result.delivered_to}"))
    ctx.emit(data, text)
    if result.failure is not None:
        ctx.io.err(result.failure.message())
        return 1
    return 0


@command("referral export")
def cmd_referral_export(ctx: Context) -> int:
    from xinhe.export.pipeline import export_referral

    vault = ctx.open_session()
    try:
        svc = _services(vault)
        case_id = svc.cases.find_by_number(ctx.args.case_no)
        draft = _draft(svc, ctx, case_id)
        result = export_referral(svc, draft.id,
                                 outbox=Path(ctx.args.out) if ctx.args.out else None)
    finally:
        vault.close("logout")
    return _result(ctx, result)


@command("referral deliver")
def cmd_referral_deliver(ctx: Context) -> int:
    from xinhe.export.pipeline import deliver_again

    vault = ctx.open_session()
    try:
        svc = _services(vault)
        found = [r for r in svc.referrals.find() if r.referral_no == ctx.args.referral_no.strip()]
        if not found:
            raise NotFound(f"没有编号为 {ctx.args.referral_no} 的转介。",
                           f"There is no referral {ctx.args.referral_no}.")
        result = deliver_again(svc, found[0].id,
                               outbox=Path(ctx.args.out) if ctx.args.out else None)
    finally:
        vault.close("logout")
    return _result(ctx, result)


@command("referral list")
def cmd_referral_list(ctx: Context) -> int:
    from xinhe.export.outbox import describe_note

    vault = ctx.open_session()
    try:
        rows = _services(vault).referrals.find(status=ctx.args.status)
    finally:
        vault.close("logout")

    def text() -> None:
        for r in rows:
            ctx.io.out("\t".join([r.referral_no, r.case_no, vocab.label(vocab.AGENCIES, r.agency),
                                  vocab.label(vocab.CONSENT_PURPOSES, r.purpose), r.status,
                                  r.created_at[:10], describe_note(r.status_note)]))
        ctx.io.out(pick(f"共 {len(rows)} 个转介。", f"{len(rows)} referrals."))
    ctx.emit([{"referral_no": r.referral_no, "case_no": r.case_no, "agency": r.agency,
               "purpose": r.purpose, "urgency": r.urgency, "status": r.status,
               "reason": describe_note(r.status_note) or None, "created_at": r.created_at,
               "signed_at": r.signed_at, "delivered_at": r.delivered_at,
               "sha256": r.file_sha256} for r in rows], text)
    return 0


@command("referral policy")
def cmd_referral_policy(ctx: Context) -> int:
    import json

    from xinhe.records.referral_policy import load_policy, reset_policy, save_policy

    doc = None
    if ctx.args.set:
        try:
            doc = json.loads(Path(ctx.args.set).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep
            raise InvalidInput(f"无法读取 {ctx.args.set}，或它不是 JSON 文件。",
                               f"Cannot read {ctx.args.set}, or it is not JSON.") from None
    vault = ctx.open_session()
    try:
        if doc is not None:
            policy = save_policy(vault, doc)
        elif ctx.args.reset:
            policy = reset_policy(vault)
        else:
            policy = load_policy(vault)
    finally:
        vault.close("logout")
    text = json.dumps(policy.to_json(), ensure_ascii=False, indent=1)
    ctx.emit(policy.to_json(), lambda: ctx.io.out(text))
    return 0


@command("verify")
def cmd_verify(ctx: Context) -> int:
    """The receiving side's check of a referral PDF; needs no vault."""
    from xinhe.export.verify import load_trust, verify_pdf

    path = Path(ctx.args.file)
    try:
        data = path.read_bytes()
    except OSError:
        raise InvalidInput(f"无法读取文件 {path}。", f"Cannot read the file {path}.") from None
    trust = load_trust(ctx.args.trust) if ctx.args.trust else None
    result = verify_pdf(data, trust)
    when = result.signing_time.astimezone().strftime("%Y-%m-%d %H:%M:%S %z") \
        if result.signing_time else None
    data_out = {"ok": result.ok, "code": result.code, "reason": result.message() or None,
                "signer": result.signer, "exported_by": result.signer_name,
                "signing_time": when, "referral_no": result.referral_no,
                "agency": result.agency, "referral_json_sha256": result.json_sha256,
                "certificate_sha256": result.cert_fingerprint, "trusted": result.trusted,
                "kind": result.kind}

    def text() -> None:
        rows = [(pick("签名机构", "Signed by"), result.signer),
                (pick("导出人", "Exported by"), result.signer_name),
                (pick("签名时间", "Signing time"), when),
                (pick("证明编号", "Extract number") if result.kind == "court_extract" else
                 pick("转介编号", "Referral number"), result.referral_no),
                (pick("接收机构", "Agency"),
                 vocab.label(vocab.AGENCIES, result.agency) if result.agency else None),
                ("referral.json SHA-256", result.json_sha256),
                (pick("证书指纹 SHA-256", "Certificate SHA-256"), result.cert_fingerprint)]
        colon = pick("：", ": ")
        for name, value in rows:
            if value:
                ctx.io.out(f"{name}{colon}{value}")
        if result.ok:
            ctx.io.out(pick("结论：有效。", "Result: valid.") + (
                pick("签名证书为受信任的工作室证书。", " Signed by the trusted studio certificate.")
                if result.trusted else pick(
                    "未提供信任证书（--trust），请核对证书指纹与工作室公布的一致。",
                    " No trust anchor given (--trust): compare the certificate fingerprint "
                    "with the one the studio published.")))
    ctx.emit(data_out, text)
    if not result.ok:
        ctx.io.err(result.message())
        return 1
    return 0
