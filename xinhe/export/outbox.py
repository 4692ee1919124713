"""Delivery to the platform's outbox folder (a mapped share in real use).

The signed PDF is written atomically (a temporary name in the same folder, fsync, rename)
and one line is appended to `manifest.csv`: referral number, agency, file name, SHA-256
and time — never a client's name, in the file name or anywhere else. A folder that is
missing or cannot be written is reported with a reason code the referral keeps, so the
signed PDF stays in the vault and can be delivered again later. Delivering the same file
twice is harmless: an identical file and manifest line are left as they are.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from xinhe.crypto.files import fsync_dir, sha256_file, write_all
from xinhe.errors import XinheError
from xinhe.i18n import pick
from xinhe.records.outbox_manifest import MANIFEST, MANIFEST_COLUMNS, read_manifest

FILE_MODE = 0o640
LOCK_WAIT_S = 5.0
STALE_LOCK_S = 120.0

#: reason code → (zh, en); "{folder}" and "{file}" are filled in.
REASONS: dict[str, tuple[str, str]] = {
    "no_outbox": ("还没有设置发件箱文件夹（管理 → 转介）",
                  "no outbox folder has been set (Admin → Referrals)"),
    "missing": ("发件箱文件夹 {folder} 不存在或无法访问（共享盘是否已连接？）",
                "the outbox folder {folder} does not exist or cannot be reached (is the "
                "share connected?)"),
    "not_folder": ("{folder} 不是文件夹", "{folder} is not a folder"),
    "not_writable": ("无法写入发件箱文件夹 {folder}", "the outbox folder {folder} cannot be "
                     "written to"),
    "disk_full": ("发件箱 {folder} 所在的磁盘已满", "the disk of the outbox {folder} is full"),
    "name_taken": ("发件箱中已有同名但内容不同的文件 {file}",
                   "the outbox already holds a different file named {file}"),
    "manifest_busy": ("发件箱清单 {folder} 正被其他电脑写入，请稍后重新送达",
                      "the outbox manifest in {folder} is busy on another computer; deliver "
                      "again in a moment"),
}


def reason_text(code: str, folder: str = "", file: str = "",
                lang: str | None = None) -> str:
    zh, en = REASONS.get(code, (code, code))
    return pick(zh, en, lang).format(folder=folder, file=file)


def describe_note(note: str | None, lang: str | None = None) -> str:
    """A referral's stored delivery note ("code|folder|file") as a sentence."""
    if not note:
        return ""
    code, _, rest = note.partition("|")
    if code not in REASONS:
        return note
    folder, _, file = rest.partition("|")
    return reason_text(code, folder, file, lang)


class DeliveryFailed(XinheError):
    """The outbox could not take the file. The referral stays "signed" with `note`."""

    code = "delivery_failed"

    def __init__(self, reason: str, folder: Path | str | None = None, file: str = "") -> None:
        self.reason = reason
        self.folder = str(folder or "")
        self.file = file
        super().__init__(
            "转介文件已签名并保存在数据库中，但未能送达："
            f"{reason_text(reason, self.folder, file, 'zh_CN')}。可稍后在“转介”中重新送达。",
            "The referral is signed and kept in the vault, but could not be delivered: "
            f"{reason_text(reason, self.folder, file, 'en')}. Deliver it again later from "
            "Referrals.")

    @property
    def note(self) -> str:
        return f"{self.reason}|{self.folder}|{self.file}"


@dataclass(frozen=True)
class Delivery:
    path: Path
    sha256: str
    delivered_at: datetime
    already_there: bool


def file_name(referral_no: str, agency: str) -> str:
    """The outbox file name: referral number and agency code, nothing about the client."""
    safe = "".join(ch for ch in referral_no if ch.isalnum() or ch in "-_")
    return f"{safe}-{agency}.pdf"


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk_full"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "missing"
    return "not_writable"


def _place_file(folder: Path, name: str, pdf: bytes, sha256: str) -> bool:
    """Write `pdf` as folder/name atomically. False if the identical file is there."""
    final = folder / name
    if final.exists():
        if sha256_file(final) == sha256:
            return False
        raise DeliveryFailed("name_taken", folder, name)
    tmp = folder / f".{name}.part-{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            write_all(fd, pdf)
            os.fsync(fd)
        finally:
            os.close(fd)
        if final.exists():  # another workstation delivered it in the meantime
            tmp.unlink()
            return _place_file(folder, name, pdf, sha256)
        os.replace(tmp, final)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # the file is in place; durability is best effort
        fsync_dir(folder)
    return True


@contextlib.contextmanager
def _manifest_lock(folder: Path) -> Iterator[None]:
    """A lock file beside the manifest: workstations sharing the outbox take turns."""
    lock = folder / (MANIFEST + ".lock")
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > STALE_LOCK_S:
                    lock.unlink()  # left behind by a crashed workstation
                    continue
            if time.monotonic() > deadline:
                raise DeliveryFailed("manifest_busy", folder) from None
            time.sleep(0.05)
    try:
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def _manifest_line(values: tuple[str, ...]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode("utf-8")


def _append_manifest(folder: Path, row: tuple[str, ...]) -> None:
    path = folder / MANIFEST
    with _manifest_lock(folder):
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        rows = list(csv.reader(io.StringIO(existing)))
        if any(r[:4] == list(row[:4]) for r in rows[1:]):
            return  # delivered before: the line is already there
        data = b"" if rows else _manifest_line(MANIFEST_COLUMNS)
        if existing and not existing.endswith("\n"):
            data = b"\n" + data
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
        try:
            write_all(fd, data + _manifest_line(row))
            os.fsync(fd)
        finally:
            os.close(fd)


def deliver(folder: Path | None, *, referral_no: str, agency: str, pdf: bytes,
            now: datetime) -> Delivery:
    """Put the signed PDF and its manifest line in the outbox. Raises DeliveryFailed."""
    if folder is None:
        raise DeliveryFailed("no_outbox")
    folder = Path(folder)
    try:
        if not folder.exists():
            raise DeliveryFailed("missing", folder)
        if not folder.is_dir():
            raise DeliveryFailed("not_folder", folder)
        name = file_name(referral_no, agency)
        sha256 = hashlib.sha256(pdf).hexdigest()
        when = now.astimezone().replace(microsecond=0)
        written = _place_file(folder, name, pdf, sha256)
        _append_manifest(folder, (referral_no, agency, name, sha256, when.isoformat()))
    except OSError as exc:
        raise DeliveryFailed(_reason(exc), folder) from None
    return Delivery(folder / name, sha256, when, already_there=not written)


__all__ = ["MANIFEST", "MANIFEST_COLUMNS", "Delivery", "DeliveryFailed", "deliver",
           "describe_note", "file_name", "read_manifest", "reason_text"]
