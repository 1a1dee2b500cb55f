"""Browser tests: Playwright driving Debian's Chromium (no `playwright install` on this machine kind)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "htmx.min.js"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"{CHROMIUM} is missing (apt-get install chromium, or `make install`)")
    if not VENDOR.exists():
        problems.append(f"{VENDOR} is missing: run `make assets` first")
    if not problems:
        return
    skip = pytest.mark.skip(reason="browser tests cannot run: " + "; ".join(problems))
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
