"""The HTTP layer: FastAPI app and routers. No SPARQL here; core modules do the work."""
