"""The STIX bundle as plain data (what `iokg build` writes) needs no `stix2`: the DNI scale's
confidence values it carries are the library's own, and writing it imports nothing of it."""

from __future__ import annotations

import subprocess
import sys

from stix2.confidence.scales import dni_to_value

from conftest import BASIC
from iokg.export.stix import DNI_VALUES, DNI_WORDS


def test_the_dni_values_are_stix2_s():
    assert set(DNI_VALUES) == set(DNI_WORDS.values())
    assert {words: dni_to_value(words) for words in DNI_VALUES} == DNI_VALUES


def test_a_plain_bundle_does_not_import_stix2(tmp_path):
    code = ("import sys, pyoxigraph as ox\n"
            "from iokg.ingest.reading import read_folder\n"
            "from iokg.ingest.rdf import convert\n"
            "from iokg.export.stix import bundle\n"
            f"corpus, _ = read_folder({str(BASIC)!r})\n"
            "objects = bundle(convert(corpus.complete()).quads, checked=False)['objects']\n"
            "print(len(objects), any(o.get('confidence') for o in objects), 'stix2' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    count, confident, imported = out.stdout.split()
    assert int(count) > 10 and confident == "True" and imported == "False"
