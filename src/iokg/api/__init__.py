"""The HTTP layer: FastAPI routes over the core. No SPARQL text lives here."""
