"""The project's web service (``syndicator serve``): ``GET /healthz``, the public trace pages ``GET /t/{code}``,
the catalogue's product photos ``GET /photos/{digest}.jpg`` (for the floors, which fetch pictures by URL),
and the marketplaces' pushes ``POST /push/{marketplace}`` (``syndicator/push.py``), worked by the stock fan-out
(``syndicator/fanout.py``) while the app runs.

A trace page is plain HTML built here, every value escaped, with its CSS inline and no other asset, so it
opens fast on a phone at a market stall; Vietnamese first, English with ``?lang=en``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from html import escape
from importlib.resources import files
from string import Template

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from catalog.i18n import t
from catalog.models import Photo
from catalog.photos import is_digest, photo_file
from catalog.settings import settings
from syndicator.fanout import FanOut
from syndicator.push import MAX_PUSH_BYTES, STATUS, Receipt, push_protocol, push_url, receive
from syndicator.trace import WEB_ADDRESS, TracePage, count_view, find_trace_page

PAGE = Template(files("syndicator").joinpath("templates/trace.html").read_text(encoding="utf-8"))
HEADERS = {
    "Cache-Control": "no-cache",  # every open is a view to count
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def make_app(engine: Engine, fanout: FanOut | None = None) -> Starlette:
    """The service over ``engine``; with ``fanout``, it is started and stopped with the app and woken by each
    push stored."""
    def healthz(_request: Request) -> PlainTextResponse:
        try:
            with engine.connect() as connection:
                connection.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return PlainTextResponse("database unavailable", status_code=503)
        return PlainTextResponse("ok")

    def trace(request: Request) -> HTMLResponse:
        code = request.path_params["code"]
        page = find_trace_page(engine, code)
        if page is None:
            return HTMLResponse(not_found_html(code), status_code=404, headers=HEADERS)
        if request.method == "GET":
            count_view(engine, page)
        lang = "en" if request.query_params.get("lang") == "en" else "vi"
        return HTMLResponse(trace_html(page, lang), headers=HEADERS)

    async def push(request: Request) -> PlainTextResponse:
        marketplace = request.path_params["marketplace"]
        protocol = push_protocol(marketplace)
        if protocol is None:
            return PlainTextResponse("not found", status_code=404)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_PUSH_BYTES:
                return PlainTextResponse("too large", status_code=413)
        public = settings().public_url
        url = push_url(public, marketplace) if public else str(request.url.replace(query=""))
        receipt = await run_in_threadpool(receive, engine, marketplace, protocol, raw, request.headers, url)
        if receipt is Receipt.stored and fanout is not None:
            fanout.wake()
        return PlainTextResponse(receipt.value, status_code=STATUS[receipt])

    def photo(request: Request) -> Response:
        """A product photo from the catalogue's store, by its content name: what the floors fetch by URL."""
        digest, _, extension = request.path_params["name"].partition(".")
        if not is_digest(digest):
            return PlainTextResponse("not found", status_code=404)
        with engine.connect() as connection:
            stored = connection.execute(sa.select(Photo.format).where(Photo.digest == digest)).scalar()
        path = photo_file(digest, stored) if stored else None
        if path is None or extension != path.suffix.lstrip(".") or not path.is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path, headers={"Cache-Control": "public, max-age=31536000, immutable",
                                           "X-Content-Type-Options": "nosniff"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if fanout is not None:
            fanout.start()
        try:
            yield
        finally:
            if fanout is not None:
                await run_in_threadpool(fanout.stop)

    return Starlette(routes=[Route("/healthz", healthz), Route("/t/{code}", trace),
                             Route("/photos/{name}", photo), Route("/push/{marketplace}", push, methods=["POST"])],
                     lifespan=lifespan)


def trace_html(page: TracePage, lang: str) -> str:
    sections = [
        _header(lang, f"?lang={'vi' if lang == 'en' else 'en'}"),
        f"<h1>{escape(page.product_name)}</h1>",
        _ocop(page, lang),
        "".join(f'<img src="{escape(url)}" alt="{escape(t("trace_photo", lang, name=page.product_name))}">'
                for url in page.photos),
        f"<p>{escape(page.description)}</p>" if page.description else "",
        _packs(page, lang),
        _lot(page, lang),
        _producer(page, lang),
        _origin(page, lang),
        _list(t("trace_certifications", lang), page.certifications),
        _shops(page, lang),
    ]
    return _document(lang, page.product_name, "\n".join(part for part in sections if part))


def not_found_html(code: str) -> str:
    body = "\n".join(
        f'<section lang="{lang}"><h1>{escape(t("trace_not_found_title", lang))}</h1>'
        f'<p>{escape(t("trace_not_found", lang, code=code))}</p></section>'
        for lang in ("vi", "en")
    )
    return _document("vi", t("trace_not_found_title", "vi"), body)


def _document(lang: str, title: str, body: str) -> str:
    return PAGE.substitute(lang=lang, title=escape(f"{title} · {t('trace_title', lang)}"), body=body)


def _header(lang: str, switch: str) -> str:
    return (f'<header><p>{escape(t("trace_title", lang))}</p>'
            f'<a href="{escape(switch)}" hreflang="{"vi" if lang == "en" else "en"}">'
            f'{escape(t("trace_switch", lang))}</a></header>')


def _ocop(page: TracePage, lang: str) -> str:
    if not page.ocop_stars:
        return ""
    stars = f'<span class="ocop">{escape(t("trace_ocop", lang, stars=page.ocop_stars))} {"★" * page.ocop_stars}</span>'
    if page.ocop_valid_to is None:
        return f"<p>{stars}</p>"
    when = _day(page.ocop_valid_to)
    if page.ocop_expired:
        return f'<p>{stars}<br><span class="expired">{escape(t("trace_ocop_expired", lang, date=when))}</span></p>'
    return f"<p>{stars}<br>{escape(t('trace_ocop_valid', lang, date=when))}</p>"


def _packs(page: TracePage, lang: str) -> str:
    if not page.packs:
        return ""
    items = "".join(
        f"<li>{escape(pack.variant or page.product_name)}"
        + (f'<br>{escape(t("trace_gtin", lang))}: <span class="gtin">{escape(pack.gtin)}</span>' if pack.gtin else "")
        + "</li>"
        for pack in page.packs
    )
    return f"<section><h2>{escape(t('trace_packs', lang))}</h2><ul>{items}</ul></section>"


def _lot(page: TracePage, lang: str) -> str:
    if page.lot is None:
        return ""
    lot = page.lot
    facts = [("trace_lot_code", lot.code), ("trace_produced_on", _day(lot.produced_on)),
             ("trace_expires_on", _day(lot.expires_on) if lot.expires_on else ""), ("trace_lot_notes", lot.notes)]
    return _facts(t("trace_lot", lang), [(t(key, lang), value) for key, value in facts])


def _producer(page: TracePage, lang: str) -> str:
    commune = ", ".join(part for part in (page.coop_commune, page.coop_province) if part)
    facts = [(t("trace_commune", lang), commune), (t("trace_address", lang), page.coop_address or "")]
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts if value)
    if page.coop_phone:
        dial = "".join(c for c in page.coop_phone if c.isdigit() or c == "+")
        rows += f'<dt>{escape(t("trace_phone", lang))}</dt><dd><a href="tel:{dial}">{escape(page.coop_phone)}</a></dd>'
    return (f"<section><h2>{escape(t('trace_producer', lang))}</h2><p><strong>{escape(page.coop_name)}</strong></p>"
            f"<dl>{rows}</dl></section>")


def _origin(page: TracePage, lang: str) -> str:
    if not page.origin_commune:
        return ""
    place = f"{page.origin_commune}, {page.origin_province}"
    return (f"<section><h2>{escape(t('trace_origin', lang))}</h2><p><strong>{escape(place)}</strong><br>"
            f"<small>{escape(t('trace_origin_note', lang))}</small></p></section>")


def _shops(page: TracePage, lang: str) -> str:
    links = "".join(f'<a href="{escape(shop.url)}" rel="noopener">{escape(shop.marketplace)}</a>'
                    for shop in page.shops if shop.url.lower().startswith(WEB_ADDRESS))
    return f'<section class="shops"><h2>{escape(t("trace_buy_online", lang))}</h2>{links}</section>' if links else ""


def _facts(heading: str, facts: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts if value)
    return f"<section><h2>{escape(heading)}</h2><dl>{rows}</dl></section>" if rows else ""


def _list(heading: str, items: list[str]) -> str:
    if not items:
        return ""
    return f"<section><h2>{escape(heading)}</h2><ul>{''.join(f'<li>{escape(i)}</li>' for i in items)}</ul></section>"


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"
