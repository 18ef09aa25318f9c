"""The dataset pages as served (parsed, no browser): the heatmap and histogram SVGs carry the same
numbers as the JSON routes, are labelled for people who cannot see them, need no JavaScript, and
link to the data; errors are pages with the right status."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from html_tree import parse
from iokg.api.app import create_app
from iokg.datasets.analyses import ANALYSES
from iokg.datasets.importing import import_twitter_io
from iokg.datasets.synthetic import generate
from iokg.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    base = tmp_path_factory.mktemp("pages")
    g = generate(base / "release", accounts=80, tweets=1500, seed=21)
    import_twitter_io(g.folder, base / "store.datasets", "office", title="Office hours test set")
    with TestClient(create_app(Settings(store=base / "store"))) as c:
        yield c


def page(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return parse(r.text, base="http://testserver")


def test_list_page_links_each_dataset(client):
    tree = page(client, "/d")
    assert "/d/office" in tree.find("table", id="datasets").links()
    nav = tree.find("nav")
    current = [a for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]
    assert [a.text() for a in current] == ["Datasets"]


def test_heatmap_shows_the_json_counts_with_labels(client):
    tree = page(client, "/d/office?tz=Asia/Shanghai")
    grid = client.get("/datasets/office/posting-hours", params={"tz": "Asia/Shanghai"}).json()["weekday_hour"]
    svg = tree.find("svg", cls="chart-svg--heatmap")
    assert svg.attrs["role"] == "img"
    title_id, desc_id = svg.attrs["aria-labelledby"].split()
    assert svg.find("title", id=title_id).text() == "Posting activity of Office hours test set by weekday and hour, Asia/Shanghai"
    desc = svg.find("desc", id=desc_id).text()
    assert "1,500 tweets by weekday and hour of the day in Asia/Shanghai" in desc and "Monday–Friday 08:00–17:00" in desc
    cells = [r for r in svg.find_all("rect") if "data-weekday" in r.attrs]
    assert len(cells) == 7 * 24
    for r in cells:
        d, h = int(r.attrs["data-weekday"]), int(r.attrs["data-hour"])
        assert int(r.attrs["data-count"]) == grid[d - 1][h]
        assert r.find("title").text().endswith(f"{grid[d - 1][h]:,} tweet{'s' if grid[d - 1][h] != 1 else ''}")
    labels = [t.text() for t in svg.find_all("text")]
    assert labels[:24] == [f"{h:02d}" for h in range(24)]
    assert [x for x in labels if x.endswith("day")] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                       "Saturday", "Sunday"]
    table = tree.find("table", id="heatmap-table")
    first = table.find("tbody").find("tr")
    assert [td.text() for td in first.find_all("td")][:24] == [str(n) for n in grid[0]]
    share = client.get("/datasets/office/working-hours", params={"tz": "Asia/Shanghai"}).json()["statement"]
    assert tree.find(id="working-hours").text() == share + "."


def test_histogram_bars_match_the_months(client):
    tree = page(client, "/d/office")
    months = client.get("/datasets/office/account-creation").json()["months"]
    svg = tree.find("svg", cls="chart-svg--histogram")
    title_id, desc_id = svg.attrs["aria-labelledby"].split()
    assert svg.find("title", id=title_id).text() and "80 accounts created between" in svg.find("desc", id=desc_id).text()
    bars = [r for r in svg.find_all("rect") if "data-month" in r.attrs]
    assert [(b.attrs["data-month"], int(b.attrs["data-count"])) for b in bars] == [
        (m["month"], m["accounts"]) for m in months]
    heights = {b.attrs["data-month"]: float(b.attrs["height"]) for b in bars}
    peak = max(months, key=lambda m: m["accounts"])["month"]
    assert heights[peak] == max(heights.values()) > 0
    assert any(t.text().isdigit() and len(t.text()) == 4 for t in svg.find_all("text"))  # year labels


def test_page_needs_no_javascript_and_links_the_data(client):
    r = client.get("/d/office?tz=Europe/London")
    tree = parse(r.text, base="http://testserver")
    assert tree.find_all("script") == []
    assert "'unsafe-inline'" not in r.headers["content-security-policy"]
    for svg in tree.find_all("svg"):
        assert all("style" not in e.attrs for e in svg.iter())
    links = tree.links()
    for name in ANALYSES:
        json_link = next(h for h in links if h.startswith(f"/datasets/office/{name}") and "format=csv" not in h)
        csv_link = next(h for h in links if h.startswith(f"/datasets/office/{name}") and "format=csv" in h)
        assert client.get(json_link).status_code == 200
        assert client.get(csv_link).headers["content-type"].startswith("text/csv")
    assert "/datasets/office/posting-hours?tz=Europe%2FLondon" in links
    assert not [h for h in links if "example.com" in h]  # URLs from the data are never links
    form = tree.find("form", cls="tz-form")
    assert form.attrs["method"] == "get" and form.find("input", id="tz").attrs["value"] == "Europe/London"


def test_bad_time_zone_is_a_400_page_that_still_draws_utc(client):
    tree = page(client, "/d/office?tz=Not/AZone", status=400)
    assert "is not an IANA time zone name" in tree.find(id="tz-error").text()
    assert tree.find("input", id="tz").attrs["aria-invalid"] == "true"
    assert tree.find("svg", cls="chart-svg--heatmap").find("title").text().endswith(", UTC")


def test_unknown_dataset_is_a_404_page(client):
    tree = page(client, "/d/nothing-here", status=404)
    assert "no dataset with id 'nothing-here'" in tree.find("div", cls="error").text()


def test_pictures_alone_are_svg_files(client):
    r = client.get("/d/office/posting-hours.svg", params={"tz": "America/New_York"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)
    assert root.tag == SVG + "svg" and root.find(SVG + "title").text.endswith("America/New_York")
    assert len([e for e in root.iter(SVG + "rect") if "data-count" in e.attrib]) == 168
    hist = ET.fromstring(client.get("/d/office/account-creation.svg").text)
    assert hist.find(SVG + "desc").text.startswith("80 accounts created")
    bad = client.get("/d/office/posting-hours.svg", params={"tz": "nowhere"})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_query"
