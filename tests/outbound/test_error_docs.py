"""Every refusal's ``more_info`` points at the project's own page for its code (issue #19,
point 2): served by the proxy at ``<public_base_url>/errors/<code>``, the same catalog as
docs/ERRORS.md — never twilio.com's page for a 9xxxx code Twilio does not own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from proxy.error_codes import CODES, markdown
from proxy.settings import ServerSettings, Settings
from tests.support.proxy import SENDS

ROOT = Path(__file__).resolve().parents[2]
CLINICAL = "Your biopsy results show cancer."


def test_docs_errors_md_is_the_served_catalog() -> None:
    assert (ROOT / "docs" / "ERRORS.md").read_text() == markdown(), (
        "regenerate: python -m proxy.error_codes > docs/ERRORS.md"
    )
    for c in CODES:
        assert f'<a id="{c.code}"></a>' in markdown()


async def test_refusals_link_to_the_proxys_own_error_page(make_proxy, upstream_server, upstream):
    base = "https://sms-proxy.example.org"
    settings = Settings(server=replace(ServerSettings(), public_base_url=base))
    proxy = await make_proxy(str(upstream_server.make_url("")), settings=settings)
    sends = [
        ({"To": "+15550100001", "From": "+15550109999", "Body": CLINICAL}, 90001),
        ({"To": "+15550100001", "Body": "hello"}, 21603),
    ]
    async with aiohttp.ClientSession() as s:
        for fields, code in sends:
            async with s.post(
                proxy.make_url(SENDS),
                data=urlencode(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ) as r:
                body = await r.json()
            assert body["code"] == code
            assert body["more_info"] == f"{base}/errors/{code}"
            assert "twilio.com" not in body["more_info"]
            # the same path on the proxy itself explains the code
            async with s.get(proxy.make_url(f"/errors/{code}")) as r:
                assert r.status == 200 and r.content_type == "text/html"
                page = await r.text()
            assert f'id="{code}" aria-current="true"' in page and "<script" not in page
        async with s.get(proxy.make_url("/errors/12345")) as r:
            assert r.status == 404
        async with s.get(proxy.make_url("/errors")) as r:
            page = await r.text()
        assert all(f'id="{c.code}"' in page for c in CODES)
    assert upstream.requests == []
