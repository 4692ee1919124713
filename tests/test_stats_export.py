"""Statistics leave the vault as CSV (UTF-8 with BOM) and as a signed PDF: both read back."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from stats_scenario import CLIENT_NAMES, Q1, SHENZHEN, Scenario, build

from xinhe.export.report import JSON_NAME, export_report_pdf
from xinhe.export.verify import load_trust
from xinhe.records.packet_contract import canonical_json
from xinhe.records.services import Services
from xinhe.records.stats import StatsReport, StatsService
from xinhe.records.stats_table import CSV_HEADER_EN, CSV_HEADER_ZH, to_csv


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    made = build(tmp_path_factory.mktemp("stats") / "vault")
    yield made
    made.close()


@pytest.fixture(scope="module")
def staff(scenario: Scenario) -> Services:
    return scenario.login("staff")


@pytest.fixture(scope="module")
def q1(staff: Services) -> StatsReport:
    return StatsService(staff.vault).report(Q1, tz=SHENZHEN)


@pytest.fixture(scope="module")
def pdf(staff: Services, q1: StatsReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "stats.pdf"
    path.write_bytes(export_report_pdf(staff.vault, q1))
    return path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          check=True).stdout


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# -- CSV --------------------------------------------------------------------------------------

def test_csv_has_a_bom_chinese_headers_and_reads_back(q1: StatsReport) -> None:
    data = to_csv(q1)
    rows = rows_of(data)
    assert list(rows[0]) == list(CSV_HEADER_ZH) == ["分组", "指标", "月份", "数值", "代码", "说明"]
    by_code = {(r["代码"], r["月份"]): r for r in rows}
    assert by_code[("cases_served", "")]["数值"] == "5"
    assert by_code[("cases_served", "")]["指标"] == "服务个案数"
    assert by_code[("person_times", "")]["数值"] == "10"
    assert by_code[("crises_by_kind.dv_high_risk", "")]["指标"] == "危机干预（按类型）：家暴高危"
    assert by_code[("crises_on_site", "")]["数值"] == "1"
    assert by_code[("handled_ratio", "")]["数值"] == "25.00"
    # What "handled" counts is said beside it, so 0 handled next to 3 closed is no riddle.
    assert by_code[("handled", "")]["说明"].startswith("期间内新增的个案中，到期末已结案的个案数。")
    assert by_code[("new_by_source.platform", "")]["分组"] == "新增个案"
    assert by_code[("trend_person_times", "2026-02")]["数值"] == "5"
    assert by_code[("risk_at_month_end.high", "2026-03")]["数值"] == "2"
    assert by_code[("report.from", "")]["数值"] == "2026-01-01"
    assert by_code[("report.future", "")]["数值"] == "否"
    assert len(by_code) == len(rows)  # one line per figure and month
    assert "\r\n" in data.decode("utf-8-sig")  # Excel's line ends


def test_csv_in_english_and_blank_values(staff: Services) -> None:
    from datetime import date

    from xinhe.records.stats_period import Period

    empty = StatsService(staff.vault).report(Period(date(2019, 1, 1), date(2019, 1, 31)),
                                             tz=SHENZHEN)
    rows = rows_of(to_csv(empty, "en"))
    assert list(rows[0]) == list(CSV_HEADER_EN)
    by_code = {r["Code"]: r for r in rows if not r["Month"]}
    assert by_code["cases_served"]["Value"] == "0"
    assert by_code["cases_served"]["Figure"] == "Cases served"
    assert by_code["handled_ratio"]["Value"] == ""  # nothing received: no ratio, not 0


# -- PDF ---------------------------------------------------------------------------------------

def test_pdf_embeds_every_font_and_uses_no_helvetica(pdf: Path) -> None:
    rows = run("pdffonts", pdf).splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row).groups()[:2]
        assert (emb, sub) == ("yes", "yes"), row
        assert re.fullmatch(r"[A-Z]{6}\+WenQuanYiMicroHei.*", row.split()[0]), row
    assert "Helvetica" not in "\n".join(rows)


def test_pdf_signature_is_valid_for_pyhanko_and_poppler(pdf: Path, staff: Services,
                                                        tmp_path: Path) -> None:
    # The same studio certificate that signs the referrals.
    cert = tmp_path / "studio.pem"
    cert.write_bytes(staff.signing.certificate_pem())
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()))
    [sig] = reader.embedded_signatures
    status = validate_pdf_signature(sig, ValidationContext(trust_roots=load_trust(cert),
                                                           allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.modification_level == ModificationLevel.NONE
    assert str(sig.sig_object["/Name"]) == "黄敏"  # who exported
    out = run("pdfsig", pdf)
    assert "Signature is Valid" in out and "Total document signed" in out
    assert "Signer Certificate Common Name: 馨和家园工作室" in out


def test_pdf_shows_the_figures_and_carries_them_as_json(pdf: Path, q1: StatsReport) -> None:
    text = re.sub(r"\s+", "", run("pdftotext", "-enc", "UTF-8", pdf, "-"))
    for expected in ("统计报告", "2026-01-01至2026-03-31", "服务个案", "危机干预", "处理率",
                     "25.00%", "月度趋势", "类别构成", "月末在案个案", "指标定义", "黄敏"):
        assert expected in text, expected
    assert not [name for name in CLIENT_NAMES if name in text]
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    assert str(names[0]) == JSON_NAME
    attached = spec["/EF"]["/F"].get_object().data
    assert attached == canonical_json(q1.to_json())
    assert json.loads(attached)["served"]["cases"] == 5


def test_pdf_charts_are_drawn(pdf: Path, tmp_path: Path) -> None:
    """The first page holds the three charts: plenty of colour, not just text."""
    from PIL import Image

    run("pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", "-singlefile", pdf,
        tmp_path / "page")
    page = Image.open(tmp_path / "page.png").convert("RGB")
    colours = page.getcolors(maxcolors=page.width * page.height)
    vivid = sum(n for n, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 60)
    assert vivid > 0.03 * page.width * page.height


def test_exports_are_audited(staff: Services, q1: StatsReport, pdf: Path) -> None:
    StatsService(staff.vault).record_export(q1, "csv")
    actions = [(r["action"], r["object_id"], r["outcome"]) for r in staff.vault.db.all(
        "SELECT action, object_id, outcome FROM audit_event WHERE action = 'stats.export'")]
    assert ("stats.export", "2026-01-01..2026-03-31", "pdf") in actions
    assert ("stats.export", "2026-01-01..2026-03-31", "csv") in actions
    assert staff.vault.audit.verify().ok


def test_english_pdf(staff: Services, q1: StatsReport, tmp_path: Path) -> None:
    path = tmp_path / "en.pdf"
    path.write_bytes(export_report_pdf(staff.vault, q1, "en"))
    text = re.sub(r"\s+", " ", run("pdftotext", "-enc", "UTF-8", path, "-"))
    assert "Statistics report" in text and "Cases served" in text
    assert "Signature is Valid" in run("pdfsig", path)
