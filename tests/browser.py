"""Browser tests in real headless Chromium: Debian's ``chromium`` driven by Playwright.

Fixtures (registered for every test by ``conftest.py``):

- ``chromium`` (session): a Playwright ``Browser``. The executable is ``$IOKG_CHROMIUM``
  (default ``/usr/bin/chromium``; ``scripts/install-browser.sh`` installs it). A missing
  browser **fails** the test with a message saying so; it never skips.
- ``page``: a fresh ``Page`` in its own context (desktop viewport, downloads accepted) that
  may only reach 127.0.0.1 / localhost: any other request is aborted, and the test fails at
  teardown naming it. When the test fails, a screenshot of its last state is saved as
  ``last-<test name>.png``.
- ``new_page(**context_options)``: more pages, e.g. ``new_page(java_script_enabled=False)``
  or ``new_page(viewport={"width": 375, "height": 800})``, with the same guard.

`screenshot(page, name)` saves a full-page PNG to the artifacts folder: ``$IOKG_TEST_ARTIFACTS``,
default ``test-artifacts/`` at the top of the checkout (gitignored). Mark browser tests with
``@pytest.mark.browser``. Playwright never downloads a browser here (no ``playwright install``).

`axe_violations(page)` runs axe-core in ``page`` and returns its violations of impact serious or
critical. axe-core is ``$IOKG_AXE``, default ``.cache/npm/node_modules/axe-core/axe.min.js`` (a
pinned version ``scripts/install-browser.sh`` installs from the npm registry); it is injected with
``page.add_script_tag``, so the page must come from ``new_page(bypass_csp=True)``: the site's
Content-Security-Policy rightly refuses an inline script it did not ship.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Chromium flags: headless, no sandbox (containers, root), and nothing that phones home.
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

DESKTOP = {"width": 1280, "height": 900}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def chromium_path() -> Path:
    return Path(os.environ.get("IOKG_CHROMIUM", "/usr/bin/chromium"))


def axe_path() -> Path:
    return Path(os.environ.get("IOKG_AXE", ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"))


#: axe-core's impacts that fail a page (the others, moderate and minor, are reported by axe only).
FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[str]:
    """Run axe-core over the whole of ``page`` (every rule axe enables by default: WCAG 2.x A and AA
    and best practices) and describe each violation of one of ``impacts``: rule, impact, help and
    the first few elements at fault. A missing axe-core fails the test, it never skips."""
    path = axe_path()
    if not path.is_file():
        pytest.fail(f"no axe-core at {path}: run scripts/install-browser.sh (installs it from the npm "
                    "registry) or point IOKG_AXE at axe.min.js", pytrace=False)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(path))
    if not page.evaluate("() => typeof window.axe === 'object'"):
        pytest.fail("axe-core did not load: open the page with new_page(bypass_csp=True)", pytrace=False)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] not in impacts:
            continue
        nodes = "; ".join(f"{' '.join(n['target'])}: {n.get('failureSummary', '').strip()}"
                          for n in v["nodes"][:3])
        found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']} — {nodes}")
    return found


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("IOKG_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` (the whole page, or the viewport) as
    ``<artifacts>/<name>.png``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    path = artifacts_dir() / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Headless Chromium, shared by the session's browser tests."""
    path = chromium_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"no Chromium executable at {path}: run scripts/install-browser.sh "
            "(installs Debian's chromium) or point IOKG_CHROMIUM at one",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(path), headless=True, args=CHROMIUM_ARGS
            )
        except Exception as e:
            pytest.fail(f"Chromium at {path} did not start: {e}", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium, request) -> Iterator[Callable[..., object]]:
    """A factory of pages, each in its own context; all are closed after the test."""
    contexts = []
    blocked: list[str] = []

    def guard(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    def make(**options: object):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("accept_downloads", True)
        context = chromium.new_context(**options)
        context.route("**/*", guard)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    if blocked:
        pytest.fail(f"the page tried to reach outside this machine: {blocked}", pytrace=False)


@pytest.fixture
def page(new_page, request) -> Iterator[object]:
    """A desktop-sized page; if the test failed, its last state (the viewport) is saved as a
    screenshot (``conftest.py`` files each phase's report on the test as ``report_<phase>``)."""
    p = new_page()
    yield p
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    try:
        screenshot(p, "last-" + request.node.name, full_page=False)
    except Exception:  # a closed page has nothing to show
        pass
