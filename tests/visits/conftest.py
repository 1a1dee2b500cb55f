import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from apps.tenancy.dates import tenant_today
from tests.factories import CustomerFactory


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English: a language left active by an earlier request in this
    worker (a Chinese page test, say) must not leak into service tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def today(tenant):
    return tenant_today(tenant)


@pytest.fixture
def yesterday(today):
    return today - dt.timedelta(days=1)


@pytest.fixture
def shop(tenant, rep):
    """One of the rep's customers, with a stored location (Shanghai, People's Square)."""
    return CustomerFactory(
        tenant=tenant,
        owner=rep,
        code="SHOP1",
        name="Bund Grocery",
        latitude="31.230416",
        longitude="121.473701",
    )


@pytest.fixture
def peer_shop(tenant, peer):
    return CustomerFactory(tenant=tenant, owner=peer, code="PEER1", name="Peer Shop")


def jpeg_bytes(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def jpeg():
    return lambda name="shop.jpg": SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


# The API suites' shared helpers: one definition, re-exported as fixtures here.
from tests.customers.conftest import committed_horizon, list_queries  # noqa: E402, F401
