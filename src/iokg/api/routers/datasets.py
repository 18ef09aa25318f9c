"""``/datasets``: imported takedown archives, their analyses, and the read-only SQL door.

JSON by default; CSV with ``Accept: text/csv`` or ``format=csv`` (``format`` wins). The core is
`iokg.datasets` (no HTTP there): this module reads parameters, picks the format and sends bytes.
Routes are plain ``def`` or run the core in the thread pool, so a DuckDB query never blocks the
event loop.

- ``GET /datasets``: the imported datasets;
- ``GET|POST /datasets/sql``: one read-only SQL query (``sql``) over every dataset;
- ``GET /datasets/{id}``: one dataset's manifest (files and SHA-256s, counts, bad rows);
- ``GET /datasets/{id}/{analysis}``: one of `iokg.datasets.analyses.ANALYSES`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from iokg.api.routers.sparql import ROW_LIMIT_HEADER, TRUNCATED_HEADER, read_body
from iokg.datasets.analyses import ANALYSES, Analysis
from iokg.datasets.catalog import DatasetStore, Table
from iokg.datasets.layout import check_dataset_id
from iokg.datasets.output import csv_text, jsonable
from iokg.errors import InvalidQuery
from iokg.sparql import protocol
from iokg.sparql.protocol import NotAcceptable, Offer, ProtocolError, UnsupportedMediaType

router = APIRouter(tags=["datasets"])

JSON, CSV = "application/json", "text/csv"
OFFERS = (Offer(JSON, JSON), Offer(CSV, CSV))
FORMATS = {"json": JSON, "csv": CSV}


def _store(request: Request) -> DatasetStore:
    return request.app.state.datasets


def _media_type(request: Request, format_name: str | None) -> str:
    """JSON or CSV: the ``format`` parameter, else the ``Accept`` header (406 if neither fits)."""
    if format_name is not None:
        if format_name not in FORMATS:
            raise ProtocolError(f"format must be json or csv, got '{format_name[:20]}'")
        return FORMATS[format_name]
    offer = protocol.negotiate(request.headers.get("accept"), OFFERS)
    if offer is None:
        raise NotAcceptable("this route answers application/json or text/csv")
    return offer.serves


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(f"`{name}` given {len(values)} times; give it once")
    return values[0] if values else None


def _answer(media_type: str, body: dict[str, Any], columns: list[str], rows: list, filename: str,
            headers: dict[str, str] | None = None) -> Response:
    headers = {"Vary": "Accept", **(headers or {})}
    if media_type == CSV:
        headers["Content-Disposition"] = f'inline; filename="{filename}.csv"'
        return Response(csv_text(columns, rows), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse(jsonable(body), headers=headers)


@router.get("/datasets", summary="The imported datasets")
def list_datasets(request: Request) -> Response:
    """Every imported dataset: id, title, kind, when imported, counts, time range, files."""
    format_name = _single(list(request.query_params.multi_items()), "format")
    media_type = _media_type(request, format_name)
    items = [_summary(m) for m in _store(request).manifests().values()]
    columns = ["id", "title", "kind", "imported_at", "accounts", "tweets", "bad_rows", "first_tweet", "last_tweet"]
    rows = [[i["id"], i["title"], i["kind"], i["imported_at"], i["counts"]["accounts"], i["counts"]["tweets"],
             i["counts"]["bad_rows"], i["time_range"]["first_tweet"], i["time_range"]["last_tweet"]] for i in items]
    return _answer(media_type, {"datasets": items}, columns, rows, "datasets")


def _summary(m: dict[str, Any]) -> dict[str, Any]:
    return {"id": m["id"], "title": m["title"], "kind": m["kind"], "imported_at": m["imported_at"],
            "counts": m["counts"], "time_range": m["time_range"],
            "files": [{"name": f["name"], "bytes": f["bytes"], "sha256": f["sha256"]} for f in m["files"]],
            "href": f"/datasets/{m['id']}", "page": f"/d/{m['id']}"}


# -- the SQL door ------------------------------------------------------------------------------
@router.get("/datasets/sql", summary="One read-only SQL query over the imported datasets")
async def sql_get(request: Request) -> Response:
    """Run the read-only query in the ``sql`` parameter over the views ``tweets``, ``users``,
    ``rejects`` and the table ``datasets``. JSON by default; CSV by ``Accept: text/csv`` or
    ``format=csv``."""
    return await _sql(request)


@router.post("/datasets/sql", summary="One read-only SQL query over the imported datasets (form or JSON body)")
async def sql_post(request: Request) -> Response:
    """The same as ``GET``, with ``sql`` (and ``format``) in an
    ``application/x-www-form-urlencoded`` or ``application/json`` body."""
    return await _sql(request)


async def _sql(request: Request) -> Response:
    settings = request.app.state.settings
    query_string = request.scope.get("query_string", b"")
    protocol.check_size(len(query_string), settings.max_request_bytes)
    params = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if request.method == "POST":
        body = await read_body(request, settings.max_request_bytes)
        params += _body_params(request.headers.get("content-type"), body)
    sql = _single(params, "sql")
    media_type = _media_type(request, _single(params, "format"))
    if sql is None:
        raise ProtocolError("missing `sql`: send one read-only SELECT (or WITH …) query in the `sql` parameter")
    table: Table = await run_in_threadpool(_store(request).run_user_sql, sql)
    headers = {}
    if table.truncated:
        headers = {TRUNCATED_HEADER: "true", ROW_LIMIT_HEADER: str(table.row_limit)}
    body = {"columns": [{"name": c, "type": t} for c, t in zip(table.columns, table.types)],
            "rows": [list(r) for r in table.rows], "truncated": table.truncated, "row_limit": table.row_limit}
    return _answer(media_type, body, table.columns, table.rows, "iokg-sql", headers)


def _body_params(content_type: str | None, body: bytes) -> list[tuple[str, str]]:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the request body is not UTF-8 text") from None
    if media == protocol.FORM:
        return parse_qsl(text, keep_blank_values=True)
    if media == "application/json":
        try:
            data = json.loads(text)
        except ValueError:
            raise ProtocolError("the JSON body is not valid JSON") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ProtocolError('the JSON body must be an object of strings, e.g. {"sql": "SELECT 1"}')
        return list(data.items())
    raise UnsupportedMediaType("send the SQL as application/x-www-form-urlencoded (sql=…) or application/json "
                               '({"sql": "…"})')


# -- one dataset -------------------------------------------------------------------------------
@router.get("/datasets/{id}", summary="One dataset: its files, counts and bad rows")
def dataset(request: Request, id: str) -> Response:  # noqa: A002 - the path parameter is the id
    """The dataset's manifest: the release files with their SHA-256, the tables read, counts, the
    time range and the bad rows (first 1,000; every one is in ``rejects``). CSV: the tables read."""
    format_name = _single(list(request.query_params.multi_items()), "format")
    media_type = _media_type(request, format_name)
    manifest = _store(request).manifest(_dataset_id(id))
    body = {**manifest, "analyses": {name: f"/datasets/{id}/{name}" for name in ANALYSES}, "page": f"/d/{id}"}
    columns = ["file", "kind", "rows", "bad_rows"]
    rows = [[t["file"], t["kind"], t["rows"], t["bad_rows"]] for t in manifest["tables"]]
    return _answer(media_type, body, columns, rows, id)


def _dataset_id(text: str) -> str:
    from iokg.errors import DatasetNotFound

    try:
        return check_dataset_id(text)
    except InvalidQuery:
        raise DatasetNotFound(f"no dataset with id '{text[:80]}'") from None


def _analysis_route(analysis: Analysis):
    def route(request: Request, id: str) -> Response:  # noqa: A002
        params = list(request.query_params.multi_items())
        format_name = _single(params, "format")
        media_type = _media_type(request, format_name)
        raw: dict[str, str] = {}
        for name, _ in params:
            if name != "format":
                raw[name] = _single(params, name) or ""
        store = _store(request)
        store.manifest(_dataset_id(id))  # 404 before parameters are judged
        from iokg.datasets.analyses import run_analysis

        result = run_analysis(store, id, analysis.name, raw)
        return _answer(media_type, result.body, result.columns, result.rows, f"{id}-{analysis.name}")

    route.__name__ = f"analysis_{analysis.name.replace('-', '_')}"
    route.__doc__ = f"{analysis.description} JSON by default; CSV by `Accept: text/csv` or `format=csv`."
    return route


def _openapi_params(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for p in analysis.params:
        schema: dict[str, Any] = {"type": "integer" if p.kind in ("int", "hour") else "string"}
        default = ",".join(map(str, p.default)) if isinstance(p.default, list) else p.default
        schema["default"] = default
        if p.choices:
            schema["enum"] = list(p.choices)
        out.append({"name": p.name, "in": "query", "required": False, "description": p.description,
                    "schema": schema})
    out.append({"name": "format", "in": "query", "required": False, "description": "json or csv (overrides Accept)",
                "schema": {"type": "string", "enum": ["json", "csv"]}})
    return out


for _analysis in ANALYSES.values():
    router.add_api_route(f"/datasets/{{id}}/{_analysis.name}", _analysis_route(_analysis), methods=["GET"],
                         summary=_analysis.title, name=f"dataset_{_analysis.name.replace('-', '_')}",
                         response_class=Response, openapi_extra={"parameters": _openapi_params(_analysis)})
