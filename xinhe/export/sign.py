"""PAdES signing of referral PDFs with the studio's identity and a visible Chinese stamp.

The stamp is drawn by reportlab with the same embedded CJK font as the document and
placed by pyHanko as the signature widget's appearance, in the box the layout left on
the last page. The signature is the last thing written: nothing is appended after it.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from xinhe.crypto.signing import SigningIdentity
from xinhe.errors import XinheError
from xinhe.export import layout as xlayout
from xinhe.export.fonts import register_font
from xinhe.export.pdf import SIGNATURE_FIELD


class SigningFailed(XinheError):
    code = "signing_failed"

    def __init__(self, zh_detail: str, en_detail: str) -> None:
        super().__init__(f"无法签署转介文件：{zh_detail}。", f"Could not sign the referral: "
                         f"{en_detail}.")


def stamp_text(signer_name: str, studio: str, when: datetime, fingerprint: str,
               lang: str = "zh_CN") -> list[str]:
    """The stamp's lines: who exported, for which studio, when, and the key fingerprint."""
    offset = when.strftime("%z") or "+0000"
    moment = f"{when:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"
    short = fingerprint[:16].upper()
    if lang == "en":
        return [f"Exported by {signer_name}", studio, moment,
                f"Signed digitally · cert SHA-256 {short}…"]
    return [f"由 {signer_name} 导出", studio, moment, f"电子签名 · 证书指纹 {short}…"]


def render_stamp_pdf(lines: list[str], width: float = xlayout.STAMP_WIDTH,
                     height: float = xlayout.STAMP_HEIGHT) -> bytes:
    """A one-page PDF of the stamp, made in memory with the embedded CJK font."""
    font = register_font()
    out = io.BytesIO()
    canv = Canvas(out, pagesize=(width, height), initialFontName=font, initialFontSize=10)
    accent = xlayout.ACCENT
    canv.setFillColor(colors.white)
    canv.rect(0, 0, width, height, stroke=0, fill=1)  # covers the layout's dashed guide
    canv.setStrokeColor(accent)
    canv.setLineWidth(1.6)
    canv.roundRect(1.5, 1.5, width - 3, height - 3, 6, stroke=1, fill=1)
    canv.setLineWidth(0.5)
    canv.roundRect(4, 4, width - 8, height - 8, 4, stroke=1, fill=0)
    canv.setFillColor(accent)
    canv.setFont(font, 12.5)
    canv.drawString(12, height - 22, lines[0])
    canv.setFont(font, 10.5)
    canv.drawString(12, height - 38, lines[1])
    canv.setFillColor(xlayout.INK)
    canv.setFont(font, 9.5)
    canv.drawString(12, height - 53, lines[2])
    canv.setFillColor(xlayout.MUTED)
    canv.setFont(font, 7)
    canv.drawString(12, 11, lines[3])
    canv.showPage()
    canv.save()
    return out.getvalue()


class _PdfPageFromBytes(content.ImportedPdfPage):
    """pyHanko's ImportedPdfPage, reading from memory instead of a file."""

    def __init__(self, data: bytes) -> None:
        super().__init__(file_name="<memory>", page_ix=0)  # type: ignore[no-untyped-call]
        self._data = data

    def render(self) -> bytes:
        import binascii
        import uuid

        writer = self._ensure_writer
        reader = PdfFileReader(io.BytesIO(self._data))
        xobj = writer.import_page_as_xobject(reader, page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class _IdentitySigner(signers.SimpleSigner):
    """SimpleSigner that signs with the identity's already loaded key.

    pyHanko's SimpleSigner re-parses the DER key for every signature (twice per PDF, with
    size estimation); OpenSSL's RSA-3072 consistency check makes that ~90 ms each.
    """

    def __init__(self, identity: SigningIdentity) -> None:
        cert = asn1_x509.Certificate.load(identity.cert_der())
        super().__init__(
            signing_cert=cert, signing_key=asn1_keys.PrivateKeyInfo.load(identity.key_pkcs8_der()),
            cert_registry=SimpleCertificateStore.from_certs([cert]))  # type: ignore[no-untyped-call]
        self._key = identity.private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if digest_algorithm not in _HASHES:
            result: bytes = super().sign_raw(data, digest_algorithm)
            return result
        hash_algo = _HASHES[digest_algorithm]()
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        fallback: bytes = super().sign_raw(data, digest_algorithm)
        return fallback


def _field_exists(writer: IncrementalPdfFileWriter) -> bool:
    return any(name == SIGNATURE_FIELD
               for name, _value, _ref in fields.enumerate_sig_fields(writer.prev))


def sign_pdf(pdf_bytes: bytes, identity: SigningIdentity, *, signer_name: str, reason: str,
             location: str, signing_time: datetime | None = None,
             lang: str = "zh_CN") -> bytes:
    """Sign (PAdES B-B) with a visible stamp naming `signer_name` and the studio.

    Fills the empty signature field that `build_referral_pdf` left on the last page; a
    PDF without it gets a new field at the bottom right of its last page.
    """
    identity.check_usable(signing_time)
    when = signing_time or datetime.now()
    if when.tzinfo is None:  # a naive time is this computer's local time
        when = when.astimezone()
    when = when.replace(microsecond=0)
    lines = stamp_text(signer_name, identity.subject_name(), when,
                       identity.fingerprint_sha256(), lang)
    style = StaticStampStyle(
        background=_PdfPageFromBytes(render_stamp_pdf(lines)), border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(0, 0, 0, 0)))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:
        raise SigningFailed("文件不是有效的 PDF", "the file is not a valid PDF") from exc
    if writer.prev.embedded_signatures:
        raise SigningFailed("文件已经签过名，转介文件只签一次",
                            "the file is already signed; a referral is signed once")
    new_field = None
    if not _field_exists(writer):
        page = writer.root["/Pages"]["/Count"] - 1
        new_field = fields.SigFieldSpec(SIGNATURE_FIELD, on_page=page, box=(
            int(595 - 57 - xlayout.STAMP_WIDTH), 60, 595 - 57, int(60 + xlayout.STAMP_HEIGHT)))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES, name=signer_name, reason=reason,
        location=location)
    pdf_signer = signers.PdfSigner(meta, signer=_IdentitySigner(identity), stamp_style=style,
                                   new_field_spec=new_field)
    return asyncio.run(_sign(pdf_signer, writer, when))


async def _sign(pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter,
                when: datetime) -> bytes:
    # pyHanko's async_sign_pdf, with the signing time fixed so the stamp and the CMS
    # signing-time attribute show the same moment.
    session = pdf_signer.init_signing_session(writer)
    session.system_time = when
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(
        validation_info, tight=pdf_signer.signature_meta.tight_size_estimates)
    tbs = session.prepare_tbs_document(validation_info=validation_info,
                                       bytes_reserved=reserved)
    digest, output = tbs.digest_tbs_document()
    post = await tbs.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=when))
    await post.post_signature_processing(output)
    output.seek(0)
    data: bytes = output.read()
    return data
