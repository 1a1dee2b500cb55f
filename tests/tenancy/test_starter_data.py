"""Starter data: every registered set has a fixture per language and loads through its app's
services, atomically, once, inside its own organisation."""

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.targets.models import AppraisalCycle, CustomMetric, SeasonalProfile
from apps.tenancy import starter
from apps.tenancy.context import tenant_context
from apps.tenancy.models import AuditLog
from apps.tenancy.starter import FIXTURES_DIR, starter_data_load, starter_data_loaded, starter_sets
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
NOW = dt.datetime(2026, 5, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def counts(tenant) -> dict[str, int]:
    with tenant_context(tenant):
        return {
            "profiles": SeasonalProfile.objects.count(),
            "metrics": CustomMetric.objects.count(),
            "cycles": AppraisalCycle.objects.count(),
        }


def test_the_apps_register_their_sets():
    names = [s.name for s in starter_sets()]
    targets = [n for n in names if n.startswith("targets.")]
    assert targets == ["targets.seasonal_profiles", "targets.custom_metrics", "targets.appraisal_cycles"]
    assert "sales.payment_terms" in names
    assert "visits.custom_metrics" in names


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_registered_set_has_a_fixture_in_every_language(language):
    for starter_set in starter_sets():
        path = starter_set.fixture(language)
        assert path.exists(), f"{starter_set.name}: no {path.relative_to(FIXTURES_DIR.parent)}"
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list)


def test_every_fixture_file_belongs_to_a_registered_set():
    expected = {s.fixture(language) for s in starter_sets() for language in LANGUAGES}
    assert set(FIXTURES_DIR.glob("*/*.json")) <= expected


def test_both_languages_offer_the_same_rows():
    for starter_set in starter_sets():
        keys = {
            language: [
                row.get("code") or row.get("cadence") for row in starter.starter_rows(starter_set, language)
            ]
            for language in LANGUAGES
        }
        assert len({len(rows) for rows in keys.values()}) == 1, starter_set.name
        assert len({tuple(rows) for rows in keys.values()}) == 1, starter_set.name


@pytest.mark.parametrize(
    ("language", "profile", "metric", "cycle"),
    [
        ("zh-hans", "春节淡季型", "大客户毛利", "2026年第2季度考核"),
        ("en", "Lunar New Year dip", "Key-account gross margin", "2026 Q2 appraisal"),
    ],
)
def test_an_organisation_gets_the_starter_data_in_its_language(language, profile, metric, cycle):
    tenant = TenantFactory(default_language=language)
    loaded = starter_data_load(tenant=tenant)
    assert loaded == {
        "sales.payment_terms": 5,
        "targets.seasonal_profiles": 3,
        "targets.custom_metrics": 5,
        "targets.appraisal_cycles": 1,
        "pipeline.stages": 7,
        "visits.custom_metrics": 3,
    }
    with tenant_context(tenant):
        assert SeasonalProfile.objects.filter(name=profile).exists()
        assert CustomMetric.objects.get(code="key_account_margin").name == metric
        assert CustomMetric.objects.get(code="key_account_margin").filters == {"key_account": True}
        the_cycle = AppraisalCycle.objects.get()
        assert (the_cycle.name, the_cycle.period_start, the_cycle.period_end) == (
            cycle,
            dt.date(2026, 4, 1),
            dt.date(2026, 6, 30),
        )
        # through the services: each row audited, each set noted
        assert AuditLog.objects.filter(action="targets.metric.created").count() == 8
        assert starter_data_loaded(tenant) == set(loaded)


def test_loading_twice_adds_nothing(tenant):
    starter_data_load(tenant=tenant)
    before = counts(tenant)
    assert starter_data_load(tenant=tenant) == {}
    assert counts(tenant) == before


def test_a_set_loaded_again_skips_the_rows_the_organisation_has(tenant):
    starter_data_load(tenant=tenant)
    with tenant_context(tenant):
        AuditLog.objects.filter(action="tenancy.starter_data.loaded").delete()
    assert set(starter_data_load(tenant=tenant).values()) == {0}
    assert counts(tenant) == {"profiles": 3, "metrics": 8, "cycles": 1}


def test_only_the_named_sets_load(tenant):
    assert starter_data_load(tenant=tenant, only=["targets.seasonal_profiles"]) == {
        "targets.seasonal_profiles": 3
    }
    assert counts(tenant) == {"profiles": 3, "metrics": 0, "cycles": 0}


def test_starter_data_stays_in_its_organisation(tenant, other_tenant):
    starter_data_load(tenant=tenant)
    assert counts(other_tenant) == {"profiles": 0, "metrics": 0, "cycles": 0}


def test_a_set_the_services_refuse_loads_nothing_at_all(tenant, monkeypatch, tmp_path):
    broken = tmp_path / "targets"
    broken.mkdir()
    for language in LANGUAGES:
        (broken / f"custom_metrics.{language}.json").write_text(
            json.dumps(
                [
                    {"code": "fine", "name": "Fine", "base": "revenue"},
                    {"code": "bad", "name": "Bad", "base": "nope"},
                ]
            )
        )
        for name in ("seasonal_profiles", "appraisal_cycles"):
            (broken / f"{name}.{language}.json").write_text(
                (FIXTURES_DIR / "targets" / f"{name}.{language}.json").read_text(encoding="utf-8")
            )
    monkeypatch.setattr(starter, "FIXTURES_DIR", tmp_path)
    with pytest.raises(ValidationError):
        starter_data_load(tenant=tenant, only=["targets.seasonal_profiles", "targets.custom_metrics"])
    assert counts(tenant) == {"profiles": 0, "metrics": 0, "cycles": 0}
    with tenant_context(tenant):
        assert starter_data_loaded(tenant) == set()


def test_the_command_loads_what_an_existing_organisation_lacks(tenant):
    starter_data_load(tenant=tenant, only=["targets.seasonal_profiles"])
    out = StringIO()
    call_command("load_starter_data", tenant.slug, stdout=out)
    assert "targets.custom_metrics" in out.getvalue() and "targets.seasonal_profiles" not in out.getvalue()
    out = StringIO()
    call_command("load_starter_data", tenant.slug, stdout=out)
    assert "nothing was added" in out.getvalue()
    out = StringIO()
    call_command("load_starter_data", tenant.slug, "--list", stdout=out)
    assert "targets.appraisal_cycles" in out.getvalue() and "not loaded" not in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"), [(["nobody"], "No organisation"), (["acme", "--set", "x.y"], "x.y")]
)
def test_the_command_refuses_an_unknown_organisation_or_set(tenant, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("load_starter_data", *args)
