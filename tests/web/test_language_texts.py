"""Texts people read in both languages: notification titles that read naturally, the avatar of a
Chinese name, and phone numbers checked as the organisation's country writes them."""

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from apps.targets.services.appraisals import notification_title
from apps.tenancy.models import UserProfile
from apps.tenancy.phones import country_for_timezone, phone_check
from apps.tenancy.templatetags.salesui import avatar_text
from tests.factories import CustomerFactory
from tests.web.test_i18n import compiled_messages  # noqa: F401  (autouse: compile the .mo first)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "cycle", "doubled"),
    [
        ("zh-hans", "2026 年 11 月月度考核", "考核考核"),
        ("en", "2026-11 monthly appraisal", "appraisal appraisal"),
    ],
)
@pytest.mark.parametrize("kind", ["appraisal_submitted", "appraisal_acknowledged"])
def test_appraisal_notifications_say_no_word_twice(language, cycle, doubled, kind):
    with translation.override(language):
        title = notification_title(kind, cycle=cycle, rep="陈霞")
    assert cycle in title and doubled not in title and "考核已提交" not in title


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("陈霞", "霞"),
        ("曹思远", "思远"),
        ("欧阳娜娜", "娜娜"),
        ("欧阳修", "修"),
        ("迪丽热巴·迪力木拉提", "迪丽"),
        ("Siti Chua", "S"),
        ("grace", "G"),
        ("", "?"),
    ],
)
def test_an_avatar_shows_the_given_name_of_a_chinese_name(name, shown):
    assert avatar_text(name) == shown


def test_the_top_bar_avatar_is_the_given_name_not_a_latin_initial(client, tenant, rep):
    with scopes_disabled():
        rep.display_name = "曹思远"
        rep.save(update_fields=["display_name"])
    client.force_login(rep.user)
    text = client.get(f"/t/{tenant.slug}/").text
    assert '<span class="avatar avatar--two" aria-hidden="true">思远</span>' in text


@pytest.mark.parametrize(
    ("zone", "country"),
    [("Asia/Shanghai", "CN"), ("Asia/Singapore", "SG"), ("Europe/Berlin", "DE"), ("UTC", "CN")],
)
def test_an_organisations_country_follows_its_time_zone(zone, country):
    assert country_for_timezone(zone) == country


@pytest.mark.parametrize(
    "number", ["0571-8888 6666", "138 1234 5678", "13812345678", "+86 21 1234 5678", "+65 8123 4567"]
)
def test_numbers_as_china_writes_them_pass(number):
    assert phone_check(number, country="CN") == number.strip()


@pytest.mark.parametrize("number", ["abc-not-a-phone", "12345", "138 1234 567"])
def test_what_is_no_number_in_china_is_refused_with_an_example(number):
    from django.core.exceptions import ValidationError

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        phone_check(number, country="CN")
    assert "中国" in refused.value.messages[0] and "例如" in refused.value.messages[0]


def test_singapore_numbers_are_read_as_singapore_writes_them():
    assert phone_check("8123 4567", country="SG") == "8123 4567"


def test_the_api_answers_400_on_the_phone_field_and_saves_nothing(api_as, rep, tenant):
    response = api_as(rep).post(
        "/api/v1/customers/", {"code": "C-PH", "name": "电话测试", "phone": "abc-not-a-phone"}, format="json"
    )
    assert response.status_code == 400 and "phone" in response.json()
    with scopes_disabled():
        from apps.customers.models import Customer

        assert not Customer.objects.filter(tenant=tenant, code="C-PH").exists()


def test_a_contact_update_through_the_api_is_checked_too(api_as, rep, tenant):
    with scopes_disabled():
        customer = CustomerFactory(tenant=tenant, owner=rep)
    client = api_as(rep)
    created = client.post(
        "/api/v1/contacts/",
        {"customer": customer.pk, "name": "王经理", "phone": "13812345678"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    refused = client.patch(f"/api/v1/contacts/{created.json()['id']}/", {"phone": "12"}, format="json")
    assert refused.status_code == 400 and "phone" in refused.json()


def test_the_customer_form_shows_the_phone_message_beside_the_field(client, rep, tenant):
    UserProfile.objects.create(user=rep.user, language="zh-hans")
    client.force_login(rep.user)
    response = client.post(
        f"/t/{tenant.slug}/customers/new/",
        {
            "code": "C-PH2",
            "name": "表单电话",
            "segment": "retail",
            "status": "active",
            "owner": rep.pk,
            "phone": "abc-not-a-phone",
        },
    )
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_phone_error"><li>“abc-not-a-phone”不是中国的电话号码' in response.text
    )
    assert 'value="abc-not-a-phone"' in response.text
