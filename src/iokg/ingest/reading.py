"""Reading the curated YAML files, keeping the line of every value for error messages.

Files are parsed by libyaml (PyYAML's C parser), their plain scalars typed as YAML 1.2 does, dates
kept as the text written; a file it cannot read the same way as ruamel.yaml (a syntax error, a
duplicate key, an alias, a tag, a scalar such as ``0o17`` or ``.inf``) is read again by
ruamel.yaml, whose error messages are reported. Both give the same values
(tests/test_ingest.py holds them to it over the curated data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as libyaml
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from iokg.errors import Problem
from iokg.ingest.records import Assertion, DataFile, Entity, Source


class _DatesAsText(RoundTripConstructor):
    """Keeps dates as the text written, so `2021-02-31` is reported by our checks, not a crash."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    y = YAML(typ="rt", pure=True)
    y.Constructor = _DatesAsText
    return y


class _NotFast(Exception):
    """The fast reader leaves this file to ruamel.yaml."""


class _Lines:
    """Zero-based lines of a mapping's keys or a sequence's items, as ruamel.yaml's ``lc`` gives them."""

    __slots__ = ("lines",)

    def __init__(self, lines):
        self.lines = lines

    def key(self, k):
        return (self.lines[k], 0)

    def item(self, i):
        return (self.lines[i], 0)


class _Map(dict):
    lc: _Lines


class _Seq(list):
    lc: _Lines


class _Loader(getattr(libyaml, "CSafeLoader", libyaml.SafeLoader)):
    """libyaml's parser with no implicit tags: every plain scalar is typed by `_plain`."""

    yaml_implicit_resolvers: dict = {}


_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_PLAIN = "tag:yaml.org,2002:str"  # what _Loader resolves every scalar to


def _plain(text: str):
    """A plain scalar as ruamel.yaml (YAML 1.2, dates as text) reads it, or `_NotFast`."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text[0] not in "-+.0123456789" or " " in text:
        return text
    if _INT.fullmatch(text):
        return int(text, 10)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _DATE.fullmatch(text):
        return text
    raise _NotFast(text)  # 0o17, 0x1f, .inf, 1_000, a time stamp: ruamel.yaml decides


def _build(node):
    if isinstance(node, libyaml.ScalarNode):
        if node.tag != _PLAIN:
            raise _NotFast(node.tag)
        return node.value if node.style else _plain(node.value)
    if isinstance(node, libyaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _NotFast(node.tag)
        out = _Seq(_build(item) for item in node.value)
        out.lc = _Lines([item.start_mark.line for item in node.value])
        return out
    if node.tag != "tag:yaml.org,2002:map":
        raise _NotFast(node.tag)
    out, lines = _Map(), {}
    for key_node, value_node in node.value:
        key = _build(key_node)
        if isinstance(key, (list, dict)) or key in lines or key == "<<":
            raise _NotFast("key")
        lines[key] = key_node.start_mark.line
        out[key] = _build(value_node)
    out.lc = _Lines(lines)
    return out


def _load(text: str):
    """The document of ``text``: fast (libyaml) when it can be read the same, else ruamel.yaml."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _build(node)
        finally:
            loader.dispose()
    except (_NotFast, libyaml.YAMLError, RecursionError):
        return _yaml().load(text)


@dataclass
class Located:
    """A record with where it was written.

    ``partial`` records failed their shape check: ``record`` is then a `Partial` holding what
    could be read of it, so the checks across files still see its id and the ids it names.
    """

    record: Any
    file: str
    line: int
    partial: bool = False


class Partial:
    """What can be read of a record that failed its shape check: its text fields, as written."""

    def __init__(self, raw: dict):
        self.raw = raw

    def __getattr__(self, name: str) -> Any:
        if name == "raw" or name.startswith("__"):  # (not set yet: a copy being unpickled)
            raise AttributeError(name)
        value = self.raw.get(name) if isinstance(self.raw, dict) else None
        if name in _LIST_FIELDS:
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return value if isinstance(value, str) else None


