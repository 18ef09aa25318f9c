"""The attribution chain picture: an SVG drawn on the server from an `AttributionView`.

The chains (cluster → campaign → actor → the body it sits in) are drawn as a tree read top down:
the start entity first, each hop one row lower and indented, so every chain reads down one
branch. An entity reached by two chains appears on both. Each edge is labelled with its predicate
and its independent origins (how many asserting parties support it, and their short names with the
year each first said it: "Graphika 2019"); a hop some party disputes or denies is drawn dashed and
labelled "CONTESTED" with the parties that contest it; a hop no party supports is dotted and says
so. Parties are named, not the documents we read them in: a relay counts for the party it records.
Styling is in presentation attributes (no ``style``), so the picture obeys the pages'
Content-Security-Policy and also stands alone as an ``.svg`` file.

>>> from iokg.provenance.models import AttributionView, Ref
>>> start = Ref(id="x", kind="entity", iri="https://w3id.org/iokg/id/entity/x", label="X", type="cluster")
>>> attribution_svg(AttributionView(entity=start, hops=[], chains=[])) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from iokg.provenance.corroboration import from_assertions
from iokg.provenance.models import AttributionView, Hop, Ref
from iokg.web.presentation import STANCE_LABELS, entity_type_label, parties_with_years, said_by_text

LEFT, TOP = 8, 8
INDENT = 34
LINE = 17  # height of one line of edge label
BOX_H = 30
GAP = 12
NODE_FONT, EDGE_FONT = 14, 12
NODE_CHAR, EDGE_CHAR = 8.4, 6.6  # average character widths, for sizing boxes and the canvas
MAX_NAMES = 4

INK, MUTED, CONTESTED, PANEL, START = "#1b1f24", "#4a5562", "#b42318", "#f4f6f8", "#13233a"
STYLE = {  # edge kind -> (stroke, dash array, marker id)
    "supported": (INK, None, "arrow-supported"),
    "contested": (CONTESTED, "7 4", "arrow-contested"),
    "unsupported": (MUTED, "2 4", "arrow-unsupported"),
}


@dataclass
class Node:
    ref: Ref
    hop: Hop | None  # the hop leading here; None for the start entity
    depth: int
    children: list[Node] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # edge label lines: (text, colour)
    x: float = 0
    y: float = 0  # top of the box


def chain_tree(view: AttributionView) -> Node:
    """The chains of ``view`` as a tree from its start entity (shared beginnings merged)."""
    hops = {h.claim: h for h in view.hops}
    root = Node(view.entity, None, 0)
    for chain in view.chains:
        node = root
        for claim_id in chain.hops:
            hop = hops[claim_id]
            child = next((c for c in node.children if c.hop and c.hop.claim == claim_id), None)
            if child is None:
                child = Node(hop.object, hop, node.depth + 1)
                node.children.append(child)
            node = child
    return root


def edge_kind(hop: Hop) -> str:
    if not hop.supported:
        return "unsupported"
    return "contested" if hop.contested else "supported"


def _names(assertions) -> str:
    """The parties of ``assertions`` in short, earliest first (``Graphika 2019, Meta 2023 +2 more``)."""
    names = parties_with_years(assertions)
    more = len(names) - MAX_NAMES
    return ", ".join(names[:MAX_NAMES]) + (f" +{more} more" if more > 0 else "")


def origins(n: int) -> str:
    return f"{n} independent origin{'s' if n != 1 else ''}"


def edge_lines(hop: Hop) -> list[tuple[str, str]]:
    """The label of a hop, line by line, with each line's colour."""
    g = hop.assertions
    n = from_assertions(g).independent_origins
    if n:
        first = f"{hop.predicate.label} — {origins(n)}: {_names(g.supports)}"
    else:
        first = f"{hop.predicate.label} — NOT SUPPORTED: no party supports this"
    lines = [(first, INK if n else MUTED)]
    against = [f"{word} {_names(items)}" for word, items in (("disputed by", g.disputes), ("denied by", g.denies))
               if items]
    if against:
        lines.append(("CONTESTED — " + "; ".join(against), CONTESTED))
    if g.inconclusive:
        lines.append((f"inconclusive: {_names(g.inconclusive)}", MUTED))
    return lines


def node_text(ref: Ref) -> tuple[str, str]:
    return ref.label or ref.id, entity_type_label(ref.type)


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def describe(view: AttributionView) -> str:
    """The chains in words, one sentence each (the picture's text alternative)."""
    hops = {h.claim: h for h in view.hops}
    sentences = []
    for chain in view.chains:
        words = [view.entity.label or view.entity.id]
        for claim_id in chain.hops:
            hop = hops[claim_id]
            state = origins(from_assertions(hop.assertions).independent_origins)
            if hop.contested:
                state += ", contested"
            words.append(f"{hop.predicate.label} ({state}) {hop.object.label or hop.object.id}")
        sentences.append(" ".join(words) + ".")
    return " ".join(sentences)


