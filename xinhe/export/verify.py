"""Checking a received referral PDF: the one rule for `xinhe verify` and the receiving side.

A packet is accepted only if it is a PDF with exactly one signature that is intact and
cryptographically valid, covers the entire file, has nothing appended after it, carries
`referral.json`, and — when trust anchors are given — was made by one of them. Without
trust anchors a forgery signed by a fresh key under the studio's name would pass, so the
result always carries the certificate fingerprint for the receiver to compare.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias

from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from xinhe.errors import XinheError
from xinhe.i18n import pick
from xinhe.records.court_extract import JSON_NAME as EXTRACT_JSON
from xinhe.records.packet_contract import JSON_NAME
from xinhe.records.platform_contract import JSON_NAME as REPORT_JSON_NAME
from xinhe.records.referrals import RECALL_JSON

# pyHanko logs each untrusted path with a traceback; the result says it in one line.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())

#: A trust anchor: an asn1crypto (pyHanko) or a cryptography certificate.
TrustAnchor: TypeAlias = "asn1_x509.Certificate | crypto_x509.Certificate"
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")

#: code → (zh, en) reason for rejecting a file.
REASONS: dict[str, tuple[str, str]] = {
    "not_pdf": ("该文件不是 PDF 文件。", "The file is not a PDF."),
    "truncated": ("文件不完整（可能被截断），签名无法核对。",
                  "The file is incomplete (probably truncated); its signature cannot be checked."),
    "damaged": ("PDF 文件已损坏，无法读取。", "The PDF is damaged and cannot be read."),
    "unsigned": ("该文件没有电子签名。", "The file has no electronic signature."),
    "multiple_signatures": ("该文件含有多个签名；正式转介文件只应有工作室的一个签名。",
                            "The file has more than one signature; a referral has exactly one."),
    "altered": ("签名后文件内容被改动（摘要不符），签名无效。",
                "The content was altered after signing (digest mismatch); the signature is "
                "not valid."),
    "bad_signature": ("签名本身无效。", "The signature itself is not valid."),
    "partial_coverage": ("签名未覆盖整个文件。", "The signature does not cover the whole file."),
    "modified_after_signing": ("签名之后文件又被追加修改（增量更新），不予接受。",
                               "The file was changed after it was signed (an incremental "
                               "update was appended)."),
    "untrusted": ("签名证书不是受信任的工作室证书（可能是伪造，或证书已过期）。",
                  "The signing certificate is not the trusted studio certificate (possibly a "
                  "forgery, or the certificate has expired)."),
    "no_referral_json": ("文件中缺少机器可读的 referral.json（或 platform-report.json）附件。",
                         "The file carries no machine-readable referral.json (or "
                         "platform-report.json) attachment."),
}


class TrustFileError(XinheError):
    code = "trust_file"

    def __init__(self, path: str) -> None:
        super().__init__(f"无法读取信任证书文件 {path}（需要 PEM 或 DER 格式的证书）。",
                         f"Cannot read the trust certificate file {path} (a PEM or DER "
                         "certificate is needed).")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    code: str  # "ok" or a key of REASONS
    signer: str | None = None  # subject CN of the signing certificate
    signer_name: str | None = None  # the person named in the signature (/Name)
    signing_time: datetime | None = None
    referral_no: str | None = None
    agency: str | None = None
    json_sha256: str | None = None
    cert_fingerprint: str | None = None
    trusted: bool = False
    #: "referral", "court_extract", "referral_recall", or "platform_report" (then
    #: referral_no is the report number and agency "platform")
    kind: str = "referral"

    @property
    def reason_zh(self) -> str:
        return REASONS[self.code][0] if self.code in REASONS else ""

    @property
    def reason_en(self) -> str:
        return REASONS[self.code][1] if self.code in REASONS else ""

    @property
    def reason(self) -> str:
        """One line, both languages; empty when the file was accepted."""
        return f"{self.reason_zh} / {self.reason_en}" if self.code in REASONS else ""

    def message(self, lang: str | None = None) -> str:
        return pick(self.reason_zh, self.reason_en, lang)


def load_trust(path: str | Path) -> list[asn1_x509.Certificate]:
    """Trust anchors from a PEM (one or more certificates) or DER file."""
    try:
        certs = list(load_certs_from_pemder([str(path)]))  # type: ignore[no-untyped-call]
        for cert in certs:
            cert.native  # noqa: B018 (asn1crypto parses lazily: find junk now, not mid-check)
    except Exception as exc:  # pyHanko/asn1crypto raise many kinds on junk
        raise TrustFileError(str(path)) from exc
    if not certs:
        raise TrustFileError(str(path))
    return certs


def _as_asn1(cert: TrustAnchor) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _looks_truncated(data: bytes) -> bool:
    """A signed range reaching past the end, or no end-of-file marker at all."""
    if b"%%EOF" not in data:
        return True
    return any(int(m[3]) + int(m[4]) > len(data) for m in _BYTE_RANGE.finditer(data))


def verify_pdf(data: bytes, trust: list[TrustAnchor] | None = None) -> VerifyResult:
    """Apply the acceptance rule above to a received file's bytes."""
    if b"%PDF-" not in data[:1024]:
        return VerifyResult(False, "not_pdf")
    if _looks_truncated(data):
        return VerifyResult(False, "truncated")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a reader error of any kind means a broken file
        # ...unless it reads as a signed file with bytes stuck on after the signed range
        ends = [int(m[3]) + int(m[4]) for m in _BYTE_RANGE.finditer(data)]
        if ends and max(ends) < len(data):
            return VerifyResult(False, "modified_after_signing")
        return VerifyResult(False, "damaged")
    if not signatures:
        return VerifyResult(False, "unsigned")
    if len(signatures) > 1:
        return VerifyResult(False, "multiple_signatures")
    sig = signatures[0]
    context = ValidationContext(trust_roots=[_as_asn1(c) for c in trust or []],
                                allow_fetching=False, revocation_mode="soft-fail")
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                match_all_key_usages=False)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context,
                                        key_usage_settings=usage)
    except SignatureValidationError:
        return VerifyResult(False, "bad_signature")
    except Exception:  # malformed signature dictionary or CMS blob
        return VerifyResult(False, "damaged")

    cert = status.signing_cert
    facts: dict[str, Any] = {
        "signer": _common_name(cert),
        "signer_name": _text(sig.sig_object.get("/Name")),
        "signing_time": status.signer_reported_dt,
        "cert_fingerprint": hashlib.sha256(cert.dump()).hexdigest(),
        "trusted": bool(trust) and status.trusted,
    }
    code = _rejection(status, trust)
    if code is None:
        found = _referral_json(reader)
        if found is None:
            code = "no_referral_json"
        else:
            facts.update(found)
    return VerifyResult(code is None, code or "ok", **facts)


