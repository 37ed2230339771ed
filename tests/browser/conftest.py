"""Browser tests: Playwright driving the system Chromium against Django's live server.

`playwright install` cannot download browsers here, so the tests use the
Chromium at CHROMIUM_PATH (default /usr/bin/chromium). Without one they are
skipped with a plain reason, unless REQUIRE_BROWSER_TESTS=1 (CI), which turns
the skip into a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# live_server runs Django in a thread; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    if REQUIRED:
        raise pytest.UsageError(
            f"REQUIRE_BROWSER_TESTS=1 but there is no Chromium at {CHROMIUM}: "
            "the browser tests cannot be skipped here."
        )
    skip = pytest.mark.skip(
        reason=f"Browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    # A phone-sized screen: Forum members often update from one.
    return {**browser_context_args, "viewport": {"width": 375, "height": 812}}
