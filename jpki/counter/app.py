"""The desk's routes: the page, the clerk's actions, the hand-out and the integrators' API.

Page (HTML, server-rendered; ``?lang=ja|en``):

- ``GET /``: every reader side by side; ``GET /readers/{id}/panel``: one reader's panel (the
  page script swaps it in on an event); ``GET /readers/{id}/handout``: the A4 hand-out.
- ``POST /readers/{id}/inputs`` (the clerk's form), ``/readers/{id}/clear``,
  ``/readers/{id}/read``, and with ``--sim`` ``/sim/card``: each needs the page's Origin and
  the session token.

API (JSON, read only): ``GET /api/readers``, ``GET /api/readers/{id}/report`` (the same JSON as
``jpki diagnose --json``), ``GET /api/events`` (server-sent events ``card_in``, ``card_out``,
``report_ready``, ``report_cleared``, ``read_failed``, ``readers``, each with ``{"event",
"reader"}``; the stream opens with ``hello`` and the desk's event count ``{"version"}``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from jpki.texts import Msg, languages, render

from .desk import Desk, DeskEvent, ReaderView, SlotState
from .form import FIELDS, FormError, FormProblem, parse_form
from .security import TOKEN_HEADER, Guard, token_matches
from .sources import SimulatedSource
from .view import Texts, pick, report_view
from .watch import Watcher

__all__ = ["DeskSettings", "create_app"]

_KEEPALIVE_SECONDS = 15.0
_MAX_FORM_BYTES = 4096


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """How the desk is served.

    :param hosts: the accepted Host values (``127.0.0.1:8765``, ...).
    :param token: the session token the clerk's actions must carry.
    :param default_lang: the page's language without ``?lang``.
    :param sweep_seconds: how often idle reports are looked for.
    :param sim: the simulated reader, with ``--sim``.
    :param sim_profile: its profile name, shown on the page.
    """

    hosts: tuple[str, ...]
    token: str
    default_lang: str = "ja"
    sweep_seconds: float = 10.0
    sim: SimulatedSource | None = None
    sim_profile: str | None = None


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("jpki.counter", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class RefusedError(Exception):
    """A request the desk answers with a short refusal (status and ``counter.refused`` key)."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


