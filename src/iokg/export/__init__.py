"""Exports of the whole graph, made at build time and served as files: the dumps (TriG, N-Quads,
JSON-LD, each also gzipped, with a manifest) in `iokg.export.dumps`, and the VoID / DCAT
description of the dataset in `iokg.export.void`. Nothing here knows about HTTP."""
