"""`python -m iokg.bench.build` at a tiny scale: it builds with the shapes on, times every phase and
a bulk load of the build's own N-Quads, and prints their ratio (figures printed, never asserted)."""

from __future__ import annotations

import re

from iokg.bench.build import main, measure


def test_measure_builds_with_shapes_and_loads_its_own_nquads(tmp_path):
    lines = []
    figures = measure(tmp_path, scale=0.5, seed=2, loads=1, say=lines.append)
    text = "\n".join(lines)
    assert "SHACL on" in text
    assert {"read", "convert", "shapes", "load", "search index"} <= set(figures["phases"])
    assert figures["build"] > 0 and figures["bulk_load"] > 0
    assert figures["ratio"] == figures["build"] / figures["bulk_load"]
    assert re.search(r"build / bulk_load = [\d.]+ / [\d.]+ = [\d.]+× wall-clock", text)
    # the N-Quads it loaded are the build's own dump, holding every triple of the build
    assert f"{figures['triples']} triples" in text


def test_main_cleans_up_its_work_folder(tmp_path, capsys):
    work = tmp_path / "work"
    assert main(["--scale", "0.3", "--loads", "1", "--workdir", str(work)]) == 0
    assert "build / bulk_load" in capsys.readouterr().out
    assert not work.exists()
