"""Portal links come from the public URL, and a public URL that cannot reach this server stops
start-up (issue #19, point 1): `serve --sandbox --port P` must give patients links on P."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import aiohttp
import pytest

from proxy.server.public_url import PublicUrlError, resolve_public_url
from tests.portal.conftest import CLINICAL, send_sdk
from tests.server.test_serve_workers import ROOT, free_port_pair, wait_port


def test_sandbox_without_a_public_url_uses_its_own_port() -> None:
    got = resolve_public_url(None, 38080, sandbox=True)
    assert got.url == "http://127.0.0.1:38080" and not got.warn


def test_sandbox_moves_a_local_url_on_another_port_and_says_so() -> None:
    got = resolve_public_url("http://127.0.0.1:8080", 38080, sandbox=True)
    assert got.url == "http://127.0.0.1:38080" and got.warn
    assert "8080" in got.note and "38080" in got.note
    assert resolve_public_url("http://localhost:80/p", 9000, sandbox=True).url == (
        "http://localhost:9000/p"
    )


def test_outside_the_sandbox_a_missing_or_unreachable_url_is_an_error() -> None:
    with pytest.raises(PublicUrlError, match="public_base_url is not set"):
        resolve_public_url(None, 8080, sandbox=False)
    with pytest.raises(PublicUrlError, match="listens on port 38080"):
        resolve_public_url("http://127.0.0.1:8080", 38080, sandbox=False)
    with pytest.raises(PublicUrlError, match="port 443"):
        resolve_public_url("https://localhost", 8443, sandbox=False, tls=True)


def test_urls_that_match_or_are_not_local_are_used_as_configured() -> None:
    for url, port in (
        ("http://127.0.0.1:8080", 8080),
        ("https://localhost", 443),
        ("https://sms-proxy.example.org", 8080),  # behind a load balancer: not ours to judge
        ("https://sms-proxy.example.org:8443/base", 8080),
    ):
        got = resolve_public_url(url, port, sandbox=False)
        assert (got.url, got.note) == (url, "")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHI_PROXY_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_serve_refuses_to_start_without_a_public_url(tmp_path) -> None:
    config = tmp_path / "proxy.yaml"
    config.write_text(f"storage: {{data_dir: '{tmp_path}'}}\n")
    done = subprocess.run(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", "38999"],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "server.public_base_url is not set" in done.stderr and "--sandbox" in done.stderr
    assert "Traceback" not in done.stderr
    config.write_text(
        f"storage: {{data_dir: '{tmp_path}'}}\nserver: {{public_base_url: 'http://127.0.0.1:8080'}}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", "38999"],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "listens on port 38999" in done.stderr


@pytest.mark.slow
async def test_serve_sandbox_on_another_port_sends_links_on_that_port(tmp_path) -> None:
    port = free_port_pair()
    proc = subprocess.Popen(
        [sys.executable, "-m", "proxy", "serve", "--sandbox", "--port", str(port),
         "--log-level", "WARNING"],
        cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        await wait_port(port, proc)
        await wait_port(port + 1, proc)
        base = f"http://127.0.0.1:{port}"
        msg = await send_sdk(base, to="+15550100001", from_="+15550109999", body=CLINICAL)
        assert msg.sid.startswith("SM")
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{port + 1}/_sandbox/messages") as r:
                (item,) = await r.json()
            (text,) = item["texts"]
            link = re.search(r"https?://\S+/portal/[A-Za-z0-9_-]{43}", text)
            assert link and link.group(0).startswith(base + "/portal/"), text
            async with s.get(link.group(0)) as r:  # the patient's tap reaches this server
                assert r.status == 200 and "Date of birth" in await r.text()
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0].decode()
    assert proc.returncode == 0, out


async def test_the_probe_tells_this_server_from_another_and_from_nothing(
    aiohttp_server, caplog
) -> None:
    """A public URL that does not lead back here is a loud warning at start-up (point 1)."""
    import logging

    from aiohttp import web
    from aiohttp.test_utils import unused_port

    from proxy.server import public_url
    from proxy.tasks import drain

    monkey_delay = public_url.PROBE_DELAY_SECONDS
    public_url.PROBE_DELAY_SECONDS = 0.0
    try:
        app = web.Application()
        port = unused_port()
        base = f"http://127.0.0.1:{port}"
        with caplog.at_level(logging.INFO, logger="phi_proxy.server.public_url"):
            public_url.install_probe(app, base, "id-of-this-start")
            await aiohttp_server(app, port=port)
            await drain("public-url-probe")
        assert f"{base} reaches this server" in caplog.text
        other = web.Application()
        public_url.install_probe(other, "http://127.0.0.1:1", "another-id")
        elsewhere = await aiohttp_server(other)
        assert await public_url.probe(base, "id-of-this-start") == ""
        assert await public_url.probe(str(elsewhere.make_url("")), "id-of-this-start") == (
            "another server answered"
        )
        assert await public_url.probe(f"http://127.0.0.1:{unused_port()}", "x") != ""
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="phi_proxy.server.public_url"):
            third = web.Application()
            public_url.install_probe(third, str(elsewhere.make_url("")), "third-id")
            await aiohttp_server(third)
            await drain("public-url-probe")
        assert "DOES NOT REACH THIS SERVER (another server answered)" in caplog.text
    finally:
        public_url.PROBE_DELAY_SECONDS = monkey_delay
