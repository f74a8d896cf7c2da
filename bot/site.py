"""Pages and files the gateway serves: demo sites per tenant, privacy note, widget, the widget's
texts per language, OpenAPI.

Texts of the pages are Dutch in this file (`N_()`), translated with the catalogues of
`locales/` (`site.po`); the widget's own texts are the `_()` calls in widget.js, served
translated at /widget/i18n/<language>.json (`widget.po`). A new language is new catalogues.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template
from typing import Optional
from urllib.parse import urlencode

from aiohttp import web
from babel.messages.extract import extract

import locales
from bot.http import CONFIG
from bot.security import page_csp
from locales import N_

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


# -- the widget's texts per language -----------------------------------------------------------


@dataclass
class WidgetTexts:
    """The msgids of widget.js (its `_()` and `N_()` calls, found as babel finds them for the
    catalogues), read again when the file changes."""

    path: Path
    mtime: float = -1.0
    msgids: tuple = ()

    def current(self) -> tuple:
        mtime = self.path.stat().st_mtime
        if mtime != self.mtime:
            with self.path.open("rb") as handle:
                found = extract("javascript", handle, keywords={"_": None, "N_": None})
                self.msgids = tuple(dict.fromkeys(m for _line, m, _c, _ctx in found if isinstance(m, str) and m))
            self.mtime = mtime
        return self.msgids


WIDGET_TEXTS = WidgetTexts(STATIC / "widget.js")


def language_list() -> list:
    """The languages the assistant speaks, each with its name in that language."""
    return [{"code": code, "name": locales.language_info(code).get("name", code)} for code in locales.languages()]


async def widget_i18n(request: web.Request) -> web.Response:
    """GET /widget/i18n/{lang}.json: the widget's texts in one language ({Dutch: translation};
    empty for Dutch, the source language) and the languages for its switch. Public and the same
    for everyone: cached by browsers, readable from any site the widget runs on."""
    code = request.match_info["lang"]
    if code not in locales.languages():
        raise web.HTTPNotFound(text="Deze taal kennen we niet.")
    catalogue = locales.catalogue(code)
    texts = {msgid: catalogue[msgid] for msgid in WIDGET_TEXTS.current() if msgid in catalogue}
    body = json.dumps(
        {"language": code, "languages": language_list(), "texts": texts}, ensure_ascii=False, sort_keys=True
    ).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    }
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type="application/json", charset="utf-8")


# -- pages ----------------------------------------------------------------------------------


def page_language(request: web.Request) -> str:
    """The page's language: ?lang=en, else Dutch."""
    return locales.supported(request.query.get("lang")) or locales.SOURCE


def with_language(path: str, code: str) -> str:
    return path if code == locales.SOURCE else f"{path}?{urlencode({'lang': code})}"


def language_links(path: str, code: str) -> str:
    """Links to this page in every language; the current one marked."""
    links = []
    for language in language_list():
        current = ' aria-current="page"' if language["code"] == code else ""
        links.append(
            f'<a href="{escape(with_language(path, language["code"]))}" hreflang="{escape(language["code"])}" '
            f'lang="{escape(language["code"])}"{current}>{escape(language["name"])}</a>'
        )
    label = escape(locales.translate(N_("Taal"), code))
    return f'<nav class="languages" aria-label="{label}">' + " · ".join(links) + "</nav>"


def texts(table: dict, code: str) -> dict:
    """Each Dutch text of `table` in language `code`, escaped for HTML."""
    return {key: escape(locales.translate(msgid, code)) for key, msgid in table.items()}


def dutch(code: str) -> str:
    """A lang attribute for Dutch content (tenant texts) on a page in another language."""
    return "" if code == locales.SOURCE else f' lang="{locales.SOURCE}"'


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


DEMO_TEXTS = {
    "skip": N_("Naar de inhoud"),
    "menu": N_("Hoofdmenu"),
    "courses": N_("Opleidingen"),
    "funding": N_("Financiering"),
    "hubs": N_("Hubs"),
    "contact": N_("Contact"),
    "others": N_("Andere regio's:"),
    "privacy": N_("Privacy"),
}


