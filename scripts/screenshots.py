#!/usr/bin/env python3
"""Make the screenshots of the docs (docs/journalist-guide.md, docs/pages.md) into docs/img.

    python scripts/screenshots.py                  # builds data/ into a temporary store, serves it, shoots
    python scripts/screenshots.py --base URL       # shoots a server that is already running
    python scripts/screenshots.py --only web-cite.png --out /tmp/img

Without ``--base`` it is reproducible from the checkout alone: it runs the real build
(`iokg.build.build`) over ``--data`` (default ``data/``) into a temporary folder, starts the real
server on a free local port (``python -m iokg.api.server``), takes every shot in `SHOTS`, and stops
the server. The browser is the one the browser tests drive: Debian's Chromium (``$IOKG_CHROMIUM``,
default /usr/bin/chromium; ``scripts/install-browser.sh`` installs it), through Playwright, with
the same flags, and it reaches nothing but the server. What changes from one run to the next is
only what the pages themselves date: the build id and the day retrieved. A shot over 400 KB fails
the run (tests/test_docs.py holds the docs' images under that).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
PRC = "spamouflage--attributedTo--prc-government"
CICC = "spicypanda--attributedTo--cicc"
MAX_BYTES = 400_000

#: The flags of tests/browser.py: headless, no sandbox (containers, root), nothing that phones home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Shot:
    """One image: the page at ``path`` in a ``width``×``height`` window, the element ``selector``
    (its first match) or the window, on screen or as printed (``media="print"``)."""

    name: str
    path: str
    selector: str | None = None
    size: tuple[int, int] = (1000, 900)
    media: str = "screen"
    phone: bool = False


SHOTS = [
    Shot("web-search.png", "/find?q=Dragon+Bridge", size=(900, 640)),
    Shot("web-search-publisher.png", "/find?q=the+record", size=(900, 640)),
    Shot("web-sources.png", "/sources?kind=news-article&year=2023"),
    Shot("web-technique.png", "/t/T0049.004", size=(1000, 640)),
    Shot("web-verdict.png", "/e/spamouflage", "#verdict", size=(1000, 900)),
    Shot("web-entity-top.png", "/e/spicypanda"),
    Shot("web-chains.png", "/e/spicypanda", "figure.chain-figure"),
    Shot("web-card-cicc.png", f"/c/{CICC}", "article.claim-card"),
    Shot("web-as-of.png", "/e/spamouflage?as_of=2020-06", "figure.chain-figure"),
    Shot("web-claim-contested.png", f"/c/{PRC}", size=(1000, 1300)),
    Shot("web-source.png", "/s/dhs-2023-spicypanda", size=(1000, 1000)),
    Shot("web-cite.png", f"/c/{CICC}", "section.cite"),
    Shot("web-phone-entity.png", "/e/spicypanda", size=(375, 812), phone=True),
    Shot("web-print-claim.png", f"/c/{CICC}", size=(800, 1100), media="print"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_build(data: Path) -> Iterator[str]:
    """Build ``data`` into a temporary store and serve it on a free port; yields the base URL."""
    sys.path.insert(0, str(ROOT / "src"))
    from iokg.build import build

    with tempfile.TemporaryDirectory(prefix="iokg-screenshots-") as folder:
        store = Path(folder) / "store"
        print(f"building {data} …", file=sys.stderr)
        build(data, store)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
        env.update(IOKG_STORE=str(store), IOKG_HOST="127.0.0.1", IOKG_PORT=str(port))
        server = subprocess.Popen([sys.executable, "-m", "iokg.api.server"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"the server exited: {server.stderr.read().decode()}")
                try:
                    with urlopen(base + "/healthz", timeout=1) as r:
                        if r.status == 200:
                            break
                except (URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer /healthz within 60 s")
                time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def take(base: str, shots: list[Shot], out: Path) -> list[Path]:
    """Take ``shots`` of the server at ``base`` into ``out``; returns the files written."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("IOKG_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        raise SystemExit(f"no Chromium at {chromium}: run scripts/install-browser.sh or set IOKG_CHROMIUM")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for shot in shots:
                width, height = shot.size
                context = browser.new_context(viewport={"width": width, "height": height},
                                              is_mobile=shot.phone, has_touch=shot.phone)
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                              else route.abort())
                page = context.new_page()
                response = page.goto(base + shot.path)
                if response is None or response.status != 200:
                    raise SystemExit(f"{shot.path}: HTTP {response and response.status}")
                page.emulate_media(media=shot.media)
                target = out / shot.name
                if shot.selector:
                    page.locator(shot.selector).first.screenshot(path=str(target))
                else:
                    page.screenshot(path=str(target))
                size = target.stat().st_size
                print(f"{target}: {size // 1024} KiB")
                if size >= MAX_BYTES:
                    raise SystemExit(f"{target} is {size:,} bytes, over {MAX_BYTES:,}: make the shot smaller")
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running server to shoot (default: build --data and serve it)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="curated YAML to build (default data/)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="where to write (default docs/img)")
    parser.add_argument("--only", action="append", metavar="NAME", help="only this shot (repeatable)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    unknown = set(args.only or ()) - {s.name for s in SHOTS}
    if unknown:
        parser.error(f"no such shot: {', '.join(sorted(unknown))}")
    if args.base:
        take(args.base.rstrip("/"), shots, args.out)
    else:
        with served_build(args.data) as base:
            take(base, shots, args.out)


if __name__ == "__main__":
    main()
