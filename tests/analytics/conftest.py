"""Analytics tests reuse the proxy fixtures (real app, real socket, SQLite in tmp_path)."""

from __future__ import annotations

from tests.support.proxy import (  # noqa: F401  (fixtures)
    default_policy,
    make_proxy,
    upstream,
    upstream_server,
)
