"""Forms kept on the workstation while the studio server cannot be reached.

A record form whose save finds the server away is kept here at once, so closing the app,
a lock or a crash loses nothing; when the server answers again (or at the next sign-in to
that studio) each kept form is saved on the server as the user's draft and forgotten here.

One file per studio and user under the per-user data folder; its name is a hash (no user
or studio name on disk). The whole content is one AES-256-GCM seal under a key derived
(HKDF) from the studio's data key, with studio and user as associated data, so nothing of
a form (title, text, case id, draft key) is on the disk in clear and another user's or
another studio's session cannot open it. Every change is a read, a change and an atomic
write (temp file in the same folder, fsync, rename) under an OS file lock, since two
instances of the app may keep forms at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xinhe import paths
from xinhe.errors import StorageError, VaultBusy, XinheError
from xinhe.records import vault_locks
from xinhe.records.storage.sealing import NONCE, _derive
from xinhe.records.vault_session import Actor

PENDING_INFO = b"xinhe workstation pending forms v1"
MAGIC = b"xkp1"
FOLDER = "offline"
LOCK_WAIT = 15.0  # holders read, change and write one small file: milliseconds


class SignedIn(Protocol):
    """What keeping a form needs of the signed-in session (a ServerSession)."""

    @property
    def vault_id(self) -> str: ...

    @property
    def actor(self) -> Actor: ...

    def data_key(self) -> bytes: ...


class DraftSaver(Protocol):
    def save(self, key: str, title: str, payload: dict[str, Any]) -> None: ...


class WithDrafts(Protocol):
    @property
    def drafts(self) -> DraftSaver: ...


class KeptFormsUnreadable(XinheError):
    """The kept-forms file does not open with this user's keys (another user's or another
    studio's, or altered): refused, and left as it is."""

    code = "kept_forms_unreadable"

    def __init__(self) -> None:
        super().__init__("本机保存的未上传表单无法解开：它属于另一位用户或另一个工作室，或已被改动。"
                         "文件未作改动，请联系管理员。",
                         "The forms kept on this computer do not open: they belong to another "
                         "user or studio, or were altered. The file was left as it is; contact "
                         "the administrator.")


@dataclass(frozen=True)
class KeptForm:
    draft_key: str
    title: str
    payload: dict[str, Any]
    kept_id: str  # changes at every keep, so a flush forgets only what it saved


def _bound(session: SignedIn) -> bytes:
    return f"xinhe-pending|{session.vault_id}|{session.actor.username}".encode()


def path_for(session: SignedIn) -> Path:
    """The file that holds this user's kept forms of this studio."""
    name = hashlib.sha256(_bound(session)).hexdigest()[:32]
    return paths.data_home() / FOLDER / f"{name}.kept"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StorageError(f"{path.parent}（{exc.strerror}）",
                           f"{path.parent} ({exc.strerror})") from exc
    handle = vault_locks.acquire(path.with_suffix(".lock"), LOCK_WAIT)
    if handle is None:
        raise VaultBusy()
    try:
        yield
    finally:
        vault_locks._release(handle)


def _read(session: SignedIn, path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + NONCE + 16:
        raise KeptFormsUnreadable()
    body = raw[len(MAGIC):]
    aead = AESGCM(_derive(session.data_key(), PENDING_INFO))
    try:
        clear = aead.decrypt(body[:NONCE], body[NONCE:], _bound(session))
    except InvalidTag:
        raise KeptFormsUnreadable() from None
    forms: dict[str, dict[str, Any]] = json.loads(clear)["forms"]
    return forms


def _write(session: SignedIn, path: Path, forms: dict[str, dict[str, Any]]) -> None:
    if not forms:
        path.unlink(missing_ok=True)
        _sync_folder(path.parent)
        return
    nonce = os.urandom(NONCE)
    clear = json.dumps({"forms": forms}, ensure_ascii=False).encode()
    sealed = AESGCM(_derive(session.data_key(), PENDING_INFO)).encrypt(nonce, clear,
                                                                       _bound(session))
    fd, temp = tempfile.mkstemp(prefix=".kept-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + nonce + sealed)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise StorageError(f"{path.name}（{exc.strerror}）",
                           f"{path.name} ({exc.strerror})") from exc
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to fsync it; os.replace is durable
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keep(session: SignedIn, draft_key: str, title: str, payload: dict[str, Any]) -> None:
    """Keep one unsaved form, encrypted, on this workstation (a newer keep of the same
    `draft_key` replaces the older)."""
    path = path_for(session)
    with _locked(path):
        forms = _read(session, path)
        forms[draft_key] = {"title": title, "payload": payload,
                            "kept_id": secrets.token_hex(8)}
        _write(session, path, forms)


def pending(session: SignedIn) -> list[KeptForm]:
    """The forms this user keeps on this workstation for this studio, oldest first."""
    path = path_for(session)
    with _locked(path):
        forms = _read(session, path)
    return [KeptForm(key, str(form["title"]), dict(form["payload"]), str(form["kept_id"]))
            for key, form in forms.items()]


def forget(session: SignedIn, draft_key: str, kept_id: str | None = None) -> None:
    """Drop a kept form (only the very keep `kept_id`, when given: a newer one stays)."""
    path = path_for(session)
    if not path.exists():  # the usual case: nothing kept, no folder or lock file made
        return
    with _locked(path):
        forms = _read(session, path)
        form = forms.get(draft_key)
        if form is None or (kept_id is not None and form["kept_id"] != kept_id):
            return
        del forms[draft_key]
        _write(session, path, forms)


def flush(session: SignedIn, services: WithDrafts) -> int:
    """Save every kept form as the user's draft on the server, forgetting each only after
    its save succeeded. Returns how many were saved; a save that fails (the server gone
    again) raises, and that form and the ones after it stay kept."""
    saved = 0
    for form in pending(session):
        services.drafts.save(form.draft_key, form.title, form.payload)
        forget(session, form.draft_key, form.kept_id)
        saved += 1
    return saved
