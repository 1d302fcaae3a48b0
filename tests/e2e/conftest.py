"""Browser tests (STYLE: tests/e2e): the real app on a local port, driven by headless Chromium through
Playwright's sync API. The app is the `app` fixture's, so every e2e test runs on both database backends.

Chromium is Debian's (`/usr/bin/chromium`, installed by scripts/bootstrap.sh with WITH_BROWSER=1). Where it is
missing the tests are skipped with the reason — except under CI=true, where that fails the run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by werkzeug in a thread on 127.0.0.1 and a free port, CSRF on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or WITH_BROWSER=1 scripts/bootstrap.sh)"
        if IN_CI:
            pytest.fail(message + " (CI=true: browser tests are required)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page per test, Chinese browser locale, a laptop-sized window."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
