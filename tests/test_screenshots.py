"""The docs' screenshots and the script that makes them (``scripts/screenshots.py``) agree: every
image the journalist guide and the pages guide show is one of the script's shots, and every shot is
shown somewhere, so regenerating the images regenerates all of them and nothing else."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@functools.cache
def screenshots_script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["screenshots"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def shown_images() -> set[str]:
    names = set()
    for doc in ("journalist-guide.md", "pages.md"):
        names |= set(re.findall(r"!\[[^\]]+\]\(img/([^)]+\.png)\)", (DOCS / doc).read_text()))
    return names


def test_every_image_in_the_docs_is_a_shot_of_the_script_and_every_shot_is_shown():
    shots = {s.name for s in screenshots_script().SHOTS}
    assert len(shots) == len(screenshots_script().SHOTS)  # no name twice
    assert shown_images() == shots


def test_every_shot_is_in_docs_img_and_small():
    for shot in screenshots_script().SHOTS:
        path = DOCS / "img" / shot.name
        assert path.is_file(), shot.name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 400_000, shot.name
    assert {p.name for p in (DOCS / "img").glob("*.png")} == {s.name for s in screenshots_script().SHOTS}


def test_shots_are_local_paths_of_the_site():
    for shot in screenshots_script().SHOTS:
        assert shot.path.startswith("/") and "//" not in shot.path, shot
        assert shot.media in ("screen", "print"), shot
