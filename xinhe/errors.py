"""Errors a user can act on, each with its message in Chinese and English.

Messages never carry client data: parameters are field names, user names,
counts and times only.
"""

from __future__ import annotations

from datetime import datetime

from xinhe.i18n import pick


class XinheError(Exception):
    """Base of every error shown to a user. `code` is stable for scripts and tests."""

    code = "error"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)

    def __str__(self) -> str:
        return self.message()


class WrongPassword(XinheError):
    code = "wrong_password"

    def __init__(self) -> None:
        super().__init__("用户名或密码不正确。", "The user name or password is not correct.")


class UnknownUser(WrongPassword):
    """Same message as a wrong password, so user names cannot be probed."""

    code = "wrong_password"


class AccountLocked(XinheError):
    code = "account_locked"

    def __init__(self, until: datetime) -> None:
        local = until.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            f"密码错误次数过多，该账户已锁定，请在 {local} 之后再试，或请管理员解锁。",
            f"Too many wrong passwords: this account is locked until {local}. "
            "Try again later or ask an administrator to unlock it.",
        )
        self.until = until


class AccountDisabled(XinheError):
    code = "account_disabled"

    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系管理员。",
                         "This account is disabled. Please contact an administrator.")


class VaultDamaged(XinheError):
    code = "vault_damaged"

    def __init__(self, zh_detail: str, en_detail: str) -> None:
        super().__init__(
            f"数据库已损坏，无法打开：{zh_detail}。请从备份恢复，或联系技术人员。（不是密码问题）",
            f"The vault is damaged and cannot be opened: {en_detail}. Restore it from a "
            "backup or contact your IT person. (This is not a password problem.)",
        )


class VaultMissing(XinheError):
    code = "vault_missing"

    def __init__(self, path: str) -> None:
        super().__init__(f"在 {path} 找不到数据库。", f"No vault was found at {path}.")


class VaultExists(XinheError):
    code = "vault_exists"

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} 已有一个数据库，不会覆盖它。请选择其他文件夹。",
            f"There is already a vault at {path}; it will not be overwritten. "
            "Choose another folder.",
        )


class DeviceBindingUnavailable(XinheError):
    code = "binding_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "该账户绑定在另一台工作站（或本机密钥环不可用），无法仅凭密码解锁。"
            "请使用恢复密钥重设密码。",
            "This account is bound to another workstation (or this computer's keyring is "
            "not available), so the password alone cannot unlock it. Use the recovery key "
            "to set a new password.",
        )


class BadRecoveryKey(XinheError):
    code = "bad_recovery_key"

    def __init__(self, typo: bool) -> None:
        if typo:
            super().__init__(
                "恢复密钥格式不对或有输入错误，请逐组核对（共 8 组，每组 4 个字符）。",
                "The recovery key is mistyped: check it group by group "
                "(8 groups of 4 characters).",
            )
        else:
            super().__init__("恢复密钥不正确：它不属于这个数据库。",
                             "The recovery key is not correct: it does not belong to this vault.")
        self.typo = typo


class WeakPassword(XinheError):
    code = "weak_password"

    def __init__(self, minimum: int) -> None:
        super().__init__(f"密码至少需要 {minimum} 个字符。",
                         f"A password needs at least {minimum} characters.")


class AccessDenied(XinheError):
    code = "access_denied"

    def __init__(self, zh: str = "您没有权限执行此操作。",
                 en: str = "You are not allowed to do this.") -> None:
        super().__init__(zh, en)


class NotFound(XinheError):
    code = "not_found"


class InvalidInput(XinheError):
    code = "invalid_input"


class Conflict(XinheError):
    code = "conflict"


class StorageError(XinheError):
    code = "storage_error"

    def __init__(self, zh_detail: str, en_detail: str) -> None:
        super().__init__(
            f"无法写入磁盘：{zh_detail}。原有数据未受影响。",
            f"Could not write to disk: {en_detail}. Nothing that was saved before is lost.",
        )


class WrongThread(RuntimeError):
    """A database call from a thread that does not own the connection (a programming error)."""