_LIST_FIELDS = {"via", "sources", "derived_from", "aliases", "evidence", "authors"}


@dataclass
class Corpus:
    """Everything read from a data folder, each record with its file and line."""

    entities: list[Located] = field(default_factory=list)
    sources: list[Located] = field(default_factory=list)
    assertions: list[tuple[Located, str]] = field(default_factory=list)  # (assertion, document id)
    files: int = 0

    def complete(self) -> "Corpus":
        """The records that passed their shape checks (what can be converted to RDF)."""
        sources = [x for x in self.sources if not x.partial]
        known = {x.record.id for x in sources}
        return Corpus(entities=[x for x in self.entities if not x.partial], sources=sources,
                      assertions=[x for x in self.assertions if not x[0].partial and x[1] in known],
                      files=self.files)


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
        doc = _load(text)
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
        return [Problem(rel, 1, "file", "a data file is a mapping with `entities:`, `source:` (or `document:`) "
                        "and `assertions:`")]
    problems: list[Problem] = []

    def report(err: ValidationError, prefix: tuple) -> None:
        for e in err.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p in ("function-after", "function-before")))
            loc = prefix + tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("int", "str"))))
            problems.append(Problem(rel, line_of(doc, loc), record_name(doc, loc), _message(e)))

    try:
        parsed = DataFile.model_validate(doc)
    except ValidationError as e:
        report(e, ())
        return list(dict.fromkeys(problems))

    def each(model, raw: Any, where: tuple) -> Located:
        line = line_of(doc, where)
        try:
            return Located(model.model_validate(raw), rel, line)
        except ValidationError as e:
            report(e, where)
            return Located(Partial(raw), rel, line, partial=True)

    for i, raw in enumerate(parsed.entities):
        corpus.entities.append(each(Entity, raw, ("entities", i)))
    document = parsed.document
    if parsed.source is not None:
        loc = each(Source, parsed.source, ("source",))
        corpus.sources.append(loc)
        document = loc.record.id
    for i, raw in enumerate(parsed.assertions):
        corpus.assertions.append((each(Assertion, raw, ("assertions", i)), document))
    # one value can fail several union branches with the same message: report it once
    return list(dict.fromkeys(problems))


def read_folder(root: Path) -> tuple[Corpus, list[Problem]]:
    """Read every ``*.yaml`` / ``*.yml`` below ``root``, in a stable order (from `SPLIT_AT`
    files on, the second half in a forked process, `iokg.forked`)."""
    root = Path(root)
    corpus = Corpus()
    problems: list[Problem] = []
    if not root.is_dir():
        return corpus, [Problem(str(root), 1, "folder", "no such data folder: pass --data DIR or set IOKG_DATA")]
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                   and (root / "evidence") not in p.parents)  # computed-evidence records: iokg.evidence
    if not files:
        problems.append(Problem(str(root), 1, "folder", "no .yaml files in the data folder"))
    half = None
    if len(files) >= SPLIT_AT:
        from iokg.forked import ForkedJob

        # the second half of the files read by a forked process at the same time (what it read
        # comes back pickled), so reading takes about half as long on two cores
        rest, files = files[len(files) // 2:], files[:len(files) // 2]
        half = ForkedJob(lambda: _read_files(rest, root), "reading the data files")
    read, found = _read_files(files, root)
    corpus.files, problems = read.files, problems + found
    corpus.entities, corpus.sources, corpus.assertions = read.entities, read.sources, read.assertions
    if half is not None:
        read, found = half.wait()
        corpus.files += read.files
        corpus.entities += read.entities
        corpus.sources += read.sources
        corpus.assertions += read.assertions
        problems += found
    return corpus, problems


#: From how many files on `read_folder` reads half of them in a forked process.
SPLIT_AT = 400


def _read_files(files: list[Path], root: Path) -> tuple[Corpus, list[Problem]]:
    corpus = Corpus()
    problems: list[Problem] = []
    for path in files:
        problems.extend(read_file(path, root, corpus))
    return corpus, problems
