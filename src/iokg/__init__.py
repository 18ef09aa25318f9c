"""iokg: a knowledge graph of influence operations, with the sources behind every statement."""

__version__ = "0.1.0"