async def demo(request: web.Request) -> web.Response:
    """A tenant's demo site; ?lang=en shows the page and starts the widget in English (the
    tenant's own texts, from tenants.yml, stay Dutch)."""
    tenants = request.config_dict[CONFIG].tenants
    tenant = tenants.get(request.match_info["tenant"])
    if tenant is None:
        raise web.HTTPNotFound(text="Deze regio kennen we niet.")
    code = page_language(request)
    sections = "\n".join(
        f'    <section class="block"{dutch(code)}><h2>{escape(s["title"])}</h2><p>{escape(s["text"])}</p></section>'
        for s in tenant.site.get("sections", [])
    )
    others = ", ".join(
        f'<a href="{escape(with_language("/demo/" + t.name, code))}">{escape(t.display_name)}</a>'
        for t in tenants.values()
        if t.name != tenant.name
    )
    note = locales.translate(
        N_(
            "Demopagina van Leerwijzer: zo ziet de chat eruit op de website van {name}. Klik rechtsonder op de chatknop."
        ),
        code,
        name=tenant.display_name,
    )
    explicit: Optional[str] = locales.supported(request.query.get("lang"))
    page = render(
        "demo.html",
        lang=code,
        dutch=dutch(code),
        tenant=escape(tenant.name),
        display_name=escape(tenant.display_name),
        tagline=escape(tenant.site.get("tagline", "")),
        intro=escape(tenant.site.get("intro", "")),
        sections=sections,
        other_demos=others,
        base=escape(_base(request)),
        note=escape(note),
        languages=language_links(f"/demo/{tenant.name}", code),
        privacy_href=escape(with_language("/privacy", code)),
        data_lang=f' data-lang="{escape(explicit)}"' if explicit else "",
        **texts(DEMO_TEXTS, code),
    )
    return html_page(page, frame_ancestors=tenant.allowed_origins)


PRIVACY_TEXTS = {
    "title": N_("Privacy bij de chat"),
    "lead": N_("Leerwijzer is een digitale assistent. Je hoeft je naam niet te geven om een opleiding te zoeken."),
    "kept": N_("Wat we bewaren"),
    "kept_messages": N_("De berichten van je gesprek, zodat je het kunt teruglezen als je de pagina opnieuw opent."),
    "kept_facts": N_(
        "Wat je over jezelf vertelt (zoals je opleiding of woonplaats), om opleidingen en regelingen "
        "te zoeken die bij je passen."
    ),
    "kept_code": N_("Je browser onthoudt een code voor het gesprek. Er zijn geen reclame- of volgcookies."),
    "kept_days": N_("We wissen een gesprek 30 dagen na je laatste bericht."),
    "sensitive": N_("Deel geen gevoelige gegevens"),
    "sensitive_text": N_(
        "Typ geen burgerservicenummer (BSN), bankrekeningnummer of gegevens over je gezondheid in de "
        "chat. Die zijn niet nodig voor een advies. Doe je het toch, dan vervangen we een BSN, "
        "rekeningnummer, telefoonnummer, e-mailadres of adres door een code voordat we iets bewaren."
    ),
    "advisor": N_("Een adviseur"),
    "advisor_text": N_(
        "Vraag je om een adviseur, dan leest die het gesprek, zodat je niet alles opnieuw hoeft te vertellen."
    ),
    "questions": N_("Vragen"),
    "questions_text": N_(
        "Wil je weten wat we van je bewaren? Vraag het in de chat of neem contact op met de regio "
        "waar je de chat gebruikt."
    ),
    "back": N_("Terug naar Leerwijzer"),
}


async def privacy(request: web.Request) -> web.Response:
    """The privacy note; /privacy?lang=en in English (the widget links there in English)."""
    code = page_language(request)
    forget = "<strong>" + escape(locales.translate(N_("vergeet mij"), code)) + "</strong>"
    forget_text = locales.translate(
        N_(
            "Typ {forget} in de chat en zeg ja als de chat vraagt of het zeker is: dan wissen we "
            "meteen je gesprek en wat je over jezelf vertelde."
        ),
        code,
    )
    page = render(
        "privacy.html",
        lang=code,
        languages=language_links("/privacy", code),
        forget_text=escape(forget_text).replace("{forget}", forget),
        **texts(PRIVACY_TEXTS, code),
    )
    return html_page(page)


def setup(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/demo/{tenant}", demo)
    app.router.add_get("/privacy", privacy)
    app.router.add_get("/widget/i18n/{lang:[a-z]{2,8}}.json", widget_i18n)
    for path in ASSETS:
        app.router.add_get(path, serve_asset)
