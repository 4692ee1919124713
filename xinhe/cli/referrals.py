"""Commands for referral packets: verify (and, with the referral issue, export)."""

from __future__ import annotations

from xinhe.cli import Context, Parsers, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick


def add_parsers(parsers: Parsers) -> None:
    p = parsers.command("verify", "check a referral PDF's signature (exit 0 valid, 1 not)")
    p.add_argument("file", metavar="FILE.pdf")
    p.add_argument("--trust", metavar="CERT.pem", help="the studio certificate to trust")


@command("verify")
def cmd_verify(ctx: Context) -> int:
    """The receiving side's check of a referral PDF; needs no vault."""
    from pathlib import Path

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
                "certificate_sha256": result.cert_fingerprint, "trusted": result.trusted}

    def text() -> None:
        rows = [(pick("签名机构", "Signed by"), result.signer),
                (pick("导出人", "Exported by"), result.signer_name),
                (pick("签名时间", "Signing time"), when),
                (pick("转介编号", "Referral number"), result.referral_no),
                (pick("接收机构", "Agency"), result.agency),
                ("referral.json SHA-256", result.json_sha256),
                (pick("证书指纹 SHA-256", "Certificate SHA-256"), result.cert_fingerprint)]
        for name, value in rows:
            if value:
                ctx.io.out(f"{name}: {value}")
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


