"""Commands that keep the records safe over time: backup, restore, retention."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from xinhe.cli import Context, command
from xinhe.errors import InvalidInput
from xinhe.i18n import pick
from xinhe.paths import default_vault_dir
from xinhe.records import backup, retention, vocab
from xinhe.records.restore import restore_backup, target_state, verify_backup

if TYPE_CHECKING:
    from xinhe.records.storage.session import Session


def _status_data(st: backup.BackupStatus, conf: backup.BackupSettings) -> dict[str, object]:
    return {"last_at": st.last_at.isoformat() if st.last_at else None,
            "last_path": st.last_path or None, "last_size": st.last_size,
            "age_days": st.age_days, "overdue": st.overdue, "remind_days": conf.remind_days,
            "auto_folder": conf.auto_folder or None, "auto_keep": conf.auto_keep,
            "auto_on_lock": conf.auto_on_lock, "auto_on_exit": conf.auto_on_exit,
            "auto_error": st.auto_error or None}


def _print_status(ctx: Context, st: backup.BackupStatus, conf: backup.BackupSettings) -> None:
    if st.last_at is None:
        ctx.io.out(pick("还没有做过经过验证的备份。", "No verified backup has been made yet."))
    else:
        when = st.last_at.astimezone().strftime("%Y-%m-%d %H:%M")
        ctx.io.out(pick(f"最近一次验证通过的备份：{when}，{st.last_path}",
                        f"Last verified backup: {when}, {st.last_path}"))
    if st.overdue:
        ctx.io.out(pick(f"提醒：已超过 {conf.remind_days} 天没有备份。",
                        f"Reminder: no backup for more than {conf.remind_days} days."))
    if conf.auto_folder and (conf.auto_on_lock or conf.auto_on_exit):
        ctx.io.out(pick(f"自动备份到 {conf.auto_folder}，保留最近 {conf.auto_keep} 份。",
                        f"Automatic backups go to {conf.auto_folder}; the last "
                        f"{conf.auto_keep} are kept."))
    if st.auto_error:
        ctx.io.out(pick(f"上次自动备份失败：{st.auto_error}",
                        f"The last automatic backup failed: {st.auto_error}"))


@command("backup")
def cmd_backup(ctx: Context) -> int:
    a = ctx.args
    if ctx.server:
        raise InvalidInput("工作室服务器由信息管理员用 xinhe server backup 备份（见 xinhe server "
                           "backup --help）。",
                           "A studio server is backed up by the IT person with `xinhe server "
                           "backup` (see xinhe server backup --help).")
    vault = ctx.unlock()
    made = None
    try:
        conf = backup.settings(vault)
        changes = {k: v for k, v in (
            ("remind_days", a.remind_days), ("auto_keep", a.auto_keep),
            ("auto_folder", a.auto_folder),
            ("auto_on_lock", None if a.auto_on_lock is None else a.auto_on_lock == "yes"),
            ("auto_on_exit", None if a.auto_on_exit is None else a.auto_on_exit == "yes"))
            if v is not None}
        if changes:
            conf = backup.save_settings(vault, replace(conf, **changes))
        if a.file:
            made = backup.make_backup(vault, Path(a.file), overwrite=a.overwrite)
        st = backup.status(vault)
    finally:
        vault.close("logout")
    data = _status_data(st, conf)
    if made is not None:
        data["made"] = {"path": str(made.path), "size": made.size, "same_disk": made.same_disk,
                        "cases": made.counts.get("cases", 0)}

    def text() -> None:
        if made is not None:
            ctx.io.out(pick(f"备份已写入并验证：{made.path}（{made.size // 1024} KB，"
                            f"{made.counts.get('cases', 0)} 个个案）。",
                            f"Backup written and verified: {made.path} "
                            f"({made.size // 1024} KB, {made.counts.get('cases', 0)} cases)."))
            if made.same_disk:
                ctx.io.out(pick("注意：备份与数据库在同一块磁盘上，磁盘损坏时两者会一起丢失。"
                                "请再复制一份到U盘或另一台电脑。",
                                "Note: the backup is on the same disk as the vault; a disk "
                                "failure would take both. Copy it to a USB stick or another "
                                "computer too."))
        _print_status(ctx, st, conf)
    ctx.emit(data, text)
    return 0


@command("restore")
def cmd_restore(ctx: Context) -> int:
    a = ctx.args
    target = default_vault_dir(a.vault)
    if not a.check and target_state(target) in ("vault", "other") and not a.replace:
        raise InvalidInput(
            f"{target} 已有数据库（或其他文件），不会覆盖。如确需用备份替换它，请加 --replace，"
            "原有内容会保留在旁边带时间的文件夹中。",
            f"There is already a vault (or other files) at {target}; it will not be "
            "overwritten. To replace it with the backup, add --replace: the old one is kept "
            "aside in a folder named with the time.")
    key = ctx.io.secret("恢复密钥", "Recovery key")
    if a.check:
        checked = verify_backup(Path(a.file), key)
        ctx.emit({"ok": True, "created_at": checked.created_at, "org": checked.org_name,
                  "counts": checked.counts, "users": list(checked.usernames)},
                 lambda: ctx.io.out(pick(
                     f"备份完好，可以恢复：{checked.org_name}，制作于 {checked.created_at}，"
                     f"{checked.counts.get('cases', 0)} 个个案。",
                     f"The backup is sound and can be restored: {checked.org_name}, made "
                     f"{checked.created_at}, {checked.counts.get('cases', 0)} cases.")))
        return 0
    result = restore_backup(Path(a.file), key, target, ctx.binding, replace=a.replace)
    data = {"vault": str(result.target), "aside": str(result.aside) if result.aside else None,
            "created_at": result.created_at, "keep_password": list(result.keep_password),
            "need_new_password": list(result.need_new_password), "admins": list(result.admins),
            "binding": result.binding_on}

    def text() -> None:
        ctx.io.out(pick(f"已将 {result.created_at} 的备份恢复到 {result.target}。",
                        f"Restored the backup of {result.created_at} to {result.target}."))
        if result.aside:
            ctx.io.out(pick(f"原来的数据库保留在 {result.aside}。",
                            f"The vault that was there is kept in {result.aside}."))
        if result.keep_password:
            ctx.io.out(pick(f"可继续用原密码登录：{'、'.join(result.keep_password)}",
                            f"Can sign in with their passwords: "
                            f"{', '.join(result.keep_password)}"))
        if result.need_new_password:
            admin = result.admins[0] if result.admins else "ADMIN"
            ctx.io.out(pick(
                f"这些账户绑定在另一台工作站，需要新密码：{'、'.join(result.need_new_password)}。"
                f"\n  管理员先用恢复密钥设置新密码：xinhe recover --user {admin}"
                f"\n  再为其他人设置新密码：xinhe users reset-password 登录名 --user {admin}",
                f"These accounts were bound to another workstation and need new passwords: "
                f"{', '.join(result.need_new_password)}."
                f"\n  First an administrator, with the recovery key: xinhe recover --user {admin}"
                f"\n  then the others: xinhe users reset-password NAME --user {admin}"))
    ctx.emit(data, text)
    return 0


@command("retention list")
def cmd_retention_list(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        retention.compact_pending(vault)  # a compaction an earlier purge could not run
        due = retention.due_cases(vault)
    finally:
        vault.close("logout")

    def text() -> None:
        if not due:
            ctx.io.out(pick("没有超过保存期限的个案。", "No case is past its retention period."))
        for d in due:
            kind = pick("仅接案", "intake only") if d.intake_only else ""
            ctx.io.out(f"{d.case_no}\t{vocab.label(vocab.CATEGORIES, d.category)}\t"
                       f"{d.closed_at[:10]}\t{d.years}\t{d.keep_until.isoformat()}\t{kind}".rstrip())
    ctx.emit([{"case_no": d.case_no, "category": d.category, "closed_at": d.closed_at,
               "intake_only": d.intake_only, "years": d.years,
               "keep_until": d.keep_until.isoformat()} for d in due], text)
    return 0


@command("retention purge")
def cmd_retention_purge(ctx: Context) -> int:
    if not ctx.args.yes:
        raise InvalidInput("清除无法撤销。确认无误后请加 --yes 再运行。",
                           "A purge cannot be undone. Add --yes to confirm.")
    if not ctx.args.user:
        raise InvalidInput("此命令需要 --user 登录名。", "This command needs --user NAME.")
    password = ctx.io.secret(f"{ctx.args.user} 的密码", f"Password for {ctx.args.user}")
    vault: Session
    if ctx.server:
        from xinhe.records.storage.server_session import ServerFolder

        vault = ServerFolder(ctx.server, workstation=socket.gethostname()).unlock(
            ctx.args.user, password)
    else:
        folder = ctx.folder()
        folder.load_slots()
        vault = folder.unlock(ctx.args.user, password)
    try:
        # Typed for this command, the password is also its re-authentication.
        result = retention.purge(vault, ctx.args.case_no, password)
    finally:
        vault.close("logout")
    def text() -> None:
        ctx.io.out(pick(f"已清除 {len(result.case_nos)} 个个案：{'、'.join(result.case_nos)}"
                        f"（删除当事人 {result.clients_removed} 名）。",
                        f"Purged {len(result.case_nos)} case(s): {', '.join(result.case_nos)} "
                        f"({result.clients_removed} client(s) removed)."))
        if result.on_server:
            ctx.io.out(pick("服务器上删除的行由 PostgreSQL 的自动清理（autovacuum）回收；"
                            "其中涉及个人的内容只以密文存在。",
                            "On the server, PostgreSQL's autovacuum reclaims the deleted rows; "
                            "what in them describes a person was ciphertext only."))
            return
        ctx.io.out(pick("数据库文件已压缩。", "The database file was compacted.")
                   if result.compacted else
                   pick("数据库文件暂时无法压缩（另一个程序正在使用），"
                        "下次运行 xinhe retention list 时会再试。",
                        "The database file could not be compacted now (another program is "
                        "using it); `xinhe retention list` tries again."))
    ctx.emit({"purged": list(result.case_nos), "clients_removed": result.clients_removed,
              "compacted": result.compacted, "on_server": result.on_server}, text)
    return 0


@command("retention policy")
def cmd_retention_policy(ctx: Context) -> int:
    vault = ctx.open_session()
    try:
        current = retention.policy(vault)
        if ctx.args.years or ctx.args.intake_only_years is not None:
            years = dict(current.years)
            for item in ctx.args.years:
                category, _, value = item.partition("=")
                try:
                    years[category.strip()] = int(value)
                except ValueError:
                    raise InvalidInput(f"格式应为 类别=年数：{item}",
                                       f"Use CATEGORY=YEARS: {item}") from None
            intake = ctx.args.intake_only_years
            current = retention.set_policy(vault, retention.RetentionPolicy(
                years, current.intake_only_years if intake is None else intake))
    finally:
        vault.close("logout")

    def text() -> None:
        for category, years in current.years.items():
            ctx.io.out(f"{category}\t{vocab.label(vocab.CATEGORIES, category)}\t{years}")
        ctx.io.out(pick(f"仅接案的个案：{current.intake_only_years} 年",
                        f"Cases that never went past intake: {current.intake_only_years} years"))
    ctx.emit(current.to_json(), text)
    return 0
