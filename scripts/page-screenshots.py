#!/usr/bin/env python3
"""Take the screenshots of docs/journalist-guide.md ("On the web") from a running server.

    iokg build --store STORE && iokg serve --store STORE --port 8311 &
    python scripts/page-screenshots.py --base http://127.0.0.1:8311 --out docs/img

Uses headless Chromium (``$IOKG_CHROMIUM``, default /usr/bin/chromium) through Playwright, and
reaches nothing but the server given.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

PRC = "spamouflage--attributedTo--prc-government"
CICC = "spicypanda--attributedTo--cicc"

#: (file name, path, what to capture: a CSS selector, or None for the viewport, viewport size)
SHOTS = [
    ("web-search.png", "/find?q=Dragon+Bridge", None, (900, 640)),
    ("web-search-publisher.png", "/find?q=the+record", None, (900, 640)),
    ("web-sources.png", "/sources?kind=news-article&year=2023", None, (1000, 900)),
    ("web-technique.png", "/t/T0049.004", None, (1000, 640)),
    ("web-entity-top.png", "/e/spicypanda", None, (1000, 900)),
    ("web-chains.png", "/e/spicypanda", "section.chains", (1000, 900)),
    ("web-card-cicc.png", "/e/spicypanda", f"#claim-{CICC}", (1000, 900)),
    ("web-as-of.png", "/e/spamouflage?as_of=2020-06", "section.chains", (1000, 900)),
    ("web-claim-contested.png", f"/c/{PRC}", None, (1000, 1300)),
    ("web-source.png", "/s/dhs-2023-spicypanda", None, (1000, 1000)),
    ("web-cite.png", f"/c/{CICC}", "section.cite", (1000, 900)),
    ("web-phone-entity.png", "/e/spicypanda", None, (375, 812)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8311")
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("IOKG_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for name, path, selector, (width, height) in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(args.base)
                          else route.abort())
            page = context.new_page()
            page.goto(args.base + path)
            target = args.out / name
            if selector:
                page.locator(selector).first.screenshot(path=str(target))
            else:
                page.screenshot(path=str(target))
            print(f"{target}: {target.stat().st_size // 1024} KiB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
