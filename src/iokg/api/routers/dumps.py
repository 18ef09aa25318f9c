"""The whole graph as files: ``/dumps/`` (the list), ``/dumps/{name}`` (TriG, N-Quads,
JSON-LD, each also gzipped; the STIX 2.1 bundle; claims.csv) and ``/.well-known/void`` (the VoID / DCAT description).

The files are those `iokg build` wrote into the build being served (`iokg.export.dumps`), sent
as they are. Their ``ETag`` names the build and the file, their ``Last-Modified`` is the build's
time; ``If-None-Match`` and ``If-Modified-Since`` give ``304 Not Modified``, so a client
downloads a dump again only after a new build.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from iokg.errors import EntityNotFound
from iokg.export import dumps
from iokg.export.void import PATH as VOID_PATH
from iokg.export.void import void_description
from iokg.sparql.negotiation import GRAPH_OFFERS, HTML, Offer, negotiate, offered_media_types
from iokg.sparql.protocol import NotAcceptable
from iokg.store import resolve_store
from iokg.web.templating import render

router = APIRouter(tags=["dumps"])

#: Dumps change only with a new build: a client may keep them, but asks again each time.
CACHE_CONTROL = "public, no-cache"
_LIST_OFFERS = (Offer("application/json", "application/json"), Offer(HTML, HTML))


class DumpInfo(BaseModel):
    name: str
    url: str
    format: str = Field(description="TriG, N-Quads, JSON-LD, STIX 2.1 or CSV.")
    media_type: str = Field(description="What the file is sent as (application/gzip when compressed).")
    compressed: bool
    bytes: int
    sha256: str


class GraphInfo(BaseModel):
    name: str = Field(description="The named graph's IRI.")
    triples: int


class DumpList(BaseModel):
    build: str = Field(description="The id of the build the dumps were made by.")
    built: dt.datetime
    triples: int
    graphs: list[GraphInfo]
    dumps: list[DumpInfo]
    void: str = Field(description="URL of the VoID / DCAT description.")
    sparql: str


def _folder(request: Request) -> Path:
    return dumps.dumps_folder(resolve_store(request.app.state.settings.store))


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _validators(manifest: dumps.Manifest, what: str) -> dict[str, str]:
    return {
        "ETag": f'"{manifest.build}/{what}"',
        "Last-Modified": format_datetime(manifest.built, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }


def not_modified(request: Request, etag: str, built: dt.datetime) -> bool:
    """Whether the client's copy is current: its ``If-None-Match`` names ``etag`` (or ``*``),
    or, without ``If-None-Match``, its ``If-Modified-Since`` is not before ``built``."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return built.replace(microsecond=0) <= when


@router.get("/dumps/", name="dumps", response_model=DumpList,
            summary="The dumps of the whole graph, with sizes and checksums (HTML for browsers)")
def list_dumps(request: Request):
    manifest = dumps.read_manifest(_folder(request))
    base = _base(request)
    listing = DumpList(
        build=manifest.build, built=manifest.built, triples=manifest.triples,
        graphs=[GraphInfo(name=g, triples=n) for g, n in manifest.graphs.items()],
        dumps=[DumpInfo(name=f.name, url=f"{base}/dumps/{f.name}", format=f.format,
                        media_type=f.media_type, compressed=f.compressed, bytes=f.bytes,
                        sha256=f.sha256) for f in manifest.files],
        void=base + VOID_PATH, sparql=base + "/sparql")
    offer = negotiate(request.headers.get("accept"), _LIST_OFFERS)
    if offer is not None and offer.serves == HTML:
        response = render(request, "dumps.html", {"listing": listing})
    else:
        response = JSONResponse(listing.model_dump(mode="json"))
    response.headers["Vary"] = "Accept"
    return response


@router.head("/dumps/{name}", include_in_schema=False)
@router.get("/dumps/{name}", name="dump", response_class=FileResponse,
            summary="One dump: iokg.trig, iokg.nq or iokg.jsonld, each also .gz; iokg.stix.json; claims.csv",
            responses={200: {"content": {"application/trig": {}, "application/n-quads": {},
                                         "application/ld+json": {}, "application/gzip": {},
                                         "application/stix+json;version=2.1": {}, "text/csv": {}}},
                       304: {"description": "Not modified since the client's copy (same build)."}})
def dump(request: Request, name: str):
    folder = _folder(request)
    manifest = dumps.read_manifest(folder)
    file = manifest.file(name)
    if file is None:
        raise EntityNotFound(f"no dump named '{name}'; the dumps are: "
                             + ", ".join(f.name for f in manifest.files))
    headers = _validators(manifest, file.name)
    if not_modified(request, headers["ETag"], manifest.built):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return FileResponse(folder / file.name, media_type=file.media_type, headers=headers)


@router.get(VOID_PATH, name="void", response_class=Response,
            summary="VoID / DCAT description of the dataset (Turtle by default; negotiable)",
            responses={200: {"content": {o.serves: {} for o in GRAPH_OFFERS}}})
def void(request: Request):
    offer = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
    if offer is None:
        raise NotAcceptable("no acceptable format for the dataset description; try "
                            + offered_media_types(GRAPH_OFFERS))
    manifest = dumps.read_manifest(_folder(request))
    headers = {**_validators(manifest, "void." + offer.serves), "Vary": "Accept"}
    if not_modified(request, headers["ETag"], manifest.built):
        return Response(status_code=304, headers=headers)
    body = void_description(manifest, _base(request), offer.serves)
    return Response(body, media_type=offer.serves, headers=headers)
