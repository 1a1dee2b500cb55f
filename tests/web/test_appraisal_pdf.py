"""The appraisal PDF: A4, the tenant, cycle, rep, lines, score, feedback, actions and acknowledgement;
Chinese is drawn with an embedded Noto CJK font (checked on the PNG of page 1); isolation."""

import datetime as dt
import re
import subprocess
import time
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from apps.targets.models import Appraisal
from apps.tenancy.models import UserProfile
from tests.targets.factories import (
    AppraisalCycleFactory,
    AppraisalFactory,
    AppraisalLineFactory,
    ImprovementActionFactory,
)
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db

DPI = 100
A4_POINTS = (595, 842)  # 210 × 297 mm


@pytest.fixture
def signed(tenant, rep, manager):
    tenant.name = "华东销售有限公司"
    tenant.save()
    cycle = AppraisalCycleFactory(tenant=tenant, name="2026年11月考核")
    appraisal = AppraisalFactory(
        tenant=tenant,
        cycle=cycle,
        rep=rep,
        manager=manager,
        status=Appraisal.Status.ACKNOWLEDGED,
        rating=4,
        feedback="回款表现突出，新客户开发需要加强。",
        rep_comment="同意，下月重点拜访新客户。",
        submitted_at=timezone.now(),
        acknowledged_at=timezone.now(),
    )
    AppraisalLineFactory(
        tenant=tenant,
        appraisal=appraisal,
        metric="revenue",
        weight=Decimal("100"),
        actual=Decimal("800"),
        attainment=Decimal("0.8"),
        score=Decimal("80"),
    )
    ImprovementActionFactory(
        tenant=tenant,
        appraisal=appraisal,
        owner=rep,
        description="每周拜访三家潜在客户",
        due_date=dt.date(2026, 12, 31),
    )
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    return appraisal


def _pdf(client, url, appraisal) -> bytes:
    response = client.get(url("appraisals:pdf", appraisal_id=appraisal.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_a_chinese_appraisal_pdf_draws_its_cjk_text_with_an_embedded_noto_font(
    client, url, signed, rep, tmp_path
):
    client.force_login(rep.user)
    client.get(url("dashboard"))  # the session takes the user's language
    _pdf(client, url, signed)  # the first render in a process loads WeasyPrint and scans the fonts
    started = time.monotonic()
    pdf = _pdf(client, url, signed)
    elapsed = time.monotonic() - started
    path = tmp_path / "appraisal.pdf"
    path.write_bytes(pdf)

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == A4_POINTS

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "notosanscjk" in re.sub(r"[\s_-]", "", line.lower())]
    assert cjk, fonts
    assert all(re.search(r"\byes\b", line) for line in cjk), fonts  # embedded (a subset), not referenced

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    flat = re.sub(r"\s+", "", text.stdout)  # text extraction spaces words by layout
    for expected in (
        "华东销售有限公司",
        "2026年11月考核",
        "考核指标",
        "回款表现突出",
        "每周拜访三家潜在客户",
        "同意，下月重点拜访新客户",
        "4/5",
        "80.0",
        "有限公司·考核",
    ):
        assert expected in flat, expected

    # Where pdftotext says a Chinese word sits on page 1, the rendered PNG has ink: the glyphs are
    # really drawn there (a missing font would leave the text out or fall back to a non-CJK face).
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    word = re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">改进措施</word>', bbox
    )
    assert word, bbox[:2000]
    subprocess.run(
        [
            "pdftoppm",
            "-f",
            "1",
            "-l",
            "1",
            "-r",
            str(DPI),
            "-png",
            "-singlefile",
            str(path),
            str(tmp_path / "p1"),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "p1.png").convert("L")
    scale = DPI / 72
    box = tuple(round(float(v) * scale) for v in word.groups())
    region = page.crop(box)
    dark = sum(1 for v in region.getdata() if v < 128)
    assert dark > 0.05 * region.width * region.height, (box, dark)
    blank = page.crop((0, page.height - 40, 40, page.height))  # a bottom corner margin stays white
    assert min(blank.getdata()) > 200
    assert elapsed < 10, elapsed  # rendered in the request: ~1–1.5 s measured on 2 busy cores


def test_a_rep_cannot_fetch_a_peers_pdf_and_another_tenants_id_is_404(
    client_as, url, tenant, signed, peer, rival
):
    assert client_as(peer).get(url("appraisals:pdf", appraisal_id=signed.pk)).status_code == 404
    rival_url = url("appraisals:pdf", tenant_obj=rival.tenant, appraisal_id=signed.pk)
    assert client_as(rival).get(rival_url).status_code == 404
    assert client_as(rival).get(url("appraisals:pdf", appraisal_id=signed.pk)).status_code == 404


def test_the_manager_gets_the_pdf_in_english(client_as, url, signed, manager):
    pdf = _pdf(client_as(manager), url, signed)
    assert pdf.startswith(b"%PDF")
