"""The datasets' pages, in HTML: ``/d`` lists the imported takedown archives, ``/d/{id}`` shows
one: what was imported (files with SHA-256, counts, bad rows), posting activity by weekday and
hour in a chosen time zone (``?tz=Asia/Shanghai``) as a heatmap, account creation by month as a
histogram, the top languages, clients and hashtags, and links to every analysis as JSON and CSV.
``/d/{id}/posting-hours.svg`` and ``/d/{id}/account-creation.svg`` are the pictures alone.

The pictures are drawn on the server (`iokg.web.dataset_charts`); no JavaScript. The numbers come
from `iokg.datasets.analyses`, as the JSON routes' do. URLs found in a dataset are shown as
text, never as links.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from iokg.datasets.analyses import ANALYSES, WEEKDAYS, run_analysis
from iokg.datasets.catalog import DatasetStore
from iokg.errors import DatasetNotFound, InvalidQuery
from iokg.web.dataset_charts import describe_heatmap, heatmap_svg, histogram_svg
from iokg.web.templating import CONTENT_SECURITY_POLICY, render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Time zones offered as one-click links on the page (any IANA name can be typed).
QUICK_ZONES = ("UTC", "Asia/Shanghai", "America/New_York", "Europe/London")


def _store(request: Request) -> DatasetStore:
    return request.app.state.datasets


def _not_found(request: Request, error: DatasetNotFound) -> HTMLResponse:
    return render(request, "not_found.html", {"message": str(error), "what": "dataset", "q": ""}, status_code=404)


@router.get("/d", name="datasets_page")
def datasets_page(request: Request) -> HTMLResponse:
    """Every imported dataset, with its counts."""
    return render(request, "datasets.html", {"datasets": list(_store(request).manifests().values())})


@router.get("/d/{id}", name="dataset_page")
def dataset_page(request: Request, id: str) -> HTMLResponse:  # noqa: A002
    """One dataset: summary, heatmap (in ``tz``), creation histogram, top values, links."""
    store = _store(request)
    try:
        manifest = store.manifest(id)
    except DatasetNotFound as e:
        return _not_found(request, e)
    tz = request.query_params.get("tz", "UTC").strip() or "UTC"
    context: dict[str, Any] = {"m": manifest, "tz": tz, "tz_error": None, "quick_zones": QUICK_ZONES,
                               "weekdays": WEEKDAYS, "analyses": ANALYSES}
    status = 200
    try:
        hours = run_analysis(store, id, "posting-hours", {"tz": tz})
    except InvalidQuery as e:
        context["tz_error"] = str(e)
        status = 400
        context["tz"] = tz = "UTC"
        hours = run_analysis(store, id, "posting-hours", {"tz": tz})
    grid = hours.body["weekday_hour"]
    creation = run_analysis(store, id, "account-creation").body
    context.update({
        "grid": grid, "heatmap": heatmap_svg(grid, tz, manifest["title"]), "heatmap_words": describe_heatmap(grid, tz),
        "creation": creation, "histogram": histogram_svg(creation["months"], manifest["title"]),
        "working": run_analysis(store, id, "working-hours", {"tz": tz}).body,
        "languages": run_analysis(store, id, "languages", {}).body["languages"][:10],
        "clients": run_analysis(store, id, "clients", {"limit": 10}).body["clients"],
        "hashtags": run_analysis(store, id, "hashtags", {"limit": 15}).body["hashtags"],
        "retweets": run_analysis(store, id, "retweet-network", {"limit": 5}).body["summary"],
        "replies": run_analysis(store, id, "reply-network", {"limit": 5}).body["summary"],
    })
    return render(request, "dataset.html", context, status_code=status)


def _svg(body: str) -> Response:
    return Response(body, media_type="image/svg+xml", headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                                                                "X-Content-Type-Options": "nosniff"})


@router.get("/d/{id}/posting-hours.svg", name="dataset_heatmap_svg")
def heatmap_file(request: Request, id: str) -> Response:  # noqa: A002
    """The heatmap alone (``tz`` as on the page; a bad one is a 400 in the JSON error shape)."""
    store = _store(request)
    tz = request.query_params.get("tz", "UTC")
    body = run_analysis(store, id, "posting-hours", {"tz": tz}).body
    return _svg(heatmap_svg(body["weekday_hour"], body["tz"], store.manifest(id)["title"], standalone=True))


@router.get("/d/{id}/account-creation.svg", name="dataset_histogram_svg")
def histogram_file(request: Request, id: str) -> Response:  # noqa: A002
    """The account-creation histogram alone."""
    store = _store(request)
    body = run_analysis(store, id, "account-creation").body
    return _svg(histogram_svg(body["months"], store.manifest(id)["title"], standalone=True))
