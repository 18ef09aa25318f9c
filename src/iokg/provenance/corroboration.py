"""A claim's independent origins, from its assertions, by the one rule in `iokg.provenance.independence`.

The build stores every claim's tally in ``graph/derived`` (named query `corroboration`); the
lookups tally the assertions they already hold, so that an ``as_of`` day governs the count as it
governs the assertions shown. Both run the same function.
"""

from __future__ import annotations

from iokg.provenance.independence import Said, tally
from iokg.provenance.models import AssertionView, Contester, Corroboration, StanceGroups

NONE = Corroboration(independent_origins=0)


def from_assertions(groups: StanceGroups) -> Corroboration:
    """The corroboration of one claim whose assertions (already cut to any ``as_of``) are ``groups``."""
    views: list[AssertionView] = [*groups.supports, *groups.disputes, *groups.denies, *groups.inconclusive]
    if not views:
        return NONE
    publisher_of = {a.source.id: a.source.publisher_id for a in views}
    for a in views:
        publisher_of.update(zip(a.via, a.via_publishers))
    t = tally([Said("claim", a.stance, a.said_by.id, (*a.via, a.source.id)) for a in views], publisher_of)["claim"]
    party = {a.said_by.id: a.said_by for a in views}
    first: dict[str, AssertionView] = {}
    for a in sorted([*groups.disputes, *groups.denies], key=lambda a: (a.date_to is None, a.date_to)):
        first.setdefault(a.said_by.id, a)
    return Corroboration(
        independent_origins=t.independent_origins, origins=[party[p] for p in t.origins], relays=t.relays,
        contesting=[Contester(party=party[p], stance=first[p].stance, date=first[p].date) for p in t.contesting],
        inconclusive=[party[p] for p in t.inconclusive], supporting_assertions=t.supporting_assertions)