class DamageFound(VaultDamaged):
    """Damage found in a vault that did open: by `xinhe check`, the daily check, or a read
    that met a page failing its check (a backup, a search, a list)."""

    code = "vault_damaged"

    def __init__(self, zh_detail: str = "有数据页未通过校验",
                 en_detail: str = "pages of vault.db fail their check") -> None:
        XinheError.__init__(
            self,
            f"数据库已损坏：{zh_detail}。请从最近一次的备份恢复，或联系技术人员。",
            f"The vault is damaged: {en_detail}. Restore it from the latest backup or "
            "contact your IT person.",
        )


class VaultInUse(XinheError):
    """A re-key or restore needs the vault alone, and another program has it open."""

    code = "vault_in_use"

    def __init__(self) -> None:
        super().__init__(
            "数据库正在另一个窗口或程序中打开（例如正在备份），请先关闭它再试。",
            "The vault is open in another window or program (for example a backup); "
            "close it and try again.",
        )


class VaultBusy(XinheError):
    """Another program kept the vault's lock too long (for example a long re-key)."""

    code = "vault_busy"

    def __init__(self) -> None:
        super().__init__(
            "数据库正被另一个窗口或程序占用（例如正在更换密钥），请稍候再试。",
            "The vault is busy in another window or program (for example a re-key); "
            "try again in a moment.",
        )


class ServerUnreachable(XinheError):
    """The studio server cannot be reached (refused, timed out, or the connection broke)."""

    code = "server_unreachable"

    def __init__(self, where: str) -> None:
        super().__init__(
            f"无法连接工作室服务器 {where}。请检查网络，或请技术人员确认服务器已启动；"
            "未保存的内容没有丢失。",
            f"The studio server {where} cannot be reached. Check the network, or ask your IT "
            "person whether the server is running; nothing unsaved has been lost.",
        )


class NotOnServerYet(XinheError):
    """A feature the studio server does not offer yet (it works on a local vault)."""

    code = "not_on_server"

    def __init__(self, what_zh: str, what_en: str) -> None:
        super().__init__(f"工作室服务器暂不支持{what_zh}，此功能目前只能在本机数据库中使用。",
                         f"{what_en} is not yet available on the studio server; it works on "
                         "a local vault only for now.")


class VaultTooNew(XinheError):
    """The vault's schema is newer than this program knows: opening it could lose data."""

    code = "vault_too_new"

    def __init__(self, vault_schema: int, program_schema: int, program_version: str) -> None:
        super().__init__(
            f"此数据库的结构版本为 {vault_schema}，由更新版本的馨和创建；已安装的馨和 "
            f"{program_version} 只支持到结构版本 {program_schema}。请先升级馨和，数据库未被改动。",
            f"This vault has schema version {vault_schema}, made by a newer Xinhe; the "
            f"installed Xinhe {program_version} knows schema versions up to {program_schema}. "
            "Upgrade Xinhe first; the vault was not changed.",
        )


class ResourceMissing(XinheError):
    """A file Xinhe ships with (templates, fonts, translations, policy) is missing."""

    code = "resource_missing"

    def __init__(self, name: str, folder: str) -> None:
        super().__init__(
            f"馨和的安装不完整：在 {folder} 中找不到 {name}。请重新安装馨和。",
            f"The Xinhe installation is incomplete: {name} is missing in {folder}. "
            "Reinstall Xinhe.",
        )


class NoStudioCertificate(XinheError):
    """On the studio server nobody but an administrator may make the studio's signing
    certificate, and there is none yet (a studio set up before it was made at init)."""

    code = "no_studio_certificate"

    def __init__(self) -> None:
        super().__init__(
            "工作室还没有签名证书，所以现在不能签署。请管理员在“管理 → 转介设置”中生成证书"
            "（或导入区 CA 颁发的证书），然后再试。",
            "The studio has no signing certificate yet, so nothing can be signed now. Ask the "
            "administrator to make one in Admin → Referrals (or import one issued by the "
            "district's CA), then try again.")


class ServerLoginRefused(WrongPassword):
    """The studio server refused the sign-in. A login password is derived from the typed
    one and the studio's database name, so a mistyped studio name looks the same."""

    def __init__(self, studio: str) -> None:
        XinheError.__init__(
            self, f"用户名或密码不正确。如果密码没有输错，请核对工作室数据库名“{studio}”"
            "（向技术人员确认）。",
            f"The user name or password is not correct. If the password is right, check the "
            f"studio database name \"{studio}\" with your IT person.")
