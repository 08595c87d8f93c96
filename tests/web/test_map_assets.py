"""Offline map: vendored Leaflet + Natural Earth basemap are present, local-only, and render in real Chromium.

No database needed; runs with or without pytest-django (`-p no:django`).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import stat
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "armstrace" / "web" / "static"
VENDOR = STATIC / "vendor"
TEMPLATE = ROOT / "src" / "armstrace" / "web" / "templates" / "web" / "map.html"
MAP_JS = STATIC / "armstrace" / "map.js"
MAP_CSS = STATIC / "armstrace" / "map.css"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- plain file checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/images/layers.png",
        "leaflet/images/layers-2x.png",
        "leaflet/images/marker-icon.png",
        "leaflet/images/marker-icon-2x.png",
        "leaflet/images/marker-shadow.png",
        "basemap/countries-50m.geojson",
        "basemap/countries-110m.geojson",
        "LICENSES/leaflet-LICENSE.txt",
        "LICENSES/world-atlas-LICENSE.txt",
        "LICENSES/natural-earth-PUBLIC-DOMAIN.txt",
    ],
)
def test_vendored_file_exists(rel):
    path = VENDOR / rel
    assert path.is_file() and path.stat().st_size > 0, f"missing {path}; run scripts/build-assets"


def test_leaflet_is_1_9_without_source_map_reference():
    js = (VENDOR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert 't.version="1.9.' in js
    assert "sourceMappingURL" not in js  # the .map is not shipped (would break manifest static storage)
    css = (VENDOR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    for url in re.findall(r"url\(([^)#]+)\)", css):
        assert (VENDOR / "leaflet" / url.strip("'\"")).is_file(), url


@pytest.mark.parametrize("name, minimum", [("countries-50m.geojson", 200), ("countries-110m.geojson", 150)])
def test_basemap_geojson(name, minimum):
    path = VENDOR / "basemap" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert len(features) > max(150, minimum)
    assert all(f["type"] == "Feature" and f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in features)
    assert all(f["geometry"]["coordinates"] for f in features)
    names = {f["properties"]["name"] for f in features}
    assert {"Libya", "Niger", "Chad", "Algeria"} <= names
    assert path.stat().st_size < 3_000_000  # keeps pages usable on slow field-office links


def test_map_sources_reference_no_remote_urls():
    for path in (TEMPLATE, MAP_JS, MAP_CSS):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
        assert "//cdn" not in text and "fonts.googleapis" not in text, path
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "{% load static" in template
    for ref in (
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/leaflet.js",
        "armstrace/map.css",
        "armstrace/map.js",
        "vendor/basemap/countries-50m.geojson",
    ):
        assert f"{{% static '{ref}' %}}" in template, ref
    assert 'dir="ltr"' in template and "json_script:data_id" in template


def test_package_json_and_build_script():
    pkg = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert pkg["private"] is True
    deps = pkg["devDependencies"]
    assert deps["leaflet"].startswith("^1.9") and deps["world-atlas"].startswith("^2")
    assert deps["topojson-client"].startswith("^3")
    assert not pkg.get("dependencies")
    assert (ROOT / "package-lock.json").is_file()
    script = ROOT / "scripts" / "build-assets"
    assert script.stat().st_mode & stat.S_IXUSR
    assert "topojson-client" in script.read_text(encoding="utf-8")


# --- the Django include ------------------------------------------------------------------------------


def _render_include(map_id: str, map_data: dict, **extra) -> str:
    """Render templates/web/map.html with the project's settings (no database involved)."""
    django = pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "armstrace.settings")
    django.setup()
    from django.template.loader import render_to_string

    return render_to_string("web/map.html", {"map_id": map_id, "map_data": map_data, **extra})


def test_include_renders_data_island_safely():
    html = _render_include(
        "sites-map",
        {"sites": [{"id": 1, "name": "</script><script>alert(1)</script>", "lat": 32.9, "lon": 13.2, "status": "ok"}]},
    )
    assert '<div id="sites-map" class="at-map" dir="ltr"' in html
    assert '<script id="sites-map-data" type="application/json">' in html
    assert "</script><script>alert(1)" not in html  # json_script escapes < > &
    assert 'data-basemap="/static/vendor/basemap/countries-50m.geojson"' in html
    assert 'ArmsTraceMap.render("sites\\u002Dmap")' in html
    light = _render_include("m2", {}, map_basemap="110m", map_no_assets=True)
    assert "countries-110m.geojson" in light and "leaflet.js" not in light


# --- real browser ------------------------------------------------------------------------------------

