"""A local stand-in for every shipped provider's API, so the proxy can be tried with no account.

``phi-proxy serve --sandbox`` points every provider's upstream here. Each send route answers
the way that provider does (``proxy/sandbox/answers.py``), so the provider's official SDK gets
its usual response object; everything received is kept (the last 1000 requests) and shown at
``/_sandbox/messages`` — the quickest way to see what left the proxy. It is a development tool:
it keeps texts in memory, checks no credentials and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import html
import json
import os
from collections import deque
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from proxy.sandbox.answers import SENDS, Answer, Answerer, Request, aws_root, parse

if TYPE_CHECKING:
    from proxy.settings import Settings

RECEIVED: web.AppKey[deque[dict[str, Any]]] = web.AppKey("received")
KEEP = 1000

#: the throwaway AWS identity ``serve --sandbox`` signs with when none is configured
SANDBOX_AWS_KEY_ID = "AKIDPHIPROXYSANDBOX0"
SANDBOX_AWS_SECRET_ENV = "PHI_PROXY_SANDBOX_AWS_SECRET"


def create_sandbox() -> web.Application:
    app = web.Application()
    app[RECEIVED] = deque(maxlen=KEEP)
    seen: set[tuple[str, str]] = set()
    for provider, method, path, answer in SENDS:
        for variant in (path, path.rstrip("/"), path.rstrip("/") + "/"):
            if variant and (method, variant) not in seen:
                seen.add((method, variant))
                app.router.add_route(method, variant, _handler(provider, answer))
    app.router.add_post("/", _aws_root)
    app.router.add_get("/2010-04-01/Accounts/{sid}/Messages/{msid}.json", twilio_fetch)
    app.router.add_get("/_sandbox/messages", received)
    app.router.add_delete("/_sandbox/messages", clear)
    return app


def sandbox_settings(settings: Settings, url: str) -> Settings:
    """``settings`` with every provider's upstream at the sandbox (``url``), and, when no AWS
    identity is configured, a throwaway one so AWS sends are signed and reach the sandbox."""
    from proxy.providers import REGISTRY
    from proxy.providers.config import AwsConfig

    settings = settings.with_upstreams({name: url for name in REGISTRY})
    aws = settings.providers.aws
    if aws.access_key_id is None:
        os.environ.setdefault(SANDBOX_AWS_SECRET_ENV, "sandbox-secret-not-a-credential")
        aws = AwsConfig(
            access_key_id=SANDBOX_AWS_KEY_ID,
            secret_access_key_env=SANDBOX_AWS_SECRET_ENV,
            region=aws.region,
        )
        settings = replace(settings, providers=replace(settings.providers, aws=aws))
    return settings


def _handler(provider: str, answer: Answerer) -> Any:
    async def handle(request: web.Request) -> web.Response:
        req = await _parse(request)
        return _record(request, provider, req, answer(req))

    return handle


async def _aws_root(request: web.Request) -> web.Response:
    req = await _parse(request)
    provider, answer = aws_root(req)
    return _record(request, provider, req, answer)


async def _parse(request: web.Request) -> Request:
    raw = await request.read()
    return parse(request.method, request.path, request.match_info, request.headers, raw)


def _record(request: web.Request, provider: str, req: Request, answer: Answer) -> web.Response:
    request.app[RECEIVED].append(
        {
            "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "provider": provider,
            "method": req.method,
            "path": req.path,
            "status": answer.response.status,
            "to": answer.to,
            "texts": answer.texts,
            "fields": req.fields,
            "authorization": "Authorization" in request.headers,
        }
    )
    return answer.response


async def twilio_fetch(request: web.Request) -> web.Response:
    return web.json_response({"sid": request.match_info["msid"], "status": "delivered"})


async def clear(request: web.Request) -> web.Response:
    request.app[RECEIVED].clear()
    return web.Response(status=204)


async def received(request: web.Request) -> web.Response:
    log = request.app[RECEIVED]
    items = [*log]
    if prefers_html(request.headers.get("Accept", "")):
        return web.Response(text=render_html(items), content_type="text/html", charset="utf-8")
    return web.json_response(items)


def prefers_html(accept: str) -> bool:
    """True when the Accept header ranks text/html above JSON (a browser), else JSON."""
    best = {"html": 0.0, "json": 0.0}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media in ("text/html", "application/xhtml+xml", "text/*"):
            best["html"] = max(best["html"], q)
        if media in ("application/json", "application/*"):
            best["json"] = max(best["json"], q)
        if media == "*/*":
            best["html"] = max(best["html"], q * 0.5)
            best["json"] = max(best["json"], q * 0.5)
    return best["html"] > best["json"]


_STYLE = (
    "body{font:15px/1.4 system-ui,sans-serif;margin:1.5rem;color:#111}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;"
    "text-align:left;vertical-align:top}th{background:#eee}"
    "td.text{white-space:pre-wrap;max-width:40rem}pre{margin:0;white-space:pre-wrap}"
)


def render_html(items: list[dict[str, Any]]) -> str:
    """What the sandbox received, newest first, as a plain table (every value escaped)."""
    rows = []
    for n, item in reversed(list(enumerate(items, 1))):
        fields = json.dumps(item["fields"], indent=2, ensure_ascii=False)
        cells = [
            str(n),
            html.escape(item["received_at"]),
            html.escape(item["provider"]),
            html.escape(f"{item['method']} {item['path']}"),
            str(item["status"]),
            "<br>".join(html.escape(t) for t in item["to"]),
        ]
        texts = "<hr>".join(html.escape(t) for t in item["texts"])
        rows.append(
            "<tr>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + f'<td class="text">{texts}</td>'
            + f"<td><details><summary>request</summary><pre>{html.escape(fields)}</pre>"
            + "</details></td></tr>"
        )
    body = (
        "<table><thead><tr><th>#</th><th>received (UTC)</th><th>provider</th><th>request</th>"
        "<th>status</th><th>to</th><th>text as the provider received it</th><th>fields</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        if rows
        else "<p>Nothing received yet. Send a text through the proxy, then reload.</p>"
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>phi-proxy sandbox: {len(items)} received</title><style>{_STYLE}</style></head>"
        f"<body><h1>phi-proxy sandbox</h1><p>{len(items)} request(s) received (last {KEEP} "
        "kept, in memory only). JSON: the same URL with <code>Accept: application/json</code>."
        f"</p>{body}</body></html>"
    )
