"""A local stand-in for the providers' APIs, so the proxy can be tried with no account.

It answers a Twilio send the way Twilio does (201 and a Message resource) and keeps what it
received, viewable at ``/_sandbox/messages`` — the quickest way to see what left the proxy.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qsl

from aiohttp import web

RECEIVED: web.AppKey[list[dict[str, object]]] = web.AppKey("received")


def create_sandbox() -> web.Application:
    app = web.Application()
    app[RECEIVED] = []
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", twilio_send)
    app.router.add_get("/2010-04-01/Accounts/{sid}/Messages/{msid}.json", twilio_fetch)
    app.router.add_get("/_sandbox/messages", received)
    return app


async def twilio_send(request: web.Request) -> web.Response:
    form = dict(parse_qsl((await request.read()).decode("utf-8"), keep_blank_values=True))
    now = format_datetime(datetime.now(UTC))
    sid = "SM" + secrets.token_hex(16)
    account = request.match_info["sid"]
    request.app[RECEIVED].append(
        {
            "provider": "twilio",
            "path": request.path,
            "fields": form,
            "authorization": "Authorization" in request.headers,
        }
    )
    body = {
        "account_sid": account,
        "api_version": "2010-04-01",
        "body": form.get("Body", ""),
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": str(len([k for k in form if k.startswith("MediaUrl")])),
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
    }
    return web.json_response(body, status=201)


async def twilio_fetch(request: web.Request) -> web.Response:
    return web.json_response({"sid": request.match_info["msid"], "status": "delivered"})


async def received(request: web.Request) -> web.Response:
    return web.json_response(request.app[RECEIVED])