SITES = [
    {
        "id": 1,
        "name": "Tripoli central armoury",
        "lat": 32.887,
        "lon": 13.191,
        "status": "ok",
        "url": "/r/sites/1/",
        "popup": "Main armoury",
        "accounted": 1200,
        "estimated": 1250,
    },
    {
        "id": 2,
        "name": '<img src=x onerror="window.__xss=1">Benghazi depot',
        "lat": 32.116,
        "lon": 20.068,
        "status": "alert",
        "url": "javascript:window.__xss=2",
        "popup": "<b>not bold</b>",
    },
    {"id": 3, "name": "Sabha depot", "lat": 27.038, "lon": 14.426, "status": "warning", "url": "/r/sites/3/"},
]
CIRCLES = [{"lat": 32.887, "lon": 13.191, "radius_m": 25000, "label": "IBD", "kind": "inhabited_building"}]
POINTS = [{"lat": 32.95, "lon": 13.25, "label": "School", "kind": "vulnerable_building", "flagged": True}]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def static_server(tmp_path):
    """Serve a copy of the static files under /static/ plus a test page, on 127.0.0.1 with a free port."""
    root = tmp_path / "site"
    shutil.copytree(STATIC, root / "static")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _page_html(body: str, rtl: bool) -> str:
    return (
        f'<!doctype html><html lang="{"ar" if rtl else "en"}" dir="{"rtl" if rtl else "ltr"}"><head>'
        '<meta charset="utf-8"><title>map test</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/armstrace/armstrace.css"></head>'
        f'<body><main style="padding:1rem">{body}</main></body></html>'
    )


@pytest.mark.browser
def test_map_renders_offline_in_chromium(static_server):
    from playwright.sync_api import sync_playwright

    root, base = static_server
    data = {"sites": SITES, "circles": CIRCLES, "points": POINTS, "highlight": ["Libya"]}
    try:
        include = _render_include("sites-map", data)
    except Exception:  # noqa: BLE001 - Django not usable here: same markup by hand, minus translations
        include = (
            '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">'
            '<link rel="stylesheet" href="/static/armstrace/map.css">'
            '<script src="/static/vendor/leaflet/leaflet.js"></script><script src="/static/armstrace/map.js"></script>'
            '<div id="sites-map" class="at-map" dir="ltr" data-basemap="/static/vendor/basemap/countries-50m.geojson">'
            '</div><script id="sites-map-data" type="application/json">'
            + json.dumps(data).replace("<", "\\u003C").replace(">", "\\u003E")
            + '</script><script>ArmsTraceMap.render("sites-map");</script>'
        )
    (root / "map.html").write_text(_page_html(include, rtl=False), encoding="utf-8")
    (root / "map-rtl.html").write_text(_page_html(include, rtl=True), encoding="utf-8")
    assert os.path.exists(CHROMIUM), "Debian's chromium is needed for browser tests"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.set_default_timeout(15000)
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))

            page.goto(base + "/map.html")
            page.wait_for_selector("#sites-map[data-basemap-state=loaded]")
            page.wait_for_timeout(300)  # let the fitBounds animation and SVG redraw settle
            shot = os.environ.get("ARMSTRACE_MAP_SCREENSHOT")  # e.g. /tmp/map-test.png, to eyeball it
            if shot:
                page.screenshot(path=shot)

            assert page.locator("#sites-map .leaflet-map-pane").count() == 1
            assert page.locator("#sites-map .leaflet-overlay-pane").count() == 1
            assert page.locator("#sites-map path.at-site.leaflet-interactive").count() == 3
            assert page.locator("#sites-map path.at-site--alert").count() == 1
            assert page.locator("#sites-map path.at-qd--inhabited_building").count() == 1
            assert page.locator("#sites-map path.at-point--flagged").count() == 1
            basemap_paths = page.locator("#sites-map .leaflet-atBasemap-pane svg path").count()
            assert basemap_paths > 100
            assert page.locator("#sites-map .at-map-legend").count() == 1
            assert "Inhabited building distance" in page.inner_text("#sites-map .at-map-legend")
            colour = page.get_attribute("#sites-map path.at-site--ok", "fill")
            assert colour == "#2e7d32"
            assert (
                page.evaluate("getComputedStyle(document.getElementById('sites-map')).backgroundColor")
                == "rgb(207, 226, 240)"
            )

            # Popup: data is shown as text, only the safe url becomes a link.
            page.locator("#sites-map path.at-site--alert").dispatch_event("click")
            popup = page.locator("#sites-map .leaflet-popup-content")
            popup.wait_for()
            assert "<img src=x" in popup.inner_text() and "<b>not bold</b>" in popup.inner_text()
            assert popup.locator("img, b").count() == 0
            assert popup.locator("a").count() == 0  # javascript: url dropped
            assert page.evaluate("window.__xss") is None

            # Keyboard: focus a site marker, Enter opens its popup and focuses the record link.
            page.keyboard.press("Escape")
            page.locator("#sites-map path.at-site--ok").focus()
            page.keyboard.press("Enter")
            page.wait_for_function("document.activeElement && document.activeElement.matches('.leaflet-popup a')")
            assert page.evaluate("document.activeElement.getAttribute('href')") == "/r/sites/1/"
            text = page.evaluate("document.activeElement.closest('.leaflet-popup-content').innerText")
            assert "Tripoli central armoury" in text and "1,200" in text  # (the closing popup fades for 200 ms)
            page.keyboard.press("Escape")

            # Arabic page: the map stays LTR, the legend follows the page.
            page.goto(base + "/map-rtl.html")
            page.wait_for_selector("#sites-map[data-basemap-state=loaded]")
            assert page.evaluate("getComputedStyle(document.getElementById('sites-map')).direction") == "ltr"
            assert page.get_attribute("#sites-map .at-map-legend", "dir") == "rtl"

            assert not errors, errors
            assert requests and all(u.startswith((base + "/", "data:")) for u in requests), requests  # nothing off-host
        finally:
            browser.close()