def create_app(desk: Desk, watcher: Watcher, settings: DeskSettings) -> ASGIApp:
    """The desk as an ASGI application (behind :class:`~jpki.counter.security.Guard`)."""
    env = _templates()

    def lang_of(request: Request) -> str:
        wanted = request.query_params.get("lang", "")
        return wanted if wanted in languages() else settings.default_lang

    def page_context(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
        return {
            "t": Texts(lang),
            "lang": lang,
            "languages": [(code, render_language(code)) for code in languages()],
            "token": settings.token,
            "idle_minutes": max(1, round(desk.idle_seconds / 60)),
            "sim": settings.sim,
            "sim_profile": settings.sim_profile,
            "pick": lambda value: pick(value, lang),
            "fields": FIELDS,
            "version": desk.version,
            **extra,
        }

    def render_language(code: str) -> str:
        return render(Msg("common.language_name"), code)

    def panel(
        reader: ReaderView,
        lang: str,
        problems: tuple[FormProblem, ...] = (),
        values: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        view = None
        if reader.state is SlotState.READY and reader.diagnosis is not None:
            view = report_view(reader.diagnosis, reader.inputs, lang)
        return {
            "reader": reader,
            "view": view,
            "problems": problems,
            "values": values if values is not None else reader.inputs.values(),
        }

    def html(template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(context), status_code=status)

    def reader_or_404(ident: str) -> ReaderView:
        try:
            return desk.reader(ident)
        except KeyError:
            raise RefusedError(404, "not_found") from None

    async def checked_form(request: Request) -> dict[str, str]:
        """The submitted form, once the session token in it (or its header) is right.

        The page's forms are URL-encoded; the body is read up to a small limit and parsed
        here (no multipart parser, no file uploads).
        """
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > _MAX_FORM_BYTES:
                raise RefusedError(413, "token")
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
        except (UnicodeDecodeError, ValueError):
            pairs = []
        values: dict[str, str] = {}
        for key, value in pairs:
            values.setdefault(key, value)
        given = values.get("token") or request.headers.get(TOKEN_HEADER)
        if not token_matches(settings.token, given):
            raise RefusedError(403, "token")
        return values

    def back(lang: str, ident: str | None = None) -> RedirectResponse:
        anchor = f"#reader-{ident}" if ident else ""
        return RedirectResponse(f"/?lang={lang}{anchor}", status_code=303)

    async def index(request: Request) -> Response:
        lang = lang_of(request)
        panels = [panel(reader, lang) for reader in desk.readers()]
        return html("page.html", page_context(request, lang, panels=panels))

    async def reader_panel(request: Request) -> Response:
        lang = lang_of(request)
        reader = reader_or_404(request.path_params["ident"])
        return html("_reader.html", page_context(request, lang, p=panel(reader, lang)))

    async def inputs(request: Request) -> Response:
        values = await checked_form(request)
        lang = lang_of(request)
        ident = request.path_params["ident"]
        reader_or_404(ident)
        try:
            parsed = parse_form(values, desk.today())
            desk.apply_inputs(ident, parsed)
        except FormError as exc:
            desk.touch(ident)
            shown = {name: values.get(name, "")[:40] for name in FIELDS}
            panels = [
                panel(r, lang, exc.problems, shown) if r.id == ident else panel(r, lang)
                for r in desk.readers()
            ]
            return html("page.html", page_context(request, lang, panels=panels), status=400)
        except LookupError:
            pass  # the card went away meanwhile: the page shows the reader as it is now
        return back(lang, ident)

    def reader_button(act: Callable[[str], object]) -> Callable[[Request], Awaitable[Response]]:
        """The endpoint of a button on a reader's panel: *act* on the reader, then back."""

        async def endpoint(request: Request) -> Response:
            await checked_form(request)
            ident = request.path_params["ident"]
            reader_or_404(ident)
            act(ident)
            return back(lang_of(request), ident)

        return endpoint

    async def sim_card(request: Request) -> Response:
        values = await checked_form(request)
        if settings.sim is None:
            raise RefusedError(404, "not_found")
        settings.sim.set_present(values.get("present") == "1")
        return back(lang_of(request))

    async def handout(request: Request) -> Response:
        lang = lang_of(request)
        ident = request.path_params["ident"]
        reader = reader_or_404(ident)
        if reader.diagnosis is None:
            raise RefusedError(409, "no_report")
        desk.touch(ident)
        view = report_view(reader.diagnosis, reader.inputs, lang)
        return html("handout.html", page_context(request, lang, view=view, reader=reader))

    async def api_readers(request: Request) -> Response:
        return JSONResponse({"readers": [reader.to_json() for reader in desk.readers()]})

    async def api_report(request: Request) -> Response:
        reader = reader_or_404(request.path_params["ident"])
        if reader.diagnosis is None:
            raise RefusedError(409, "no_report")
        return JSONResponse(reader.diagnosis.to_json(lang_of(request)))

    async def api_events(request: Request) -> Response:
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[DeskEvent] = asyncio.Queue()

        def deliver(event: DeskEvent) -> None:
            loop.call_soon_threadsafe(events.put_nowait, event)

        stop = desk.listen(deliver)
        hello = json.dumps({"version": desk.version})  # after subscribing: no event is missed

        async def stream() -> AsyncIterator[bytes]:
            try:
                yield f"retry: 2000\nevent: hello\ndata: {hello}\n\n".encode()
                while True:
                    try:
                        event = await asyncio.wait_for(events.get(), _KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        continue
                    data = json.dumps(event.to_json())
                    yield f"event: {event.kind.value}\ndata: {data}\n\n".encode()
            finally:
                stop()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"x-accel-buffering": "no"}
        )

    async def refused(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, RefusedError):  # pragma: no cover - registered for it only
            raise exc
        text = Texts(lang_of(request))(f"refused.{exc.key}")
        return PlainTextResponse(text, status_code=exc.status)

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse(Texts(lang_of(request))("refused.not_found"), status_code=404)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(watcher.start)
        sweeper = asyncio.create_task(_sweep(desk.expire_idle, settings.sweep_seconds))
        try:
            yield
        finally:
            sweeper.cancel()
            await asyncio.to_thread(watcher.stop)

    routes = [
        Route("/", index),
        Route("/readers/{ident}/panel", reader_panel),
        Route("/readers/{ident}/handout", handout),
        Route("/readers/{ident}/inputs", inputs, methods=["POST"]),
        Route("/readers/{ident}/clear", reader_button(desk.clear), methods=["POST"]),
        Route("/readers/{ident}/read", reader_button(watcher.read_again), methods=["POST"]),
        Route("/sim/card", sim_card, methods=["POST"]),
        Route("/api/readers", api_readers),
        Route("/api/readers/{ident}/report", api_report),
        Route("/api/events", api_events),
        Mount("/static", StaticFiles(packages=[("jpki.counter", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={RefusedError: refused, 404: not_found},
        lifespan=lifespan,
    )
    return Guard(app, settings.hosts)


async def _sweep(expire: Callable[[], object], every: float) -> None:
    """Clear idle reports every *every* seconds."""
    while True:
        await asyncio.sleep(every)
        await asyncio.to_thread(expire)
