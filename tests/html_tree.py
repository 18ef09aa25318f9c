"""A small HTML tree for tests: parse a page with `html.parser` and find elements by tag, id,
class or attribute, then read their text. (No regex over HTML.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> Iterator[Element]:
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None, id: str | None = None,
                 **attrs: str) -> list[Element]:
        out = []
        for e in self.iter():
            if e is self:
                continue
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes:
                continue
            if id and e.attrs.get("id") != id:
                continue
            if any(e.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(e)
        return out

    def find(self, tag: str | None = None, **kw) -> Element:
        found = self.find_all(tag, **kw)
        assert found, f"no <{tag or '*'}> with {kw}"
        return found[0]

    def text(self) -> str:
        parts: list[str] = []

        def walk(e: Element) -> None:
            for c in e.children:
                if isinstance(c, str):
                    parts.append(c)
                else:
                    walk(c)
        walk(self)
        return " ".join("".join(parts).split())

    def ancestors(self) -> Iterator[Element]:
        e = self.parent
        while e is not None:
            yield e
            e = e.parent

    def links(self) -> list[str]:
        return [a.attrs.get("href") or "" for a in self.find_all("a")]


class _Builder(HTMLParser):
    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root
        self.base = base

    def _attrs(self, attrs) -> dict[str, str | None]:
        out = dict(attrs)
        for name in ("href", "src", "action"):
            value = out.get(name)
            if self.base and value and value.startswith(self.base + "/"):
                out[name] = value[len(self.base):]
        return out

    def handle_starttag(self, tag, attrs):
        e = Element(tag, self._attrs(attrs), parent=self.current)
        self.current.children.append(e)
        if tag not in VOID:
            self.current = e

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, self._attrs(attrs), parent=self.current))

    def handle_endtag(self, tag):
        e = self.current
        while e is not None and e.tag != tag:
            e = e.parent
        if e is not None and e.parent is not None:
            self.current = e.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str, base: str | None = None) -> Element:
    """The tree of ``html``; links (href, src, action) starting with ``base`` are made relative to it."""
    b = _Builder(base)
    b.feed(html)
    b.close()
    return b.root
