"""Browser tests: Playwright driving Debian's Chromium (no `playwright install` on this machine kind)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "htmx.min.js"
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

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


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """The Chinese test needs the .mo file (git-ignored build output, made by `make messages`)."""
    mo = PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime:
        return
    tmp = mo.with_name(f"django.{os.getpid()}.mo")  # xdist workers may compile at once: rename atomically
    subprocess.run(["msgfmt", "-o", str(tmp), str(PO)], check=True)
    os.replace(tmp, mo)


# Chromium reports every refusal of the Content-Security-Policy on the console ("Refused to load
# the script … because it violates the following Content Security Policy directive …").
CSP_REFUSAL = re.compile(
    r"Content Security Policy|Refused to (load|execute|apply|evaluate|connect|frame)", re.I
)


@pytest.fixture(autouse=True)
def no_csp_violations(monkeypatch):
    """Every page a browser test opens runs under the real Content-Security-Policy: any refusal
    logged in any of its browser contexts (pytest-playwright's or the test's own) fails the test."""
    refusals: list[str] = []
    original = Browser.new_context

    def new_context(self, *args, **kwargs):
        context = original(self, *args, **kwargs)
        context.on(
            "console",
            lambda m: (
                refusals.append(f"{m.location.get('url')}: {m.text}") if CSP_REFUSAL.search(m.text) else None
            ),
        )
        return context

    monkeypatch.setattr(Browser, "new_context", new_context)
    yield refusals
    assert not refusals, "Content-Security-Policy refusals:\n" + "\n".join(refusals)
