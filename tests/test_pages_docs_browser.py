"""/docs in real headless Chromium: Swagger UI, served by the app under the pages'
Content-Security-Policy, renders the OpenAPI 3.1 schema FastAPI writes, lists the operations,
and logs no error (no refused script or style, no failed request). Screenshot in ``test-artifacts/``."""

from __future__ import annotations

import pytest

from browser import screenshot

pytestmark = pytest.mark.browser


def test_docs_renders_the_operations_with_no_console_error(page, data_site):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    response = page.goto(data_site.url + "/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path || e.textContent)")
    paths = [p.replace("\u200b", "").strip() for p in paths]
    assert "/sparql" in paths and "/entities/{id}" in paths, paths
    assert page.locator(".information-container .title").inner_text().startswith("iokg")
    assert "Unable to render this definition" not in page.inner_text("body")
    # an operation opens with its parameters
    page.locator(".opblock-summary-path[data-path='/entities/{id}']").first.click()
    page.wait_for_selector(".opblock.is-open .parameters", timeout=10_000)
    assert "id" in page.locator(".opblock.is-open .parameters").first.inner_text()
    screenshot(page, "api-docs")
    assert errors == []
