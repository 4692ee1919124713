"""Referral PDFs: content, fonts, embedded referral.json, signature, as poppler sees them."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import re
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from tests.referral_fixtures import decompressed_streams
from tests.referral_samples import SESSION_NOTE_MARKER, SHENZHEN, SUMMARY, police_packet
from xinhe.crypto.signing import SigningIdentity
from xinhe.export.pdf import SIGNATURE_FIELD, build_referral_pdf
from xinhe.export.sign import sign_pdf
from xinhe.export.verify import embedded_referral_json, load_trust
from xinhe.records.packet_contract import ConsentRecord, ReferralPacket

ROOT = Path(__file__).resolve().parents[1]
SIGNED_AT = datetime(2026, 3, 2, 10, 15, tzinfo=SHENZHEN)


def sign(pdf: bytes, identity: SigningIdentity) -> bytes:
    return sign_pdf(pdf, identity, signer_name="陈静", reason="转介", location="深圳市宝安区",
                    signing_time=SIGNED_AT)


@pytest.fixture(scope="module")
def identity() -> SigningIdentity:
    return SigningIdentity.generate("馨和家园工作室", now=datetime(2026, 1, 5, tzinfo=SHENZHEN))


@pytest.fixture(scope="module")
def packet() -> ReferralPacket:
    return police_packet()


@pytest.fixture(scope="module")
def unsigned(packet: ReferralPacket) -> bytes:
    return build_referral_pdf(packet)


@pytest.fixture(scope="module")
def signed(unsigned: bytes, identity: SigningIdentity) -> bytes:
    return sign(unsigned, identity)


@pytest.fixture(scope="module")
def signed_file(signed: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "referral.pdf"
    path.write_bytes(signed)
    return path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          check=True).stdout


def write(tmp_path: Path, data: bytes, name: str = "x.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def body_text(path: Path) -> str:
    """pdftotext of the A4 body (page header and footer cropped off), whitespace removed."""
    text = run("pdftotext", "-enc", "UTF-8", "-x", 0, "-y", 48, "-W", 596, "-H", 752, path, "-")
    return re.sub(r"\s+", "", text)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- signature ------------------------------------------------------------------------------


def test_pyhanko_validates_intact_entire_file_and_trusted(signed: bytes, identity: SigningIdentity,
                                                         tmp_path: Path) -> None:
    trust = load_trust(write(tmp_path, identity.cert_pem(), "studio.pem"))
    reader = PdfFileReader(io.BytesIO(signed))
    [sig] = reader.embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=trust,
                                                           allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.modification_level == ModificationLevel.NONE
    assert sig.field_name == SIGNATURE_FIELD
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert str(sig.sig_object["/Name"]) == "陈静"
    assert status.signer_reported_dt == SIGNED_AT


def test_pdfsig_reports_valid_and_total_document_signed(signed_file: Path) -> None:
    out = run("pdfsig", signed_file)
    assert out.count("Signature #") == 1
    assert "Signature is Valid" in out
    assert "Total document signed" in out
    assert "Signer Certificate Common Name: 馨和家园工作室" in out


def test_nothing_is_written_after_the_signature(signed: bytes) -> None:
    reader = PdfFileReader(io.BytesIO(signed))
    [sig] = reader.embedded_signatures
    start1, len1, start2, len2 = (int(v) for v in sig.sig_object["/ByteRange"])
    assert start1 == 0 and start2 + len2 == len(signed)


def test_visible_stamp_is_drawn_on_the_last_page(signed: bytes, unsigned: bytes,
                                                 tmp_path: Path) -> None:
    reader = PdfFileReader(io.BytesIO(signed))
    [sig] = reader.embedded_signatures
    widget = sig.sig_field
    last_page = reader.root["/Pages"]["/Kids"][-1].get_object()
    assert widget["/P"].get_object() is last_page or widget["/P"] == last_page
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 >= 200 and y2 - y1 >= 60
    pages = len(reader.root["/Pages"]["/Kids"])
    dpi = 40
    pictures = []
    for name, data in (("unsigned", unsigned), ("signed", signed)):
        pdf = write(tmp_path, data, f"{name}.pdf")
        run("pdftoppm", "-r", dpi, "-f", pages, "-l", pages, "-png", "-singlefile", pdf,
            tmp_path / name)
        pictures.append(Image.open(tmp_path / f"{name}.png").convert("RGB"))
    height = pictures[0].height
    s = dpi / 72
    box = (int(x1 * s) + 2, int(height - y2 * s) + 2, int(x2 * s) - 2, int(height - y1 * s) - 2)
    before, after = (p.crop(box) for p in pictures)
    changed = ImageChops.difference(before, after).convert("L").point(lambda v: 255 * (v > 40))
    assert changed.histogram()[255] > 0.08 * changed.width * changed.height  # visible ink
    # and outside the stamp nothing moved
    outside = ImageChops.difference(pictures[0], pictures[1])
    outside.paste((0, 0, 0), (box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3))
    assert outside.getbbox() is None


# -- fonts and text -------------------------------------------------------------------------


def test_every_font_is_embedded_and_the_cjk_font_is_subset(signed_file: Path) -> None:
    rows = run("pdffonts", signed_file).splitlines()[2:]
    assert rows, "no fonts at all?"
    for row in rows:
        name = row.split()[0]
        emb, sub = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row).groups()[:2]
        assert emb == "yes", row
        assert sub == "yes", row
        assert re.fullmatch(r"[A-Z]{6}\+WenQuanYiMicroHei.*", name), row
    assert "Helvetica" not in "\n".join(rows)


def test_pdftotext_returns_the_summary_and_cover(signed_file: Path, packet: ReferralPacket) -> None:
    text = body_text(signed_file)
    assert squash(SUMMARY) in text
    for expected in ("转介函", "馨和家园工作室", "XH-2026-0042", "公安机关", "【紧急】请优先处理",
                     packet.purpose, "李某某", "工作日9:00–17:00致电本工作室转接", "高风险",
                     "亲密关系危险评估（本机构版）", "书面同意", "宝安公安分局", "伤情照片1.jpg",
                     "同意书扫描件.pdf", "王丽", "陈静"):
        assert squash(expected) in text, expected
    raw = squash(run("pdftotext", "-enc", "UTF-8", signed_file, "-"))
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", signed_file)).group(1))
    for page in range(1, pages + 1):
        assert f"第{page}页/共{pages}页" in raw
    assert raw.count(f"审计链头#1287·{packet.audit_head.hash[:16]}") == pages
    assert "由陈静导出" in raw  # the stamp's text, on the last page


def test_long_summary_wraps_and_flows_over_pages(identity: SigningIdentity,
                                                 tmp_path: Path) -> None:
    paragraphs = [f"第{i}段：" + SUMMARY * 3 + "English words like protection-order wrap too."
                  for i in range(1, 9)]
    summary = "\n\n".join(paragraphs)
    pdf = write(tmp_path, sign(build_referral_pdf(police_packet(summary=summary,
                                                                with_photo=False)), identity))
    assert int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1)) >= 3
    assert squash(summary) in body_text(pdf)
    # no line runs past the right margin: every glyph is inside the page's text box
    bbox = run("pdftotext", "-bbox", pdf, "-")
    right = max(float(m) for m in re.findall(r'xMax="([\d.]+)"', bbox))
    assert right <= 595.3 - 56.0


def test_user_text_is_not_markup(identity: SigningIdentity, tmp_path: Path) -> None:
    summary = "他说<b>不许</b>报警 & 威胁 <font size=40>x</font> 结束"
    pdf = write(tmp_path, build_referral_pdf(police_packet(summary=summary, with_photo=False)))
    assert squash(summary) in body_text(pdf)


def test_normal_urgency_has_no_banner_and_emergency_is_marked(tmp_path: Path) -> None:
    normal = body_text(write(tmp_path, build_referral_pdf(police_packet(urgency="normal"))))
    assert "请优先处理" not in normal and "一般" in normal
    emergency = body_text(write(tmp_path, build_referral_pdf(police_packet(urgency="emergency"))))
    assert squash("【特急（危及生命）】请优先处理") in emergency


def test_english_packet(tmp_path: Path) -> None:
    pdf = write(tmp_path, build_referral_pdf(police_packet(), lang="en"))
    raw = run("pdftotext", "-enc", "UTF-8", pdf, "-")
    assert "Referral" in raw and "Situation summary" in raw
    assert re.search(r"Page\s*1\s*of\s*\d", raw)
    assert "[URGENT] Please act first" in raw
    assert squash(SUMMARY) in body_text(pdf)  # client text stays as written


def test_metadata_carries_the_audit_head_and_no_client_data(signed_file: Path,
                                                            packet: ReferralPacket) -> None:
    info = run("pdfinfo", signed_file)
    assert f"audit-head-seq {packet.audit_head.seq}" in info
    assert f"audit-head-sha256 {packet.audit_head.hash}" in info
    assert "李某某" not in info


# -- referral.json and minimum necessary ----------------------------------------------------


def test_embedded_referral_json_equals_packet_json(signed: bytes, signed_file: Path,
                                                   packet: ReferralPacket) -> None:
    payload = embedded_referral_json(PdfFileReader(io.BytesIO(signed)))
    assert payload == packet.json_bytes()
    doc = json.loads(payload)
    assert doc == packet.to_json()
    assert doc["schema_version"] == 1
    assert doc["audit_head"] == {"seq": 1287, "hash": packet.audit_head.hash}
    photo = next(a for a in doc["attachments"] if a["name"] == "伤情照片1.jpg")
    assert photo["included"] and photo["sha256"] == packet.attachments[1].sha256
    assert "data" not in photo
    assert "referral.json" in run("pdfdetach", "-list", signed_file)
    # an associated file (/AF) of the catalog, without relabelling the file PDF 2.0
    root = PdfFileReader(io.BytesIO(signed)).root
    assert root["/AF"][0]["/UF"] == "referral.json"
    assert root["/AF"][0]["/AFRelationship"] == "/Data"
    assert "PDF version:     1.7" in run("pdfinfo", signed_file)
    # the attachment is in the signed range: it was added before the signature
    assert signed.index(b"/EmbeddedFiles") < signed.index(b"/ByteRange")


def test_fields_left_out_by_the_policy_appear_nowhere(signed: bytes, signed_file: Path,
                                                      packet: ReferralPacket,
                                                      tmp_path: Path) -> None:
    def everywhere(pdf_bytes: bytes, path: Path) -> list[str]:
        places = []
        if SESSION_NOTE_MARKER in run("pdftotext", "-enc", "UTF-8", path, "-"):
            places.append("text")
        if SESSION_NOTE_MARKER.encode() in decompressed_streams(pdf_bytes):
            places.append("streams")
        payload = embedded_referral_json(PdfFileReader(io.BytesIO(pdf_bytes))) or b""
        if SESSION_NOTE_MARKER in payload.decode():
            places.append("json")
        return places

    assert everywhere(signed, signed_file) == []
    assert not any(f.key.startswith("session") for f in packet.client_fields)
    # The same search finds the text when a packet does carry it (the check can fail).
    leaky = replace(packet, situation_summary=SESSION_NOTE_MARKER)
    data = build_referral_pdf(leaky)
    assert everywhere(data, write(tmp_path, data)) == ["text", "streams", "json"]


def test_included_photo_is_placed_without_its_exif_location(signed: bytes) -> None:
    original = police_packet().attachments[1].data
    assert original is not None and b"SyntheticPhoneMaker" in original  # the control
    streams = decompressed_streams(signed)
    assert b"SyntheticPhoneMaker" not in streams and b"Exif" not in streams
    assert b"/Subtype /Image" in signed or b"/Subtype/Image" in signed


# -- packet rules ---------------------------------------------------------------------------


def test_packet_rules() -> None:
    packet = police_packet()
    with pytest.raises(ValueError, match="aware"):
        replace(packet, created_at=datetime(2026, 3, 2, 10, 15))
    with pytest.raises(ValueError):
        ConsentRecord(form=None, given_on=None, purpose="p", recipient="r")
    basis = ConsentRecord(form=None, given_on=None, purpose="p", recipient="r",
                          legal_basis="danger_to_life", note="当事人有生命危险")
    assert replace(packet, consent=basis).to_json()["consent"]["legal_basis"] == "danger_to_life"
    tuples = replace(packet, client_fields=[("name", "姓名", "Name", "李某某")])
    assert tuples.client_fields[0].label_en == "Name"
    with pytest.raises(ValueError, match="sha256"):
        replace(packet.attachments[1], sha256=hashlib.sha256(b"other").hexdigest())


def test_consent_by_legal_basis_is_printed(tmp_path: Path) -> None:
    basis = ConsentRecord(form=None, given_on=None, purpose="紧急转介", recipient="派出所",
                          legal_basis="danger_to_life", note="当事人面临即时人身危险")
    pdf = write(tmp_path, build_referral_pdf(replace(police_packet(with_photo=False),
                                                     consent=basis)))
    text = body_text(pdf)
    assert squash("紧急情况下保护生命安全") in text and "当事人面临即时人身危险" in text


def test_export_and_crypto_do_not_import_qt() -> None:
    for folder in ("xinhe/export", "xinhe/crypto"):
        for source in (ROOT / folder).glob("*.py"):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                assert not any(n.split(".")[0] == "PySide6" for n in names), source
