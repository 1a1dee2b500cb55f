"""Suite-wide set-up: fixtures and factories run unscoped; test bodies run in no scope unless they
(or a fixture such as `with scope(tenant=…): yield`) enter one, so code under test that forgets its
tenant fails loudly."""

import os

import pytest
from django_scopes.state import state

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Every test starts with no scope at all, whatever an earlier test left behind."""
    state.set(None)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Run each fixture's set-up with scopes disabled. A fixture that enters a scope of its own and
    yields inside it keeps that scope for the test (its own exit restores the state at teardown)."""
    previous = state.get()
    disabled = {**(previous or {}), "_enabled": False}
    state.set(disabled)
    yield
    if state.get() is disabled:
        state.set(previous)
