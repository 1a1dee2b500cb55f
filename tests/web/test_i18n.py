"""Chinese for users who chose it; English for the rest; the catalogue is complete."""

import os
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from apps.tenancy.models import UserProfile
from tests.factories import CustomerFactory

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The project's one catalogue (docs/architecture.md, "Translations"); tests/test_translations.py
# checks that it covers every msgid in the code.
CATALOGUES = [PO]


@pytest.fixture(autouse=True, scope="module")
def compiled_messages():
    """The .mo files are build output (git-ignored): compile them as `make messages` does."""
    for po in CATALOGUES:
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        tmp = mo.with_name(f"django.{os.getpid()}.mo")  # xdist workers may compile at once: rename atomically
        subprocess.run(["msgfmt", "-o", str(tmp), str(po)], check=True)
        os.replace(tmp, mo)


@pytest.mark.django_db
def test_a_zh_hans_user_sees_chinese_labels(client, rep):
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    CustomerFactory(tenant=rep.tenant, owner=rep, is_key_account=True)
    client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"})
    text = client.get(reverse("customers:list", kwargs={"tenant_slug": rep.tenant.slug})).text
    assert 'lang="zh-hans"' in text
    for label in ("我的客户", "订单", "回款", "编码", "大客户", "活跃", "零售网点"):
        assert label in text, label


@pytest.mark.django_db
def test_an_english_user_sees_english(client, rep):
    UserProfile.objects.create(user=rep.user, language="en")
    client.post(reverse("login"), {"username": "rep1", "password": "pass-123-word"})
    text = client.get(reverse("customers:list", kwargs={"tenant_slug": rep.tenant.slug})).text
    assert "My customers" in text and "我的客户" not in text


@pytest.mark.django_db
def test_the_tenant_default_language_applies_without_a_choice(client, rep):
    rep.tenant.default_language = "zh-hans"
    rep.tenant.save()
    client.force_login(rep.user)
    assert "工作台" in client.get(reverse("dashboard", kwargs={"tenant_slug": rep.tenant.slug})).text


@pytest.mark.django_db
def test_the_login_page_follows_the_session_language(client, rep):
    client.force_login(rep.user)
    client.post(reverse("set-language"), {"language": "zh-hans", "next": "/"})
    client.post(reverse("logout"))
    # The session is flushed on logout, so the login page is back in the default language.
    assert "Sign in" in client.get(reverse("login")).text


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_and_none_is_fuzzy(po):
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=True
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
