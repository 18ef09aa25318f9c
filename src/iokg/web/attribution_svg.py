"""The attribution chain picture: an SVG drawn on the server from an `AttributionView`.

The chains (cluster → campaign → actor → the body it sits in) are drawn as a tree read top down:
the start entity first, each hop one row lower and indented, so every chain reads down one
branch. An entity reached by two chains appears on both. Each edge is labelled with its predicate
and its independent origins (how many asserting parties support it, and their short names with the
year each first said it: "Graphika 2019"); a hop some party disputes or denies is drawn dashed and
labelled "CONTESTED" with the parties that contest it; a hop no party supports is dotted and says
so. A hop that carries no attribution on (an overlap, a partial membership: `iokg.provenance.attribution`)
is drawn long-dashed in blue and labelled "overlaps with — attribution not carried", with a line
saying that what follows is said of the other campaign, not of the start entity. Parties are named,
not the documents we read them in: a relay counts for the party it records.

Labels are never cut: every name is whole, every party listed, and a long label is wrapped onto
several lines at word boundaries (`wrap`); boxes are sized to their wrapped text, estimated from
per-character widths of a wide sans-serif (`text_width`), so they err on the roomy side. The
standalone file also carries a tooltip per hop naming each assertion and where it is read; the
picture inlined in a page leaves them out (the page's cards and claim pages say it).
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
NODE_LINE = 18  # height of one line of a box's text
BOX_PAD = 12  # a box's height beyond its lines
GAP = 12
NODE_FONT, EDGE_FONT = 14, 12
EDGE_WRAP = 72  # characters per line of edge label, at most (a longer word stays whole)
NODE_WRAP = 44  # characters per line of a box's name

INK, MUTED, CONTESTED, PANEL, START, OVERLAP = "#1b1f24", "#4a5562", "#b42318", "#f4f6f8", "#13233a", "#1f5fa8"
STYLE = {  # edge kind -> (stroke, dash array, marker id)
    "supported": (INK, None, "arrow-supported"),
    "contested": (CONTESTED, "7 4", "arrow-contested"),
    "unsupported": (MUTED, "2 4", "arrow-unsupported"),
    "not-carried": (OVERLAP, "12 5", "arrow-not-carried"),
}

# Widths of characters in em, for a wide sans-serif (DejaVu Sans, bold for box names): generous,
# so that a box holds its text in any usual font.
_NARROW, _WIDE = set("iljftrI.,;:'!|() -’"), set("mwMW@%")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of ``text``'s width in pixels at font size ``size``, on the wide side.

    >>> text_width("MPS", 14) > text_width("iii", 14)
    True
    """
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.36
        elif ch in _WIDE:
            em += 0.98
        elif ch.isupper() or ch.isdigit():
            em += 0.74
        else:
            em += 0.64
    return em * size * (1.08 if bold else 1.0)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken between words; no word is cut.

    >>> wrap("denied by Embassy of the People's Republic of China in Washington 2023", 30)
    ['denied by Embassy of the', "People's Republic of China in", 'Washington 2023']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass
class Node:
    ref: Ref
    hop: Hop | None  # the hop leading here; None for the start entity
    depth: int
    children: list[Node] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)  # edge label lines: (text, colour)
    name_lines: list[str] = field(default_factory=list)  # the box's name, wrapped
    width: float = 0
    height: float = 0
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
    if not hop.carries_attribution:
        return "not-carried"
    return "contested" if hop.contested else "supported"


def _names(assertions) -> str:
    """Every party of ``assertions``, whole, earliest first (``Graphika 2019, Meta Platforms 2023``)."""
    return ", ".join(parties_with_years(assertions))


def origins(n: int) -> str:
    return f"{n} independent origin{'s' if n != 1 else ''}"


def edge_lines(hop: Hop) -> list[tuple[str, str]]:
    """The label of a hop, line by line, with each line's colour."""
    g = hop.assertions
    n = from_assertions(g).independent_origins
    predicate = hop.predicate.label + (f" ({hop.qualifier})" if hop.kind == "partly-part-of" else "")
    lines = []
    if not hop.carries_attribution:
        lines.append((f"{predicate} — attribution not carried", OVERLAP))
        lines.append((f"what follows is said of {hop.object.label or hop.object.id}, not of "
                      f"{hop.subject.label or hop.subject.id}", OVERLAP))
    if n:
        first = (f"{predicate} — " if hop.carries_attribution else "") + f"{origins(n)}: {_names(g.supports)}"
    else:
        first = f"{predicate} — NOT SUPPORTED: no party supports this"
    lines.append((first, INK if n else MUTED))
    against = [f"{word} {_names(items)}" for word, items in (("disputed by", g.disputes), ("denied by", g.denies))
               if items]
    if against:
        lines.append(("CONTESTED — " + "; ".join(against), CONTESTED))
    if g.inconclusive:
        lines.append((f"inconclusive: {_names(g.inconclusive)}", MUTED))
    return lines


