"""The `xinhe` command: the scriptable face of the same services the desktop app uses.

Secrets come from standard input when it is not a terminal, one per line, in the order
each command's help gives. Output is text, or JSON with --json. Exit 0 on success;
otherwise 1 with a one-line reason on stderr (2 for a usage error).
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, NoReturn

from xinhe.crypto.binding import DeviceBinding
from xinhe.errors import InvalidInput, NotOnServerYet, XinheError
from xinhe.i18n import pick, set_language
from xinhe.paths import default_vault_dir

if TYPE_CHECKING:  # the vault's modules (cryptography, SQLCipher) load when a command opens one
    from xinhe.records.storage.server_session import ServerSession
    from xinhe.records.vault import Vault, VaultFolder


@dataclass
class Io:
    """The command's streams and its source of secrets (injectable for tests)."""

    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    _lines: list[str] | None = None

    def secret(self, prompt_zh: str, prompt_en: str, confirm: bool = False) -> str:
        """One secret: a line of stdin when piped, else asked at the terminal."""
        if not self.stdin.isatty():
            if self._lines is None:
                self._lines = self.stdin.read().splitlines()
            if not self._lines:
                raise InvalidInput("标准输入中缺少所需的密码行。",
                                   "A password line is missing on standard input.")
            return self._lines.pop(0)
        prompt = pick(prompt_zh, prompt_en) + ": "
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass(pick("再输入一次", "Again") + ": ") != value:
            raise InvalidInput("两次输入的密码不一致。", "The two passwords do not match.")
        return value

    def out(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        print(text, file=self.stderr)


#: A vault's own commands and what does the same for a studio server.
SERVER_COUNTERPARTS = {"init": "server init", "users add": "server add-user"}


@dataclass
class Context:
    args: argparse.Namespace
    io: Io
    binding: DeviceBinding
    name: str = ""  # the command, for "not yet on the studio server"

    @property
    def server(self) -> str | None:
        """The studio server's DSN (--server or XINHE_SERVER), or None for a local vault."""
        return getattr(self.args, "server", None) or os.environ.get("XINHE_SERVER") or None

    def _local_only(self) -> None:
        if self.server and self.name in SERVER_COUNTERPARTS:
            other = SERVER_COUNTERPARTS[self.name]
            raise InvalidInput(f"工作室服务器上请由信息管理员用 xinhe {other} 完成"
                               f"（见 xinhe {other} --help 和 docs/server.md）。",
                               f"On the studio server the IT person does this with "
                               f"xinhe {other} (see xinhe {other} --help and docs/server.md).")
        if self.server:
            raise NotOnServerYet(f"命令 xinhe {self.name}", f"The command xinhe {self.name}")

    def folder(self) -> VaultFolder:
        from xinhe.records.restore import finish_interrupted_restore
        from xinhe.records.vault import VaultFolder

        self._local_only()
        path = default_vault_dir(self.args.vault)
        finish_interrupted_restore(path)  # a restore that was killed half-way
        return VaultFolder(path, self.binding)

    def open_session(self) -> Vault | ServerSession:
        """Sign in where the records are: the studio server with --server, else the vault."""
        if not self.server:
            return self.unlock()
        from xinhe.records.storage.server_session import ServerFolder

        if not self.args.user:
            raise InvalidInput("此命令需要 --user 登录名。", "This command needs --user NAME.")
        folder = ServerFolder(self.server, workstation=socket.gethostname())
        password = self.io.secret(f"{self.args.user} 的密码", f"Password for {self.args.user}")
        return folder.unlock(self.args.user, password)

    def unlock(self) -> Vault:
        self._local_only()
        if not self.args.user:
            raise InvalidInput("此命令需要 --user 登录名。", "This command needs --user NAME.")
        folder = self.folder()
        folder.load_slots()
        password = self.io.secret(f"{self.args.user} 的密码", f"Password for {self.args.user}")
        return folder.unlock(self.args.user, password)

    def emit(self, data: Any, text: Callable[[], None]) -> None:
        if self.args.json:
            self.io.out(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            text()


Handler = Callable[[Context], int]
_OWNERS: dict[str, str] = {}  # command name ("users add") -> its module under xinhe.cli


class _Handlers(dict[str, Handler]):
    """The commands' handlers; a command's module is imported (and registers its handlers)
    only when that command is asked for, so a command loads only what it uses."""

    def __missing__(self, name: str) -> Handler:
        importlib.import_module(f"xinhe.cli.{_OWNERS[name]}")
        handler = self.get(name)
        if handler is None:
            raise KeyError(name)
        return handler


_HANDLERS: dict[str, Handler] = _Handlers()


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[name] = fn
        return fn
    return register


class Parsers:
    """Where xinhe.cli.parsers adds the sub-commands, each owned by the module that runs it."""

    def __init__(self, sub: Any, common: argparse.ArgumentParser, module: str,
                 prefix: str = "") -> None:
        self._sub = sub
        self._common = common
        self._module = module
        self._prefix = prefix

    def command(self, name: str, help: str) -> argparse.ArgumentParser:  # noqa: A002
        parser: argparse.ArgumentParser = self._sub.add_parser(name, parents=[self._common],
                                                               help=help)
        _OWNERS[self._prefix + name] = self._module
        return parser

    def owned_by(self, module: str) -> Parsers:
        """The same place, for actions whose handlers live in another module."""
        return Parsers(self._sub, self._common, module, self._prefix)

    def group(self, name: str, help: str) -> Parsers:  # noqa: A002
        """A command with actions (`xinhe users add …`)."""
        parser = self._sub.add_parser(name, parents=[self._common], help=help)
        actions = parser.add_subparsers(dest="subcommand", metavar="ACTION", required=True)
        return Parsers(actions, self._common, self._module, f"{name} ")


class _VersionAction(argparse.Action):
    """`--version`: computed only when asked (it opens SQLCipher to read its version)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        from xinhe.about import version_text

        print(version_text())
        parser.exit(0)


def _options(defaults: bool) -> argparse.ArgumentParser:
    # Sub-commands accept the same options; their copies must not reset a value given
    # before the sub-command, hence SUPPRESS there.
    extra: dict[str, Any] = {} if defaults else {"default": argparse.SUPPRESS}
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument("--vault", metavar="DIR", help="vault folder (default: "
                      "$XINHE_VAULT or the per-user data folder)", **extra)
    opts.add_argument("--server", metavar="DSN", help="the studio server (default: "
                      "$XINHE_SERVER); user and password come from --user and stdin",
                      **extra)
    opts.add_argument("--user", metavar="NAME", help="log in as NAME (password on stdin)",
                      **extra)
    opts.add_argument("--json", action="store_true", help="print JSON", **extra)
    opts.add_argument("--lang", choices=("zh_CN", "en"), help="language of messages",
                      **extra)
    return opts


def build_parser() -> argparse.ArgumentParser:
    from xinhe.cli import parsers

    parser = argparse.ArgumentParser(
        prog="xinhe", parents=[_options(defaults=True)],
        description="Xinhe (馨和) casework records. Without a command, opens the desktop app.")
    parser.add_argument("--version", action=_VersionAction, nargs=0,
                        help="show the version, the vault schema and SQLCipher, then exit")
    sub, common = parser.add_subparsers(dest="command", metavar="COMMAND"), _options(False)
    for module, add in parsers.BUILDERS:
        add(Parsers(sub, common, module))
    return parser


class _NotOnlyOptions(Exception):
    """The command line is more than the desktop app's own options."""


class _OptionsOnly(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotOnlyOptions(message)


def desktop_args(argv: list[str],
                 add_options: Callable[[argparse.ArgumentParser], object]) -> \
        argparse.Namespace | None:
    """`argv` read as `build_parser()` (plus `add_options`) would read it, when it holds
    only the top-level options written out in full: the desktop app starts without every
    command's parser being built. None for anything else (a command, help, the version, an
    abbreviation or an error): then the whole parser reads it, with its help and errors."""
    if "--" in argv:
        return None
    parser = _OptionsOnly(prog="xinhe", parents=[_options(defaults=True)], add_help=False,
                          allow_abbrev=False)
    add_options(parser)
    try:
        args = parser.parse_args(argv)
    except _NotOnlyOptions:
        return None
    args.version = None
    args.command = None
    return args


def run(args: argparse.Namespace, io: Io | None = None,
        binding: DeviceBinding | None = None) -> int:
    """Run a parsed command. Returns the exit code."""
    io = io or Io()
    if args.lang:
        set_language(args.lang)
    name = args.command + (f" {args.subcommand}" if getattr(args, "subcommand", None) else "")
    ctx = Context(args, io, binding or DeviceBinding.from_system(), name)
    try:
        return _HANDLERS[name](ctx)
    except XinheError as exc:
        io.err(exc.message())
        return 1
    except KeyboardInterrupt:
        io.err(pick("已取消。", "Cancelled."))
        return 1
    except BrokenPipeError:
        raise  # output piped into `head`: the caller ends quietly
    except Exception as exc:  # noqa: BLE001 (one line, never a traceback)
        io.err(unexpected_message(exc))
        return 1


def unexpected_message(exc: BaseException) -> str:
    """One line for an error nobody foresaw. Only the exception's type: its message could
    quote client text or a secret."""
    from xinhe.records.db import is_damage

    if is_damage(exc):
        from xinhe.errors import DamageFound

        return DamageFound().message()
    kind = type(exc).__name__
    if isinstance(exc, OSError):
        return pick(f"无法读取或写入文件（{kind}），命令没有完成。",
                    f"A file could not be read or written ({kind}); the command did not finish.")
    return pick(f"发生了意外错误（{kind}），操作未完成，原有数据未受影响。请把此行报告给技术人员。",
                f"An unexpected error occurred ({kind}); the command did not finish and "
                "nothing saved before is lost. Please report this line to your IT person.")
