import pytest
from django_scopes import scopes_disabled


@pytest.fixture(autouse=True)
def every_tenant():
    """The bench seeds and checks whole tenants, as an operator would: the body sees every tenant
    (the database does too, under scopes_disabled); pages opened through the client still run scoped."""
    with scopes_disabled():
        yield