def wrapped(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``lines`` wrapped to `EDGE_WRAP` characters, each piece in its line's colour."""
    return [(piece, colour) for text, colour in lines for piece in wrap(text, EDGE_WRAP)]


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
            if not hop.carries_attribution:
                state += ", attribution not carried"
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
            node.lines = wrapped(edge_lines(node.hop))
            y += LINE * len(node.lines) + 2
            width = max(width, node.x + max(text_width(t, EDGE_FONT, c == CONTESTED) for t, c in node.lines) + 8)
        node.y = y
        label, kind = node_text(node.ref)
        node.name_lines = wrap(label, NODE_WRAP)
        kind_width = text_width(f" · {kind}", EDGE_FONT)
        widths = [text_width(t, NODE_FONT, True) for t in node.name_lines]
        widths[-1] += kind_width  # the type follows the last line of the name
        node.width = max(widths) + 20
        node.height = NODE_LINE * len(node.name_lines) + BOX_PAD
        width = max(width, node.x + node.width + 8)
        y += node.height + GAP
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
            start_y = previous_y if previous_y is not None else node.y + node.height
            mid_y = child.y + min(child.height, NODE_LINE + BOX_PAD) / 2
            previous_y = mid_y
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            tooltip = f"{hop.label}: " + "; ".join(
                f"{STANCE_LABELS[s].lower()}: " + ", ".join(
                    f"{said_by_text(a)} in {a.source.title} ({a.source.publisher}, {a.source.date})"
                    for a in getattr(hop.assertions, s))
                for s in ("supports", "disputes", "denies", "inconclusive") if getattr(hop.assertions, s))
            out.append(f'<g class="hop hop--{kind}" data-claim="{escape(hop.claim)}" '
                       f'data-from="{escape(node.ref.id)}" data-to="{escape(child.ref.id)}" '
                       f'data-kind="{escape(hop.kind)}">')
            if standalone:
                out.append(f"<title>{escape(tooltip)}</title>")
            out.append(f'<path d="M{trunk_x},{start_y} V{mid_y} H{child.x - 1}" fill="none" stroke="{stroke}" '
                       f'stroke-width="2"{dash_attr} marker-end="url(#{marker})"/>')
            text_y = child.y - 2 - LINE * len(child.lines) + EDGE_FONT
            for i, (line, colour) in enumerate(child.lines):
                weight = ' font-weight="600"' if colour in (CONTESTED, OVERLAP) else ""
                out.append(f'<text class="hop__label" x="{child.x}" y="{text_y + i * LINE}" font-size="{EDGE_FONT}" '
                           f'fill="{colour}"{weight}>{escape(line)}</text>')
            out.append("</g>")
    for node in nodes:
        _, kind = node_text(node.ref)
        is_start = node.hop is None
        fill, ink, sub = (START, "#ffffff", "#d7e1ec") if is_start else (PANEL, INK, MUTED)
        out.append(f'<g class="node{" node--start" if is_start else ""}" data-entity="{escape(node.ref.id)}">')
        out.append(f'<rect x="{node.x}" y="{node.y}" width="{node.width:.0f}" height="{node.height}" rx="4" '
                   f'fill="{fill}" stroke="{START}" stroke-width="{2 if is_start else 1}"/>')
        pieces = []
        for i, piece in enumerate(node.name_lines):
            tail = (f'<tspan font-size="{EDGE_FONT}" font-weight="400" fill="{sub}"> · {escape(kind)}</tspan>'
                    if i == len(node.name_lines) - 1 else "")
            position = "" if i == 0 else f' x="{node.x + 10}" dy="{NODE_LINE}"'
            pieces.append(f"<tspan{position}>{escape(piece)}</tspan>{tail}")
        out.append(f'<text x="{node.x + 10}" y="{node.y + 20}" font-size="{NODE_FONT}" fill="{ink}" '
                   f'font-weight="600">{"".join(pieces)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def empty_svg(message: str) -> str:
    """A standalone SVG that only says ``message`` (an entity with no chain to draw)."""
    width = text_width(message, EDGE_FONT) + 16
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} 30" width="{width:.0f}" '
            f'height="30" role="img" aria-label="{escape(message)}"><text x="8" y="20" font-size="{EDGE_FONT}" '
            f'fill="{INK}" font-family="system-ui, sans-serif">{escape(message)}</text></svg>')
