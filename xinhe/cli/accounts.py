"""Commands for the vault and its accounts: init, users, passwd, recover, rekey, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from xinhe.cli import Context, command
from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.records.accounts import AccountService
from xinhe.records.roles import role_name
from xinhe.records.signing_store import SigningStore
from xinhe.records.storage.session import Session
from xinhe.records.vault import Vault

if TYPE_CHECKING:
    from xinhe.records.storage.server_session import ServerSession


def binding_note(binding: DeviceBinding) -> str:
    if binding.enabled:
        return pick("工作站绑定：已启用（设备密钥保存在系统密钥环中）。",
                    "Workstation binding: on (device secret kept in the system keyring).")
    return pick(
        f"注意：工作站绑定未启用（{binding.reason_off}）。复制走的数据库只受密码保护。",
        f"Note: workstation binding is OFF ({binding.reason_off}). A copied vault is "
        "protected by the passwords alone.")


@command("init")
def cmd_init(ctx: Context) -> int:
    folder = ctx.folder()
    if folder.exists():
        from xinhe.errors import VaultExists
        raise VaultExists(str(folder.path))
    password = ctx.io.secret(f"为 {ctx.args.admin} 设置密码", f"New password for {ctx.args.admin}",
                             confirm=True)
    vault, recovery_key = folder.create(ctx.args.org, ctx.args.admin,
                                        ctx.args.display_name or ctx.args.admin, password)
    try:
        identity = SigningStore(vault).ensure_at_setup()
    finally:
        vault.close("logout")
    data = {"vault": str(folder.path), "admin": ctx.args.admin, "recovery_key": recovery_key,
            "binding": ctx.binding.enabled, "certificate_sha256": identity.fingerprint}

    def text() -> None:
        ctx.io.out(pick(f"已在 {folder.path} 创建数据库。", f"Vault created at {folder.path}."))
        ctx.io.out(pick("恢复密钥（只显示这一次，请抄写并锁好保存）：",
                        "Recovery key (shown only this once; write it down and lock it away):"))
        ctx.io.out(f"  {recovery_key}")
        ctx.io.out(binding_note(ctx.binding))
        ctx.io.out(pick("已生成工作室签名证书，指纹（SHA-256）：",
                        "The studio's signing certificate was made; fingerprint (SHA-256):"))
        ctx.io.out(f"  {identity.fingerprint_groups()}")
    ctx.emit(data, text)
    return 0


def _user_json(user: Any) -> dict[str, Any]:
    return {k: v for k, v in asdict(user).items() if k != "id"}


@command("users add")
def cmd_users_add(ctx: Context) -> int:
    vault = ctx.unlock()
    try:
        password = ctx.io.secret(f"为 {ctx.args.name} 设置初始密码",
                                 f"Initial password for {ctx.args.name}", confirm=True)
        user = AccountService(vault).add_user(
            ctx.args.name, ctx.args.display_name or ctx.args.name, ctx.args.role, password)
    finally:
        vault.close("logout")
    ctx.emit(_user_json(user), lambda: ctx.io.out(
        pick(f"已添加用户 {user.username}（{role_name(user.role)}）。",
             f"Added user {user.username} ({role_name(user.role)}).")))
    return 0


@command("users list")
def cmd_users_list(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        accounts = AccountService(vault)
        users = accounts.users()
        locked = {u.username for u in users if accounts.locked_until(u.username)}
    finally:
        vault.close("logout")

    def text() -> None:
        for u in users:
            state = pick("在用", "active") if u.active else pick("已停用", "disabled")
            if u.username in locked:
                state += pick("，已锁定", ", locked")
            ctx.io.out(f"{u.username}\t{role_name(u.role)}\t{state}\t{u.display_name}")
    ctx.emit([{**_user_json(u), "locked": u.username in locked} for u in users], text)
    return 0


def _user_action(ctx: Context, action: Callable[[Session], None], zh: str, en: str) -> int:
    vault = ctx.open_session()
    try:
        action(vault)
    finally:
        vault.close("logout")
    ctx.emit({"user": ctx.args.name, "done": True}, lambda: ctx.io.out(pick(zh, en)))
    return 0


def _set_active(vault: Session, name: str, active: bool) -> None:
    AccountService(vault).set_user_active(name, active)


@command("users disable")
def cmd_users_disable(ctx: Context) -> int:
    return _user_action(ctx, lambda v: _set_active(v, ctx.args.name, False),
                        f"已停用 {ctx.args.name}。", f"Disabled {ctx.args.name}.")


@command("users enable")
def cmd_users_enable(ctx: Context) -> int:
    return _user_action(ctx, lambda v: _set_active(v, ctx.args.name, True),
                        f"已启用 {ctx.args.name}。", f"Enabled {ctx.args.name}.")


@command("users unlock")
def cmd_users_unlock(ctx: Context) -> int:
    return _user_action(ctx, lambda v: AccountService(v).unlock_account(ctx.args.name),
                        f"已解除 {ctx.args.name} 的锁定。", f"Unlocked {ctx.args.name}.")


@command("users remove")
def cmd_users_remove(ctx: Context) -> int:
    done_zh, done_en = ((f"已删除 {ctx.args.name}，其服务器登录账户已撤销。",
                         f"Removed {ctx.args.name}; their server login is dropped.")
                        if ctx.server else
                        (f"已删除 {ctx.args.name} 并更换了数据库密钥。",
                         f"Removed {ctx.args.name} and re-keyed the vault."))
    return _user_action(ctx, lambda v: AccountService(v).remove_user(ctx.args.name),
                        done_zh, done_en)


@command("users reset-password")
def cmd_users_reset(ctx: Context) -> int:
    def reset(vault: Session) -> None:
        password = ctx.io.secret(f"{ctx.args.name} 的新密码", f"New password for {ctx.args.name}",
                                 confirm=True)
        AccountService(vault).reset_password(ctx.args.name, password)
    return _user_action(ctx, reset, f"已为 {ctx.args.name} 设置新密码。",
                        f"Set a new password for {ctx.args.name}.")


@command("recover")
def cmd_recover(ctx: Context) -> int:
    if not ctx.args.user:
        raise InvalidInput("此命令需要 --user 登录名。", "This command needs --user NAME.")
    if ctx.server:
        return _recover_on_server(ctx)
    folder = ctx.folder()
    folder.load_slots()
    key = ctx.io.secret("恢复密钥", "Recovery key")
    folder.check_recovery_key(key)
    new = ctx.io.secret(f"{ctx.args.user} 的新密码", f"New password for {ctx.args.user}",
                        confirm=True)
    vault = folder.recover(key, ctx.args.user, new)
    vault.close("logout")
    ctx.emit({"user": ctx.args.user, "done": True}, lambda: ctx.io.out(
        pick(f"已用恢复密钥为 {ctx.args.user} 设置新密码。",
             f"A new password is set for {ctx.args.user} with the recovery key.")))
    return 0


def _recover_on_server(ctx: Context) -> int:
    from xinhe.records.storage.server_accounts import recover

    if not getattr(ctx.args, "setup_dsn", None):
        raise InvalidInput("在工作室服务器上恢复需要信息管理员的 --setup-dsn 设置账户地址。",
                           "On the studio server, recovery needs the IT person's --setup-dsn.")
    key = ctx.io.secret("恢复密钥", "Recovery key")
    new = ctx.io.secret(f"{ctx.args.user} 的新密码", f"New password for {ctx.args.user}",
                        confirm=True)
    recover(ctx.args.setup_dsn, str(ctx.server), key, ctx.args.user, new)
    ctx.emit({"user": ctx.args.user, "done": True}, lambda: ctx.io.out(
        pick(f"已用恢复密钥为 {ctx.args.user} 设置新密码。",
             f"A new password is set for {ctx.args.user} with the recovery key.")))
    return 0


@command("rekey")
def cmd_rekey(ctx: Context) -> int:
    vault = ctx.unlock()
    try:
        vault.rekey()
    finally:
        vault.close("logout")
    ctx.emit({"done": True}, lambda: ctx.io.out(
        pick("已更换数据库密钥，所有密钥槽已重新封装。",
             "The vault is re-keyed and every key slot rewrapped.")))
    return 0


@command("recovery-key new")
def cmd_recovery_key_new(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        key = vault.new_recovery_key()
    finally:
        vault.close("logout")

    def text() -> None:
        ctx.io.out(pick("新的恢复密钥（只显示这一次，请抄写并锁好保存；旧的恢复密钥已失效）：",
                        "New recovery key (shown only this once; write it down and lock it "
                        "away; the old one no longer works):"))
        ctx.io.out(f"  {key}")
    ctx.emit({"recovery_key": key}, text)
    return 0


@command("audit verify")
def cmd_audit_verify(ctx: Context) -> int:
    from xinhe.records import witnesses

    expect = [witnesses.parse_expect(text) for text in ctx.args.expect]
    if ctx.args.backup and not ctx.server:
        raise InvalidInput("--backup 用于 --server（本机数据库的备份文件夹会自动核对）。",
                           "--backup goes with --server (a local vault's backup folder is "
                           "checked by itself).")
    vault = ctx.open_session()
    try:
        if isinstance(vault, Vault):
            report = witnesses.check(vault, expect)
        else:
            from xinhe.cli.server import server_chain_report

            report = server_chain_report(vault, expect, ctx.args.outbox, ctx.args.backup)
    finally:
        vault.close("logout")

    def text() -> None:
        ctx.io.out(pick(f"审计链当前头：序号 {report.head_seq} · {report.head_hash}",
                        f"Audit chain head: entry {report.head_seq} · {report.head_hash}"))
        if report.ok:
            ctx.io.out(pick(f"审计链完整：共 {report.chain.checked} 条，与 {len(report.results)} "
                            "个见证相符。",
                            f"Audit chain intact: {report.chain.checked} entries, agreeing "
                            f"with {len(report.results)} witness(es)."))
        for problem in report.chain.problems:
            ctx.io.out(problem.describe())
        for result in report.results:
            ctx.io.out(("  ✓ " if result.ok else "  ✗ ") + result.describe())
        for item in report.unchecked:
            ctx.io.out("  ? " + item.describe())
    ctx.emit(report.to_json(), text)
    if not report.ok:
        named = "; ".join(r.witness.name() for r in report.failed)
        ctx.io.err(pick(f"审计链被篡改：发现 {len(report.chain.problems) + len(report.failed)} "
                        f"处问题" + (f"（见证：{named}）" if named else "") + "。",
                        f"The audit chain has been tampered with: "
                        f"{len(report.chain.problems) + len(report.failed)} problem(s) found"
                        + (f" (witnesses: {named})" if named else "") + "."))
        return 1
    return 0


@command("passwd")
def cmd_passwd(ctx: Context) -> int:
    if not ctx.args.user:
        raise InvalidInput("此命令需要 --user 登录名。", "This command needs --user NAME.")
    if ctx.server:
        import socket

        from xinhe.records.storage.server_session import ServerFolder

        old = ctx.io.secret("当前密码", "Current password")
        new = ctx.io.secret("新密码", "New password", confirm=True)
        session: Vault | ServerSession = ServerFolder(
            ctx.server, socket.gethostname()).unlock(ctx.args.user, old)
    else:
        folder = ctx.folder()
        folder.load_slots()
        old = ctx.io.secret("当前密码", "Current password")
        new = ctx.io.secret("新密码", "New password", confirm=True)
        session = folder.unlock(ctx.args.user, old)
    try:
        AccountService(session).change_password(old, new)
    finally:
        session.close("logout")
    ctx.emit({"user": ctx.args.user, "done": True},
             lambda: ctx.io.out(pick("密码已更改。", "Password changed.")))
    return 0
