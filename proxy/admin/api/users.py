"""Users and API keys (admin only): list, add, revoke, unlock; every change audited."""

from __future__ import annotations

from aiohttp import web

from proxy.admin.audit_events import record
from proxy.admin.auth import AuthError, LastAdmin, UserExists
from proxy.admin.params import bad_request, json_object, required_text, text_field
from proxy.admin.roles import DEFAULT_ROLE, ROLES, roles
from proxy.admin.routes import Param, route
from proxy.admin.state_keys import AUTH

_NAME = Param(
    "name",
    {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"},
    "user",
    True,
    "path",
)


@route(
    "GET",
    "/admin/api/users",
    roles=roles(),
    summary="Users and their keys (no secrets)",
    api=True,
    tag="users",
)
async def users_list(request: web.Request) -> web.Response:
    return web.json_response({"users": await request.app[AUTH].users()})


_USER_BODY = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"},
        "role": {"type": "string", "enum": list(ROLES), "default": DEFAULT_ROLE},
    },
}


@route(
    "POST",
    "/admin/api/users",
    roles=roles(),
    summary="Add a user (password and API key shown once)",
    api=True,
    body=_USER_BODY,
    tag="users",
)
async def users_add(request: web.Request) -> web.Response:
    body = await json_object(request)
    name = required_text(body, "name", max_len=64)
    role = text_field(body, "role", required=False, max_len=32) or DEFAULT_ROLE
    try:
        new = await request.app[AUTH].add_user(name, role)
    except UserExists as e:
        raise bad_request(str(e), 409) from None
    except AuthError as e:
        raise bad_request(str(e), 400) from None
    await record(request, "admin.user.add", details={"user": name, "role": role}, json_error=True)
    return web.json_response(
        {
            "name": new.name,
            "role": new.role,
            "password": new.password,
            "api_key": new.api_key,
            "key_id": new.key_id,
        },
        status=201,
    )


@route(
    "POST",
    "/admin/api/users/{name}/revoke",
    roles=roles(),
    summary="Revoke a user, their keys and sessions",
    api=True,
    params=(_NAME,),
    tag="users",
)
async def users_revoke(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        await request.app[AUTH].revoke_user(name)
    except LastAdmin as e:
        raise bad_request(str(e), 409) from None
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await record(request, "admin.user.revoke", details={"user": name}, json_error=True)
    return web.json_response({"revoked": name})


@route(
    "POST",
    "/admin/api/users/{name}/unlock",
    roles=roles(),
    summary="Lift a user name's sign-in back-off after failed attempts",
    api=True,
    params=(_NAME,),
    tag="users",
)
async def users_unlock(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not await request.app[AUTH].is_user(name):
        raise bad_request(f"no such user: {name}", 404)
    await request.app[AUTH].unlock(name)
    await record(request, "admin.user.unlock", details={"user": name}, json_error=True)
    return web.json_response({"unlocked": name})


@route(
    "POST",
    "/admin/api/users/{name}/keys",
    roles=roles(),
    summary="Issue another API key (shown once)",
    api=True,
    params=(_NAME,),
    tag="users",
)
async def keys_add(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        key_id, key = await request.app[AUTH].add_key(name)
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await record(
        request, "admin.key.add", details={"user": name, "key_id": key_id}, json_error=True
    )
    return web.json_response({"key_id": key_id, "api_key": key}, status=201)


@route(
    "POST",
    "/admin/api/keys/{key_id}/revoke",
    roles=roles(),
    summary="Revoke an API key",
    api=True,
    params=(
        Param("key_id", {"type": "string", "pattern": "^[0-9a-f]{8}$"}, "key id", True, "path"),
    ),
    tag="users",
)
async def keys_revoke(request: web.Request) -> web.Response:
    key_id = request.match_info["key_id"]
    try:
        await request.app[AUTH].revoke_key(key_id)
    except AuthError as e:
        raise bad_request(str(e), 404) from None
    await record(request, "admin.key.revoke", details={"key_id": key_id}, json_error=True)
    return web.json_response({"revoked": key_id})
