"""Attribution chains: from a cluster or campaign, through the campaigns it belongs to, to the actors
it is attributed to and the bodies those sit in, each hop with the assertions for and against it.

Hops followed, from the start entity outwards (named query `attribution`):

- ``partOf`` / ``overlapsWith``: a cluster or campaign to a (larger) campaign;
- ``attributedTo``: an operation to an actor;
- ``subOrganizationOf``: an organization to the one it sits in.

Any entity may be given. From a cluster or campaign the chains run as above; from an organization
only ``subOrganizationOf`` hops lead on (what it belongs to); from other entities (a platform, a
narrative) usually no hop does, and the answer is empty with a `note` saying so. It is never an
error: an unknown id is `EntityNotFound`, a bad date `InvalidQuery`.

With ``as_of`` (a day, or ``YYYY`` / ``YYYY-MM`` text counting to its last day: `iokg.dates.AsOf`),
only assertions whose latest possible date (``iokg:dateTo``) is on or before that day count: a
source dated only 2019-09 counts from 2019-09-30. A hop no assertion backs by then is left out,
and so are the chains through it.

Not every hop carries an attribution on. An ``overlapsWith`` hop (the two share some accounts or
content) and a qualified ``partOf`` hop ("partly part of": the claim has a qualifier) do not: what
the larger campaign is attributed to is not thereby the smaller one's. Such a hop has
``carries_attribution`` false and a ``caveat`` in words; a chain running on past it has
``attribution_carried`` false and says where it stops carrying (`Chain.caveat`). The chains are
still listed, so a reader sees where they lead, but never as the start entity's attribution.

>>> hop_kind("overlapsWith", None), hop_kind("partOf", None), hop_kind("partOf", "partly")
('overlap', 'part-of', 'partly-part-of')
>>> sorted(NOT_CARRIED)
['overlap', 'partly-part-of']
"""

from __future__ import annotations

import datetime as dt

from iokg import vocab
from iokg.dates import AsOf
from iokg.errors import EntityNotFound
from iokg.provenance import rows as r
from iokg.provenance.lookups import check_id
from iokg.provenance.models import AttributionView, Chain, Hop, Ref
from iokg.queries import run_named as run

#: At most this many chains are listed (hops are always complete); `truncated` says when cut.
MAX_CHAINS = 200


#: Hop kinds that do not carry an attribution on to what follows them.
NOT_CARRIED = frozenset({"overlap", "partly-part-of"})
_KINDS = {"attributedTo": "attribution", "partOf": "part-of", "overlapsWith": "overlap",
          "subOrganizationOf": "sub-organization"}


def parse_as_of(as_of: AsOf | dt.date | str | None) -> dt.date | None:
    """The last day ``as_of`` stands for: an `AsOf` parsed where the request entered, a day, or text
    (`iokg.dates.AsOf`); None for none; `InvalidQuery` if malformed."""
    when = as_of if isinstance(as_of, AsOf) else AsOf.optional(as_of)
    return when.last_day if when else None


def hop_kind(predicate: str, qualifier: str | None) -> str:
    """What kind of hop a claim makes: ``attribution``, ``part-of``, ``partly-part-of`` (a partOf
    claim with a qualifier), ``overlap`` or ``sub-organization``."""
    if predicate == "partOf" and qualifier:
        return "partly-part-of"
    return _KINDS.get(predicate, predicate)


def caveat(kind: str, subject: Ref, obj: Ref, qualifier: str | None = None) -> str | None:
    """Why a hop of ``kind`` does not carry an attribution on, in words; None when it does."""
    s, o = subject.label or subject.id, obj.label or obj.id
    if kind == "overlap":
        return (f"{s} overlaps with {o}: attribution not carried. They share some accounts or content; "
                f"what {o} is attributed to is not thereby {s}'s attribution.")
    if kind == "partly-part-of":
        return (f"{s} is only partly part of {o} ({qualifier}): attribution not carried. What {o} is "
                f"attributed to is not thereby {s}'s attribution.")
    return None


