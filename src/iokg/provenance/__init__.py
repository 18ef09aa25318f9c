"""Provenance-aware lookups: entities, claims, sources and attribution chains (search is `iokg.search`).

Every function takes a store offering ``select(text, substitutions)`` (`iokg.store.EmbeddedStore`,
or anything speaking SPARQL 1.1 the same way), runs named queries from ``queries/*.rq`` with their
parameters bound as RDF terms, and returns pydantic models (`iokg.provenance.models`). Nothing
here knows about HTTP. Unknown ids raise `iokg.errors.EntityNotFound`; bad parameters (a malformed
date) raise `iokg.errors.InvalidQuery`.
"""

from iokg.provenance.attribution import attribution
from iokg.provenance.lookups import claim, entity, source, source_details, source_views, sources
from iokg.provenance.models import (
                                    AliasView,
                                    AssertionView,
                                    AttributionView,
                                    Chain,
                                    ClaimSummary,
                                    ClaimView,
                                    Corroboration,
                                    EntityView,
                                    Hop,
                                    LikelihoodBand,
                                    PredicateRef,
                                    Ref,
                                    SourceClaim,
                                    SourceRef,
                                    SourceView,
                                    StanceGroups,
)

__all__ = [
    "entity", "claim", "source", "source_details", "source_views", "sources", "attribution",
    "AliasView", "AssertionView", "AttributionView", "Chain", "ClaimSummary", "ClaimView", "Corroboration",
    "EntityView", "Hop", "LikelihoodBand", "PredicateRef", "Ref", "SourceClaim",
    "SourceRef", "SourceView", "StanceGroups",
]
