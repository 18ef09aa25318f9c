"""The build's work spread over processes and threads (`iokg.forked`, `iokg.build`), and its quads
made as N-Quads text (`iokg.ingest.rdf`): same quads, errors as themselves, nothing left behind."""

from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pyoxigraph as ox
import pytest

import iokg.build as building
from conftest import BASIC
from iokg.build import build
from iokg.errors import IngestError, IokgError
from iokg.forked import ForkedJob
from iokg.ingest.rdf import Converted, literal, nquads
from iokg.store import builds_dir, resolve_store

# ------------------------------------------------------------------ quads as text


def assert_nothing_published(store, previous, before: set) -> None:
    """The store still serves ``previous``, the only build left beside it, and no process the
    build started is alive (``before``: the children there were before it)."""
    assert resolve_store(store) == previous
    assert [p.name for p in builds_dir(store).iterdir() if p.is_dir()] == [previous.name]
    assert set(multiprocessing.active_children()) <= before  # the build's own are gone

def test_literals_are_escaped_exactly_as_pyoxigraph_writes_them():
    """Every code point (surrogates aside), in one literal: the same text as pyoxigraph's, so a quad
    made as text and one made as an object deduplicate as one."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert literal(every) == str(ox.Literal(every))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert literal("2024-02", xsd + "gYearMonth") == str(ox.Literal("2024-02", datatype=ox.NamedNode(xsd + "gYearMonth")))
    assert literal("a", xsd + "string") == str(ox.Literal("a"))


def test_converted_lines_parse_back_to_the_same_quads():
    out = Converted()
    s, p, g = ox.NamedNode("https://e/s"), ox.NamedNode("https://e/p"), ox.NamedNode("https://e/g")
    out.add(s, p, ox.Literal('a "quoted"\n\tline\\'), g)  # pyoxigraph terms
    out.add("<https://e/s>", "<https://e/p>", literal("x", "http://www.w3.org/2001/XMLSchema#integer"))
    assert out.quads[0] == ox.Quad(s, p, ox.Literal('a "quoted"\n\tline\\'), g)
    assert out.quads[1].object == ox.Literal("x", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert nquads([("", "<https://e/s>", "<https://e/p>", '"v"')]) == '<https://e/s> <https://e/p> "v" .\n'


def test_the_build_loads_exactly_the_quads_it_converted(tmp_path):
    """The store, the N-Quads dump and the converted text hold the same quads."""
    report = build(BASIC, tmp_path / "store")
    target = resolve_store(tmp_path / "store")
    stored = set(ox.Store.read_only(str(target)))
    dumped = set(ox.parse(path=str(target / "dumps" / "iokg.nq"), format=ox.RdfFormat.N_QUADS))
    converted, lines, _, _ = building._read(BASIC, building._Phases())
    assert stored == dumped
    assert len(stored) == report.triples == len(lines) == len(set(lines))
    assert set(ox.parse(nquads(lines), format=ox.RdfFormat.N_QUADS)) <= stored
    assert lines == sorted(lines)


# ------------------------------------------------------------------ forked jobs

def test_a_forked_job_returns_its_result_and_raises_its_error_as_itself():
    job = ForkedJob(lambda: {"pid": os.getpid(), "n": 42}, "counting")
    result = job.wait()
    assert result["n"] == 42 and result["pid"] != os.getpid()
    assert job.seconds >= 0 and job.cpu_seconds >= 0

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError) as caught:
        ForkedJob(full, "writing").wait()
    assert caught.value.errno == errno.ENOSPC and "No space left on device" in str(caught.value)


def test_a_forked_job_that_dies_or_raises_what_cannot_travel_says_so():
    with pytest.raises(IokgError, match="dying failed: its process ended with exit code 3"):
        ForkedJob(lambda: os._exit(3), "dying").wait()

    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")
            self.lock = __import__("threading").Lock()  # does not pickle

    def odd() -> None:
        raise Odd(1, 2)
    with pytest.raises(IokgError, match=r"odd failed: .*Odd: 1/2"):
        ForkedJob(odd, "odd").wait()


def test_a_cancelled_job_is_gone():
    job = ForkedJob(lambda: time.sleep(60), "sleeping")
    job.cancel()
    assert not job.process.is_alive()
    assert job.process not in multiprocessing.active_children()  # and reaped


def test_a_forked_job_dies_with_the_process_that_forked_it(tmp_path):
    """A killed build leaves no writer behind: its children die with it."""
    script = textwrap.dedent("""
        import sys, time
        from iokg.forked import ForkedJob
        job = ForkedJob(lambda: time.sleep(120), "sleeping")
        print(job.process.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # it runs
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead, only not reaped
    except FileNotFoundError:
        return False


# ------------------------------------------------------------------ the build under failure

def test_a_failing_forked_writer_publishes_nothing_and_leaves_nothing(tmp_path, monkeypatch):
    store = tmp_path / "store"
    build(BASIC, store)
    previous = resolve_store(store)

    def full_disk(rows, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    monkeypatch.setattr(building, "write_materialized", full_disk)  # the forked child inherits it
    before = set(multiprocessing.active_children())  # other tests' servers may keep workers
    with pytest.raises(IokgError, match="No space left on device.*nothing was published"):
        build(BASIC, store)
    assert_nothing_published(store, previous, before)


def test_a_build_with_problems_stops_its_jobs_and_leaves_nothing(tmp_path, data_copy):
    store = tmp_path / "store"
    build(data_copy, store)
    previous = resolve_store(store)
    (data_copy / "entities" / "bad.yaml").write_text(
        "entities:\n  - id: bad-one\n    type: topic\n    label: Bad\n    sources: [no-such-report]\n")
    before = set(multiprocessing.active_children())
    with pytest.raises(IngestError):
        build(data_copy, store)
    assert_nothing_published(store, previous, before)


def test_a_shape_violation_stops_the_jobs_already_started(tmp_path, monkeypatch):
    """Only the shapes find it, so the dumps and materialized rows were already being written."""
    from iokg import vocab

    store = tmp_path / "store"
    build(BASIC, store)
    previous = resolve_store(store)
    original = building.convert

    def convert_with_a_bare_link(corpus):
        out = original(corpus)
        out.add(ox.NamedNode(vocab.entity_iri("cell-1")), ox.NamedNode(vocab.NS + "parent"),
                ox.NamedNode(vocab.entity_iri("alpha")))
        return out
    monkeypatch.setattr(building, "convert", convert_with_a_bare_link)
    started = []
    real_job = building.ForkedJob
    monkeypatch.setattr(building, "ForkedJob", lambda *a, **k: started.append(real_job(*a, **k)) or started[-1])
    before = set(multiprocessing.active_children())
    with pytest.raises(IngestError, match="a link between two entities is a claim"):
        build(BASIC, store)
    assert started and all(not job.process.is_alive() for job in started)
    assert_nothing_published(store, previous, before)
