"""The archive benchmark runs end to end at a tiny scale and prints its figures (no timing asserted)."""

from __future__ import annotations

from iokg.bench import archive


def test_archive_benchmark_smoke(tmp_path, capsys):
    assert archive.main(["--accounts", "30", "--tweets", "400", "--zip", "--workdir", str(tmp_path / "w")]) == 0
    out = capsys.readouterr().out
    assert "generated 30 accounts and 400 tweets" in out
    assert "bench: imported in" in out and "30 accounts, 400 tweets from 2 files; 0 bad rows" in out
    assert "re-import of the same files:" in out and "(unchanged)" in out
    assert "posting-hours Asia/Shanghai:" in out and "posting-hours America/New_York:" in out
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").iterdir())


def test_run_returns_the_figures(tmp_path):
    figures = archive.run(tmp_path, accounts=5, tweets=50, say=lambda line: None)
    assert (figures.accounts, figures.tweets) == (5, 50)
    assert set(figures.seconds) >= {"generate", "import", "reimport", "posting-hours Asia/Shanghai", "sql"}
