"""The load benchmark's remote rows: `python -m iokg.bench.load --backends virtuoso` starts
Virtuoso, pushes the synthetic build into it, drives `iokg serve --remote` with the mixed workload
and prints its table; the work directory's Virtuoso is stopped afterwards. Figures are printed,
never asserted: only that the right answers came back and nothing failed."""

from __future__ import annotations

import pytest

from iokg.bench.compare import Memory
from iokg.bench.generate import generate
from iokg.bench.load import main, summed
from iokg.build import build


def test_remote_rows_against_virtuoso(tmp_path, capsys):
    g = generate(tmp_path / "data", scale=1, seed=1)
    build(g.data_dir, tmp_path / "store", tmp_path / "store.trig", shacl=False)
    assert main(["--backends", "virtuoso", "--store", str(tmp_path / "store"), "--scale", "1",
                 "--concurrency", "2", "--seconds", "3", "--soak-seconds", "0", "--workdir", str(tmp_path / "w"),
                 "--keep"]) == 0
    out = capsys.readouterr().out
    assert "iokg serve --remote over Virtuoso" in out and "pushed build " in out
    row = next(line for line in out.splitlines() if line.startswith("| 2 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[4]) > 0 and cells[6] == "0"  # answers, and no 5xx
    assert "virtuoso: 1 process" in out  # its memory beside iokg's
    assert "serving: iokg" in out and "embedded store" not in out
    # Virtuoso was stopped (SIGTERM to its process group), and said so
    log = (tmp_path / "w" / "virtuoso" / "virtuoso.log").read_text()
    assert "Server shutdown complete" in log


def test_backends_are_checked():
    with pytest.raises(SystemExit, match="--backends takes embedded, virtuoso"):
        main(["--backends", "embedded,fuseki", "--target", "http://127.0.0.1:1"])


def test_summed_memory():
    total = summed(Memory(1, 100.0, 90.0, 120.0), Memory(2, 50.0, 40.0, 60.0))
    assert total == Memory(3, 150.0, 130.0, 180.0)
