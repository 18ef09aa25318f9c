"""Builds under faults, as real `iokg build` processes: two started at once, and the disk filling up
mid-build (a small tmpfs mounted for the test). The published store is never mixed or half written;
a running server keeps answering from the previous build.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox

from conftest import BASIC
from iokg.store import resolve_store
from test_faults import serve, wait_for


def iokg_build(data: Path, store: Path, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOKG_")}
    return subprocess.Popen([sys.executable, "-m", "iokg", "build", "--data", str(data), "--store", str(store)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def holds_a_lock(pid: int) -> bool:
    """Whether process ``pid`` holds a flock(2) lock (`iokg build` takes one for its whole run), read
    from /proc/locks so that probing never takes the lock itself."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and str(pid) in fields[fields.index("FLOCK") + 3:fields.index("FLOCK") + 4]:
            return True
    return False


def assert_whole_build(store: Path) -> Path:
    """The store link names a complete build whose store holds exactly what its manifest counts."""
    target = resolve_store(store)
    assert (target / ".complete").is_file()
    manifest = json.loads((target / "dumps" / "manifest.json").read_text())
    assert manifest["build"] == target.name
    db = ox.Store.read_only(str(target))
    assert len(db) == manifest["triples"] == sum(manifest["graphs"].values())
    for file in manifest["files"]:  # every dump whole
        assert (target / "dumps" / file["name"]).stat().st_size == file["bytes"]
    return target


def builds(store: Path) -> set[str]:
    return {p.name for p in (store.parent / (store.name + ".builds")).iterdir() if p.is_dir()}


# ------------------------------------------------------------------ two builds at once

def test_a_second_build_while_one_runs_fails_cleanly_and_the_store_is_never_mixed(tmp_path):
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(BASIC, data)
    first = iokg_build(data, store)
    assert first.wait(timeout=120) == 0, first.stderr.read()
    previous = assert_whole_build(store)

    (data / "entities" / "extra.yaml").write_text(
        "entities:\n  - id: extra\n    type: topic\n    label: Extra Topic\n    sources: [report-a]\n")
    running = iokg_build(data, store)
    try:
        wait_for(lambda: holds_a_lock(running.pid) or running.poll() is not None, 60, "the build to take its lock")
        assert running.poll() is None, "the build ended before a second one could be started"
        running.send_signal(signal.SIGSTOP)  # hold it inside its lock, whatever the machine's speed
        try:
            second = iokg_build(data, store)
            out, err = second.communicate(timeout=120)
            assert second.returncode == 1
            assert "another `iokg build` is writing store; wait for it to finish" in err
            assert "Traceback" not in err and out == ""
            assert resolve_store(store) == previous  # the store still names the whole previous build
        finally:
            running.send_signal(signal.SIGCONT)
        assert running.wait(timeout=180) == 0, running.stderr.read()
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()

    current = assert_whole_build(store)
    assert current != previous
    assert builds(store) == {previous.name, current.name}  # the refused build left nothing behind
    hits = ox.Store.read_only(str(current)).query(
        "ASK { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> 'Extra Topic' }", use_default_graph_as_union=True)
    assert bool(hits)


# ------------------------------------------------------------------ the disk filling up

@contextmanager
def small_disk(where: Path, size_bytes: int) -> Iterator[str]:
    """A tmpfs of ``size_bytes`` at ``where`` (root may mount one); else, where mounting is not
    permitted, a limit on file size for the build process (RLIMIT_FSIZE, writes fail with EFBIG).
    Yields the mechanism used."""
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode == 0:
        try:
            yield "tmpfs"
        finally:
            subprocess.run(["umount", "-l", str(where)], check=False)
    else:
        yield "rlimit"


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _footprint(tmp_path: Path) -> int:
    """Bytes one build of the basic data takes on disk (its directory and the TriG export)."""
    store = tmp_path / "measure" / "store"
    probe = iokg_build(BASIC, store)
    assert probe.wait(timeout=120) == 0, probe.stderr.read()
    files = [p for p in (store.parent).rglob("*") if p.is_file()]
    return sum(os.stat(p).st_blocks * 512 for p in files)


def test_a_full_disk_mid_build_publishes_nothing_and_the_previous_build_is_served(tmp_path):
    footprint = _footprint(tmp_path)
    # room for one build and a half: the second build fills the disk while it writes
    with small_disk(tmp_path / "disk", footprint * 3 // 2) as mechanism:
        store = tmp_path / "disk" / "store"
        data = tmp_path / "data"
        shutil.copytree(BASIC, data)
        first = iokg_build(data, store)
        assert first.wait(timeout=120) == 0, first.stderr.read()
        previous = assert_whole_build(store)
        trig = store.with_suffix(".trig").read_bytes()

        with serve(store, max_concurrent_queries=1) as server:
            before = httpx.get(server.url + "/entities/alpha", timeout=30)
            assert before.status_code == 200
            (data / "entities" / "extra.yaml").write_text(
                "entities:\n  - id: extra\n    type: topic\n    label: Extra Topic\n    sources: [report-a]\n")
            extra = {"preexec_fn": _limit_file_size(64 * 1024)} if mechanism == "rlimit" else {}
            second = iokg_build(data, store, **extra)
            out, err = second.communicate(timeout=180)

            assert second.returncode == 1, (out, err)
            assert "Traceback" not in err, err
            # whichever writer met the full disk first says so: the OS (ENOSPC) or SQLite (the search index)
            reasons = ("No space left on device", "disk is full") if mechanism == "tmpfs" else (os.strerror(errno.EFBIG),)
            assert any(reason in err for reason in reasons), err
            assert "nothing was published" in err and "still serves the build before" in err, err
            # nothing published: the link, the export and the builds are as they were
            assert resolve_store(store) == previous
            assert store.with_suffix(".trig").read_bytes() == trig
            assert builds(store) == {previous.name}  # the half-written build was removed
            # and the running server still answers from the previous build
            after = httpx.get(server.url + "/entities/alpha", timeout=30)
            assert after.status_code == 200 and after.json() == before.json()
            r = httpx.get(server.url + "/sparql", params={"query": "ASK { ?e ?p 'Extra Topic' }"},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
            assert r.status_code == 200 and r.json()["boolean"] is False

