"""Dataset releases curated into the graph: a `dataset` source's files, checked and read at build time.

A source of kind `dataset` (`iokg.ingest.records.Release`) names the files it ships beside its
YAML record. `read_releases` checks each file against its recorded SHA-256 and reads the release:

- the asset counts become the publisher's assertions on claims of the takedown the release
  documents, read in the dataset (their file and line are the CSV's), so every check, the
  claims and the independence count treat them like any other assertion;
- every other row becomes an indicator (`Indicator`), its value kept exactly as released
  (defanged links stay defanged), with its kill-chain step and the network it belongs to.

`release_quads` turns what was read into quads for the data graph. The format of Meta's
indicator files is in `iokg.releases.meta_indicators`.
"""

from __future__ import annotations

from iokg.releases.rdf import indicator_iri, killchain_iri, release_quads
from iokg.releases.reading import Indicator, KillChainStep, ReadRelease, read_releases

__all__ = ["Indicator", "KillChainStep", "ReadRelease", "read_releases", "release_quads",
           "indicator_iri", "killchain_iri"]
