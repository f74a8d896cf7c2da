"""Pages and files the gateway serves: demo sites per tenant, privacy note, widget, OpenAPI."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from aiohttp import web

from bot.http import CONFIG
from bot.security import page_csp

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
UPLOT = STATIC / "vendor" / "uplot"


@dataclass
class Asset:
    """A static file kept in memory, plain and gzipped; reloaded when the file changes."""

    path: Path
    content_type: str
    mtime: float = -1.0
    body: bytes = b""
    gzipped: bytes = b""
    etag: str = ""

    def fresh(self) -> "Asset":
        mtime = self.path.stat().st_mtime
        if mtime != self.mtime:
            self.body = self.path.read_bytes()
            self.gzipped = gzip.compress(self.body, compresslevel=9, mtime=0)
            self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'
            self.mtime = mtime
        return self


ASSETS = {
    "/widget.js": Asset(STATIC / "widget.js", "text/javascript"),
    "/widget.css": Asset(STATIC / "widget.css", "text/css"),
    "/static/site.css": Asset(STATIC / "site.css", "text/css"),
    "/api/v1/openapi.yaml": Asset(HERE / "openapi.yaml", "application/yaml"),
    # uPlot (MIT), the advisor console's charts (Inzichten): vendored, so it runs from our own
    # origin under the strict CSP (bot/static/vendor/uplot/README.md: version, sha256, refresh).
    "/static/vendor/uplot/uPlot.iife.min.js": Asset(UPLOT / "uPlot.iife.min.js", "text/javascript"),
    "/static/vendor/uplot/uPlot.min.css": Asset(UPLOT / "uPlot.min.css", "text/css"),
}


async def serve_asset(request: web.Request) -> web.Response:
    asset = ASSETS[request.path].fresh()
    headers = {
        "ETag": asset.etag,
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
        # Regional sites on other origins load the widget and its stylesheet.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=body, headers=headers, content_type=asset.content_type, charset="utf-8")


def render(name: str, **values: str) -> str:
    return Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(values)


def html_page(text: str, frame_ancestors=()) -> web.Response:
    response = web.Response(text=text, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = page_csp(frame_ancestors)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def index(request: web.Request) -> web.Response:
    tenants = request.config_dict[CONFIG].tenants.values()
    links = "\n".join(
        f'    <li><a href="/demo/{escape(t.name)}">{escape(t.display_name)}</a> – '
        f'{escape(t.site.get("tagline", ""))}</li>'
        for t in tenants
    )
    return html_page(render("index.html", links=links, base=escape(_base(request))))


async def demo(request: web.Request) -> web.Response:
    tenants = request.config_dict[CONFIG].tenants
    tenant = tenants.get(request.match_info["tenant"])
    if tenant is None:
        raise web.HTTPNotFound(text="Deze regio kennen we niet.")
    sections = "\n".join(
        f'    <section class="block"><h2>{escape(s["title"])}</h2><p>{escape(s["text"])}</p></section>'
        for s in tenant.site.get("sections", [])
    )
    others = ", ".join(
        f'<a href="/demo/{escape(t.name)}">{escape(t.display_name)}</a>'
        for t in tenants.values()
        if t.name != tenant.name
    )
    page = render(
        "demo.html",
        tenant=escape(tenant.name),
        display_name=escape(tenant.display_name),
        tagline=escape(tenant.site.get("tagline", "")),
        intro=escape(tenant.site.get("intro", "")),
        sections=sections,
        other_demos=others,
        base=escape(_base(request)),
    )
    return html_page(page, frame_ancestors=tenant.allowed_origins)


async def privacy(_request: web.Request) -> web.Response:
    return html_page(render("privacy.html"))


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/demo/{tenant}", demo)
    app.router.add_get("/privacy", privacy)
    for path in ASSETS:
        app.router.add_get(path, serve_asset)
