"""The admin route table: every /admin route declares its roles, or it is refused.

Routes are registered only through :func:`route`; :func:`access_middleware` looks the matched
route up in the table and refuses any /admin route that is not there (default deny), then
authenticates the caller and checks the role. The table also generates the OpenAPI document and
the role-matrix tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from proxy.admin.roles import PUBLIC

ParamPlace = Literal["query", "path"]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False
    where: ParamPlace = "query"


# The paging parameters every list route takes.
PAGE = (
    Param("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "page size"),
    Param("before", {"type": "integer", "minimum": 1}, "cursor: records older than this id/seq"),
)


@dataclass(frozen=True, kw_only=True)
class RouteSpec:
    method: str
    path: str
    roles: frozenset[str]
    handler: Handler
    summary: str
    api: bool  # JSON API (in the OpenAPI document) or a console page
    params: tuple[Param, ...] = ()
    body: dict[str, Any] | None = None  # JSON schema of the request body (API) / form fields
    response: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    response_type: str = "application/json"
    tag: str = ""

    @property
    def public(self) -> bool:
        return self.roles == PUBLIC


ROUTES: list[RouteSpec] = []
_BY_HANDLER: dict[tuple[str, str], RouteSpec] = {}


def route(
    method: str,
    path: str,
    *,
    roles: frozenset[str],
    summary: str,
    api: bool,
    params: tuple[Param, ...] = (),
    body: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    response_type: str = "application/json",
    tag: str = "",
) -> Callable[[Handler], Handler]:
    """Declare an admin route and the roles allowed to call it."""
    if not path.startswith("/admin"):
        raise ValueError(f"admin routes live under /admin: {path}")
    if not roles:
        raise ValueError(f"{method} {path}: a route must name its roles")

    def deco(fn: Handler) -> Handler:
        spec = RouteSpec(
            method=method.upper(),
            path=path,
            roles=frozenset(roles),
            handler=fn,
            summary=summary,
            api=api,
            params=params,
            body=body,
            response=response or {"type": "object"},
            response_type=response_type,
            tag=tag,
        )
        key = (spec.method, spec.path)
        if key in _BY_HANDLER:
            raise ValueError(f"admin route declared twice: {method} {path}")
        ROUTES.append(spec)
        _BY_HANDLER[key] = spec
        return fn

    return deco


def _route_path(spec: RouteSpec) -> str:
    """aiohttp path: numeric ids constrained so /versions/diff is not taken for an id."""
    return spec.path.replace("{id}", r"{id:\d+}")


def register(app: web.Application) -> None:
    """Add every declared route to the app (more specific paths first)."""
    for spec in sorted(ROUTES, key=lambda s: ("{" in s.path, s.path)):
        app.router.add_route(spec.method, _route_path(spec), spec.handler)


def lookup(request: web.Request) -> RouteSpec | None:
    """The declaration behind the matched route, or None (then the route is refused)."""
    info = request.match_info
    resource = info.route.resource
    if resource is None:
        return None
    method = request.method if request.method != "HEAD" else "GET"
    for spec in (_BY_HANDLER.get((method, p)) for p in _paths_for(resource.canonical)):
        if spec is not None and spec.handler is info.handler:
            return spec
    return None


def _paths_for(canonical_path: str) -> tuple[str, ...]:
    return (canonical_path, canonical_path.replace(r"{id:\d+}", "{id}"))
