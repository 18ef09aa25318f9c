"""`iokg.ingest.reading.read_folder` reads the second half of a large folder in a forked process:
the same records, lines and problems, in the same order, as read in one process."""

from __future__ import annotations

from iokg.ingest import reading


def _flat(corpus):
    def one(x):
        record = x.record.raw if isinstance(x.record, reading.Partial) else x.record.model_dump()
        return (x.file, x.line, x.partial, record)
    return ([one(x) for x in corpus.entities], [one(x) for x in corpus.sources],
            [(one(x), document) for x, document in corpus.assertions], corpus.files)


def test_a_folder_read_in_two_processes_reads_as_in_one(data_copy, monkeypatch):
    (data_copy / "entities" / "zz-bad-shape.yaml").write_text(
        "entities:\n  - id: bad-one\n    type: no-such-type\n    label: Bad\n")  # a record kept as Partial
    (data_copy / "entities" / "zz-bad-yaml.yaml").write_text("entities: [unclosed\n")
    monkeypatch.setattr(reading, "SPLIT_AT", 10**9)
    alone, alone_problems = reading.read_folder(data_copy)
    monkeypatch.setattr(reading, "SPLIT_AT", 2)
    split, split_problems = reading.read_folder(data_copy)
    assert any(x.partial for x in split.entities)  # the Partial record came back from the child
    assert {p.file.rsplit("/", 1)[-1] for p in split_problems} >= {"zz-bad-shape.yaml", "zz-bad-yaml.yaml"}
    assert split_problems == alone_problems
    assert _flat(split) == _flat(alone)
