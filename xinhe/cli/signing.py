"""`xinhe signing-identity`: the studio certificate referral PDFs are signed with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xinhe.cli import Context, command
from xinhe.crypto.files import atomic_write
from xinhe.errors import InvalidInput, NoStudioCertificate
from xinhe.i18n import pick
from xinhe.records.signing_store import IdentityInfo, SigningStore


def info_json(info: IdentityInfo) -> dict[str, Any]:
    return {"subject": info.subject, "sha256": info.fingerprint, "not_before": info.not_before,
            "not_after": info.not_after, "source": info.source, "created_by": info.created_by,
            "created_at": info.created_at}


def _show(ctx: Context, info: IdentityInfo, headline: str = "") -> None:
    def text() -> None:
        if headline:
            ctx.io.out(headline)
        source = pick("本机生成", "generated here") if info.source == "generated" else \
            pick("导入", "imported")
        for name, value in (
                (pick("证书主体", "Subject"), info.subject),
                (pick("指纹（SHA-256）", "Fingerprint (SHA-256)"), info.fingerprint_groups()),
                (pick("有效期", "Valid"), f"{info.not_before[:10]} – {info.not_after[:10]}"),
                (pick("来源", "Source"), f"{source}, {info.created_by}, "
                                         f"{info.created_at[:10]}")):
            ctx.io.out(f"{name}: {value}")
    ctx.emit(info_json(info), text)


@command("signing-identity show")
def cmd_show(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        info = SigningStore(vault).current()
    finally:
        vault.close("logout")
    if info is None and ctx.server:  # the server's is made at set-up, replaced by the admin
        raise NoStudioCertificate()
    if info is None:
        ctx.emit(None, lambda: ctx.io.out(pick(
            "尚无签名证书：首次导出转介时会自动生成，"
            "管理员也可运行 xinhe signing-identity generate。",
            "No signing certificate yet: one is made at the first referral export, or the "
            "administrator runs xinhe signing-identity generate.")))
        return 0
    _show(ctx, info)
    return 0


@command("signing-identity export")
def cmd_export(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        store = SigningStore(vault)
        pem = store.certificate_pem()
        info = store.current()
    finally:
        vault.close("logout")
    assert info is not None
    atomic_write(Path(ctx.args.file), pem)
    _show(ctx, info, pick(f"证书已写入 {ctx.args.file}。", f"Certificate written to "
                                                           f"{ctx.args.file}."))
    return 0


@command("signing-identity import")
def cmd_import(ctx: Context) -> int:
    path = Path(ctx.args.file)
    try:
        data = path.read_bytes()
    except OSError:
        raise InvalidInput(f"无法读取文件 {path}。", f"Cannot read the file {path}.") from None
    vault = ctx.open_session()
    try:
        vault.require_role("admin")
        password = ctx.io.secret("证书文件的密码", "Password of the certificate file")
        info = SigningStore(vault).import_pkcs12(data, password or None)
    finally:
        vault.close("logout")
    _show(ctx, info, pick("已导入签名证书，此后的转介用它签名。",
                          "Certificate imported; referrals are signed with it from now on."))
    return 0


@command("signing-identity generate")
def cmd_generate(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        info = SigningStore(vault).generate(years=ctx.args.years)
    finally:
        vault.close("logout")
    _show(ctx, info, pick("已生成新的签名证书，请把证书发给接收机构。",
                          "A new signing certificate was made; send it to the receiving "
                          "agencies."))
    return 0
