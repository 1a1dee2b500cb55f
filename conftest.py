"""Suite-wide set-up: fixtures and factories run unscoped; test bodies run in no scope unless they
enter one, so code under test that forgets its tenant fails loudly."""

import os

import pytest
from django_scopes import scopes_disabled

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    with scopes_disabled():
        yield