def attribution_svg(view: AttributionView, *, standalone: bool = False) -> str | None:
    """The picture as SVG markup, or None when ``view`` has no chain to draw. ``standalone``
    adds the XML namespace and a font, for serving as an ``.svg`` file."""
    if not view.chains:
        return None
    root = chain_tree(view)
    nodes = list(_walk(root))
    y = TOP
    width = 0.0
    for node in nodes:
        node.x = LEFT + node.depth * INDENT
        if node.hop is not None:
            node.lines = edge_lines(node.hop)
            y += LINE * len(node.lines) + 2
            width = max(width, node.x + max(len(t) for t, _ in node.lines) * EDGE_CHAR + 8)
        node.y = y
        label, kind = node_text(node.ref)
        node_width = len(label) * NODE_CHAR + len(kind) * EDGE_CHAR + 30
        width = max(width, node.x + node_width + 8)
        y += BOX_H + GAP
    height = y
    when = f" as of {view.as_of.isoformat()}" if view.as_of else ""
    title = f"Attribution chains from {view.entity.label}{when}"
    out = []
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    font = ' font-family="system-ui, -apple-system, Segoe UI, DejaVu Sans, sans-serif"'
    out.append(f'<svg{ns} class="chain-svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
               f'height="{height:.0f}" role="img" aria-labelledby="chain-title chain-desc"{font}>')
    out.append(f'<title id="chain-title">{escape(title)}</title>')
    out.append(f'<desc id="chain-desc">{escape(describe(view))}</desc>')
    out.append("<defs>")
    for stroke, _, marker in STYLE.values():
        out.append(f'<marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{stroke}"/></marker>')
    out.append("</defs>")
    for node in nodes:  # edges first, so boxes sit on top of line ends
        previous_y = None  # where the last sibling's connector left the trunk
        for child in node.children:
            hop = child.hop
            kind = edge_kind(hop)
            stroke, dash, marker = STYLE[kind]
            trunk_x = node.x + 14
            start_y = previous_y if previous_y is not None else node.y + BOX_H
            mid_y = child.y + BOX_H / 2
            previous_y = mid_y
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            tooltip = f"{hop.label}: " + "; ".join(
                f"{STANCE_LABELS[s].lower()}: " + ", ".join(
                    f"{said_by_text(a)} in {a.source.title} ({a.source.publisher}, {a.source.date})"
                    for a in getattr(hop.assertions, s))
                for s in ("supports", "disputes", "denies", "inconclusive") if getattr(hop.assertions, s))
            out.append(f'<g class="hop hop--{kind}" data-claim="{escape(hop.claim)}" '
                       f'data-from="{escape(node.ref.id)}" data-to="{escape(child.ref.id)}">')
            out.append(f"<title>{escape(tooltip)}</title>")
            out.append(f'<path d="M{trunk_x},{start_y} V{mid_y} H{child.x - 1}" fill="none" stroke="{stroke}" '
                       f'stroke-width="2"{dash_attr} marker-end="url(#{marker})"/>')
            text_y = child.y - 2 - LINE * len(child.lines) + EDGE_FONT
            for i, (line, colour) in enumerate(child.lines):
                weight = ' font-weight="600"' if colour == CONTESTED else ""
                out.append(f'<text class="hop__label" x="{child.x}" y="{text_y + i * LINE}" font-size="{EDGE_FONT}" '
                           f'fill="{colour}"{weight}>{escape(line)}</text>')
            out.append("</g>")
    for node in nodes:
        label, kind = node_text(node.ref)
        is_start = node.hop is None
        w = len(label) * NODE_CHAR + len(kind) * EDGE_CHAR + 30
        fill, ink, sub = (START, "#ffffff", "#d7e1ec") if is_start else (PANEL, INK, MUTED)
        out.append(f'<g class="node{" node--start" if is_start else ""}" data-entity="{escape(node.ref.id)}">')
        out.append(f'<rect x="{node.x}" y="{node.y}" width="{w:.0f}" height="{BOX_H}" rx="4" fill="{fill}" '
                   f'stroke="{START}" stroke-width="{2 if is_start else 1}"/>')
        out.append(f'<text x="{node.x + 10}" y="{node.y + 20}" font-size="{NODE_FONT}" fill="{ink}" '
                   f'font-weight="600">{escape(label)}<tspan font-size="{EDGE_FONT}" font-weight="400" '
                   f'fill="{sub}"> · {escape(kind)}</tspan></text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def empty_svg(message: str) -> str:
    """A standalone SVG that only says ``message`` (an entity with no chain to draw)."""
    width = len(message) * EDGE_CHAR + 16
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} 30" width="{width:.0f}" '
            f'height="30" role="img" aria-label="{escape(message)}"><text x="8" y="20" font-size="{EDGE_FONT}" '
            f'fill="{INK}" font-family="system-ui, sans-serif">{escape(message)}</text></svg>')