def attribution(store, id: str, as_of: AsOf | dt.date | str | None = None) -> AttributionView:
    """The attribution hops reachable from entity ``id`` and the chains they make."""
    check_id("entity", id)
    when = parse_as_of(as_of)
    head_rows = run(store, "entity", entity=id)
    if not head_rows:
        raise EntityNotFound(f"no entity with id '{id}'")
    head = head_rows[0]
    start = r.ref(r.text(head, "entity"), r.text(head, "label"), r.text(head, "class"))
    params = {"entity": id}
    if when is not None:
        params["as_of"] = when
    rows = run(store, "attribution", **params)

    by_claim: dict[str, list[dict]] = {}
    for row in rows:
        by_claim.setdefault(r.text(row, "claim"), []).append(row)
    edges: dict[str, list[Hop]] = {}  # subject IRI -> hops leaving it
    for iri, claim_rows in by_claim.items():
        summary = r.claim_summary(claim_rows[0])
        groups = r.group_by_stance([r.assertion(x) for x in claim_rows])
        kind = hop_kind(summary.predicate.key, summary.qualifier)
        hop = Hop(claim=summary.id, label=summary.label, predicate=summary.predicate, subject=summary.subject,
                  object=summary.object, qualifier=summary.qualifier, kind=kind,
                  carries_attribution=kind not in NOT_CARRIED,
                  caveat=caveat(kind, summary.subject, summary.object, summary.qualifier),
                  assertions=groups, supported=bool(groups.supports), contested=bool(groups.disputes or groups.denies))
        edges.setdefault(hop.subject.iri, []).append(hop)
    for hops in edges.values():
        hops.sort(key=lambda h: (h.predicate.key != "partOf", h.predicate.key, h.object.id))

    # hops: everything reachable from the start over hop edges (the query may reach a little more)
    reachable, todo, seen = [], [start.iri], {start.iri}
    while todo:
        node = todo.pop(0)
        for hop in edges.get(node, []):
            reachable.append(hop)
            if hop.object.iri not in seen:
                seen.add(hop.object.iri)
                todo.append(hop.object.iri)

    chains: list[Chain] = []
    truncated = False

    def walk(node: str, path_nodes: list[str], hops: list[Hop]) -> None:
        nonlocal truncated
        nexts = [h for h in edges.get(node, []) if h.object.iri not in path_nodes]
        if not nexts:
            if hops:
                if len(chains) >= MAX_CHAINS:
                    truncated = True
                    return
                stop = next((h for h in hops[:-1] if not h.carries_attribution), None)
                chains.append(Chain(nodes=[r.ref(n).id for n in path_nodes], hops=[h.claim for h in hops],
                                    supported=all(h.supported for h in hops), attribution_carried=stop is None,
                                    not_carried_at=stop.claim if stop else None,
                                    caveat=(f"Attribution not carried past “{stop.label}”: what follows is said of "
                                            f"{stop.object.label or stop.object.id}, not of {start.label}.")
                                    if stop else None))
            return
        for hop in nexts:
            if truncated:
                return
            walk(hop.object.iri, path_nodes + [hop.object.iri], hops + [hop])

    walk(start.iri, [start.iri], [])

    note = None
    if start.type not in vocab.OPERATIONS:
        if start.type in ("organization", "state-entity"):
            note = (f"{start.label} is a {start.type}: chains from it follow only subOrganizationOf, "
                    "the bodies it sits in. Attribution chains start at a cluster or campaign.")
        else:
            note = (f"{start.label} is a {start.type}; attribution chains start at a cluster or campaign"
                    + ("." if not reachable else ", but some hops lead from it."))
    elif not reachable:
        note = "No source attributes this operation" + (f" as of {when.isoformat()}." if when else ".")
    return AttributionView(entity=start, as_of=when, hops=reachable, chains=chains, truncated=truncated,
                           note=note)
