"""The proxy fixtures (tests/support/proxy.py): a real app on a real socket, a recording
upstream, the shipped policy."""

from __future__ import annotations

from tests.support.proxy import (  # noqa: F401  (fixtures)
    default_policy,
    make_proxy,
    upstream,
    upstream_server,
)
