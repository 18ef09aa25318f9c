"""Reading the curated YAML files, keeping the line of every value for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from iokg.errors import Problem
from iokg.ingest.records import DataFile


class _DatesAsText(RoundTripConstructor):
    """Keeps dates as the text written, so `2021-02-31` is reported by our checks, not a crash."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    y = YAML(typ="rt", pure=True)
    y.Constructor = _DatesAsText
    return y


@dataclass
class Located:
    """A record with where it was written."""

    record: Any
    file: str
    line: int


@dataclass
class Corpus:
    """Everything read from a data folder, each record with its file and line."""

    entities: list[Located] = field(default_factory=list)
    sources: list[Located] = field(default_factory=list)
    assertions: list[tuple[Located, str]] = field(default_factory=list)  # (assertion, source id)
    files: int = 0


def line_of(doc: Any, loc: tuple) -> int:
    """The 1-based line of the value at ``loc`` (a pydantic error location) inside ``doc``."""
    line = 1
    node = doc
    for key in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(key, int) and isinstance(node, list):
                if lc is not None:
                    line = lc.item(key)[0] + 1
                node = node[key]
            elif isinstance(node, dict) and key in node:
                if lc is not None:
                    line = lc.key(key)[0] + 1
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def record_name(doc: Any, loc: tuple) -> str:
    """How an error names the record it is about: 'entity cicc', 'source dhs-...', 'assertion 3'."""
    if not loc or not isinstance(doc, dict):
        return "file"
    top = loc[0]
    if top == "source":
        sid = doc.get("source", {}).get("id") if isinstance(doc.get("source"), dict) else None
        return f"source {sid}" if sid else "source"
    if top in ("entities", "assertions") and len(loc) > 1 and isinstance(loc[1], int):
        try:
            rec = doc[top][loc[1]]
        except (IndexError, KeyError, TypeError):
            rec = None
        if top == "entities":
            rid = rec.get("id") if isinstance(rec, dict) else None
            return f"entity {rid}" if rid else f"entity #{loc[1] + 1}"
        if isinstance(rec, dict) and rec.get("subject") and rec.get("predicate"):
            tail = rec.get("object") if rec.get("object") is not None else rec.get("value")
            return f"assertion #{loc[1] + 1} ({rec['subject']} {rec['predicate']} {tail})"
        return f"assertion #{loc[1] + 1}"
    return str(top)


def _message(err: dict) -> str:
    kind = err["type"]
    loc = err["loc"]
    fieldname = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    if kind == "missing":
        return f"missing required field `{fieldname}`"
    if kind == "extra_forbidden":
        return f"unknown field `{fieldname}`: check its spelling against docs/curator-guide.md"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return f"`{fieldname}`: {msg}"


def read_file(path: Path, root: Path, corpus: Corpus) -> list[Problem]:
    """Read one YAML file into ``corpus``; return its problems (none if it is well-formed)."""
    rel = str(path.relative_to(root.parent) if root.parent in path.parents else path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        last_line = len(text.rstrip().splitlines())
        if e.context_mark is not None and (mark is None or mark.line + 1 > last_line):
            mark = e.context_mark  # "unexpected end of file": point at what was left open
        line = mark.line + 1 if mark else 1
        what = f"{e.context}: {e.problem}" if e.context else e.problem
        return [Problem(rel, line, "file", f"malformed YAML ({what}); fix the syntax")]
    except (YAMLError, UnicodeDecodeError) as e:
        return [Problem(rel, 1, "file", f"cannot read YAML: {e}")]
    corpus.files += 1
    if doc is None:
        return []
    if not isinstance(doc, dict):
        return [Problem(rel, 1, "file", "a data file is a mapping with `entities:`, `source:` or `assertions:`")]
    try:
        parsed = DataFile.model_validate(doc)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("function-after", "function-before")))
            loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("int", "str"))))
            problems.append(Problem(rel, line_of(doc, loc), record_name(doc, loc), _message(err)))
        # de-duplicate the union branches pydantic reports for one value
        return list(dict.fromkeys(problems))
    for i, entity in enumerate(parsed.entities):
        corpus.entities.append(Located(entity, rel, line_of(doc, ("entities", i))))
    if parsed.source is not None:
        corpus.sources.append(Located(parsed.source, rel, line_of(doc, ("source",))))
        for i, assertion in enumerate(parsed.assertions):
            corpus.assertions.append(
                (Located(assertion, rel, line_of(doc, ("assertions", i))), parsed.source.id))
    return []


def read_folder(root: Path) -> tuple[Corpus, list[Problem]]:
    """Read every ``*.yaml`` / ``*.yml`` below ``root``, in a stable order."""
    root = Path(root)
    corpus = Corpus()
    problems: list[Problem] = []
    if not root.is_dir():
        return corpus, [Problem(str(root), 1, "folder", "no such data folder: pass --data DIR or set IOKG_DATA")]
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        problems.append(Problem(str(root), 1, "folder", "no .yaml files in the data folder"))
    for path in files:
        problems.extend(read_file(path, root, corpus))
    return corpus, problems
