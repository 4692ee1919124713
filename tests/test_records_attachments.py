"""Attachments are kept encrypted in the vault; drafts too, per user."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from conftest import Studio
from xinhe.errors import AccessDenied, InvalidInput

pytestmark = pytest.mark.both_backends


def tiny_png(marker: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + marker) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


@pytest.mark.local_only("reads vault.db; the server dump test comes with encryption")
def test_an_injury_photo_is_stored_encrypted(studio: Studio) -> None:
    marker = b"PHOTO-MARKER-5151"
    case = studio.new_case(studio.wang)
    photo = tiny_png(marker)
    added = studio.wang.attachments.add(case.id, kind="injury_photo",
                                        filename="C:\\Users\\x\\伤情 1.png", data=photo)
    assert (added.filename, added.media_type, added.size) == ("伤情 1.png", "image/png",
                                                              len(photo))
    assert studio.wang.attachments.data(added.id) == photo
    with pytest.raises(AccessDenied):
        studio.staff.attachments.data(added.id)
    for vault in studio.vaults:
        vault.close()
    for path in Path(studio.folder.path).iterdir():
        if path.is_file():
            assert marker not in path.read_bytes(), path.name


def test_unsuitable_files_are_refused_with_the_reason(studio: Studio) -> None:
    case = studio.new_case(studio.wang)
    with pytest.raises(InvalidInput, match="空"):
        studio.wang.attachments.add(case.id, kind="document", filename="a.pdf", data=b"")
    with pytest.raises(InvalidInput, match="JPEG"):
        studio.wang.attachments.add(case.id, kind="document", filename="a.exe",
                                    data=b"MZ\x90\x00\xff\xfe" * 10)


def test_drafts_belong_to_their_author(studio: Studio) -> None:
    studio.wang.drafts.save("session:new:1", "咨询记录草稿", {"data": "写了一半"})
    assert studio.wang.drafts.load("session:new:1").payload == {"data": "写了一半"}
    assert studio.chen.drafts.load("session:new:1") is None
    studio.wang.drafts.save("session:new:1", "咨询记录草稿", {"data": "写了大半"})
    assert [d.payload for d in studio.wang.drafts.all()] == [{"data": "写了大半"}]
    studio.wang.drafts.discard("session:new:1")
    assert studio.wang.drafts.all() == []
