"""Routers of the iokg API, one module per surface."""