def _rejection(status: Any, trust: list[TrustAnchor] | None) -> str | None:
    if not status.intact:
        return "altered"
    if not status.valid:
        return "bad_signature"
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
            return "modified_after_signing"
        return "partial_coverage"
    if status.modification_level not in (None, ModificationLevel.NONE):
        return "modified_after_signing"
    if trust and not status.trusted:
        return "untrusted"
    return None


def embedded_referral_json(reader: PdfFileReader, name: str = JSON_NAME) -> bytes | None:
    """The bytes of the embedded referral.json (or another embedded file `name`), or None
    when there is none."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            spec = names[i + 1].get_object()
            if str(spec.get("/UF", spec.get("/F"))) == name:
                payload: bytes = spec["/EF"]["/F"].get_object().data
                return payload
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


#: The signed kinds accepted: (embedded JSON, the key of its number, kind).
KINDS = ((JSON_NAME, "referral_no", "referral"),
         (EXTRACT_JSON, "extract_no", "court_extract"),
         (RECALL_JSON, "referral_no", "referral_recall"),
         (REPORT_JSON_NAME, "report_no", "platform_report"))


def _referral_json(reader: PdfFileReader) -> dict[str, Any] | None:
    """Number, agency and SHA-256 of the embedded referral.json (or of a court extract's,
    a recall notice's or a platform report's JSON), if usable."""
    for name, number, kind in KINDS:
        payload = embedded_referral_json(reader, name)
        if payload is None:
            continue
        try:
            doc = json.loads(payload)
            agency = "platform" if kind == "platform_report" else str(doc["agency"]["code"])
            return {"json_sha256": hashlib.sha256(payload).hexdigest(),
                    "referral_no": str(doc[number]), "kind": kind, "agency": agency}
        except (KeyError, TypeError, ValueError):
            return None
    return None


def _common_name(cert: asn1_x509.Certificate) -> str:
    for rdn in cert.subject.chosen:
        for attr in rdn:
            if attr["type"].native == "common_name":
                return str(attr["value"].native)
    return str(cert.subject.human_friendly)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
