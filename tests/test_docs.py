"""The docs say what the code does: settings, ontology terms, curator examples, commands."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib

from iokg import vocab
from iokg.build import validate
from iokg.settings import ONTOLOGY_DIR, Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_settings_page_lists_every_setting_with_its_default():
    text = (DOCS / "settings.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `IOKG_(\w+)` \| `--[\w-]+` \| ([^|]+) \|", text, re.M)}
    assert set(rows) == {name.upper() for name in Settings.model_fields}
    for name, field in Settings.model_fields.items():
        if isinstance(field.default, int):
            assert rows[name.upper()].strip() == str(field.default), name


def test_ontology_page_names_every_term():
    text = (DOCS / "ontology.md").read_text()
    g = rdflib.Graph().parse(ONTOLOGY_DIR / "iokg.ttl")
    terms = {str(s)[len(vocab.NS):] for s in g.subjects() if str(s).startswith(vocab.NS)}
    missing = sorted(t for t in terms if f"`iokg:{t}`" not in text)
    assert missing == []


def test_curator_guide_lists_every_yaml_word():
    text = (DOCS / "curator-guide.md").read_text()
    for table in (vocab.ENTITY_TYPES, vocab.PREDICATES, vocab.SOURCE_KINDS, vocab.STANCES, vocab.EVIDENCE_KINDS,
                  vocab.CONFIDENCE_WHOSE):
        for key in table:
            assert f"`{key}`" in text, key
    for q in vocab.QUALIFIERS:
        assert f"`{q}`" in text, q


def test_curator_guide_examples_validate(tmp_path):
    """The guide's YAML examples, plus the platform report the relaying example names, build cleanly."""
    text = (DOCS / "curator-guide.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    data = tmp_path / "data"
    for i, block in enumerate(blocks):
        (data / f"example-{i}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (data / f"example-{i}.yaml").write_text(block)
    (data / "platform.yaml").write_text(
        "source:\n  id: example-platform-report\n  kind: platform-report\n  title: T\n"
        "  publisher: example-platform\n  date: 2023-05\n")
    report = validate(data)
    assert report.counts["entities"] == 5 and report.counts["claims"] == 1 and report.counts["assertions"] == 2


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/iokg serve --build" in readme
    assert "bash scripts/test.sh" in readme
    assert "scripts/test.sh" in (ROOT / ".ci/run").read_text()
    from iokg.cli import main

    commands = re.findall(r"^\| `iokg (\w+)", readme, re.M)
    assert len(commands) == 9
    for cmd in commands:
        assert cmd in main.commands, cmd


def test_architecture_page_names_real_modules():
    import importlib

    text = (DOCS / "architecture.md").read_text()
    modules = set(re.findall(r"`(iokg(?:\.[a-z_]+)+)", text))
    assert len(modules) > 15
    for name in modules:
        if name.endswith((".*", ".__main__")):
            continue
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            parent, _, attr = name.rpartition(".")
            assert hasattr(importlib.import_module(parent), attr), name


def test_architecture_page_names_every_module():
    """Every module of the package has its row (or shares one) in docs/architecture.md."""
    from pathlib import Path

    import iokg

    root = Path(iokg.__file__).parent
    text = (DOCS / "architecture.md").read_text()
    named = set(re.findall(r"`(iokg(?:\.[a-z_]+)*)`", text))
    modules = set()
    for path in root.rglob("*.py"):
        parts = ["iokg", *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules.add(".".join(parts))
    missing = sorted(modules - named - {"iokg"})
    assert not missing, f"docs/architecture.md does not name: {missing}"


def test_journalist_guide_images_exist_and_are_small():
    text = (DOCS / "journalist-guide.md").read_text()
    images = re.findall(r"!\[[^\]]+\]\((img/[^)]+\.png)\)", text)
    assert len(images) >= 8
    for image in images:
        path = DOCS / image
        assert path.is_file(), image
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 400_000, image
