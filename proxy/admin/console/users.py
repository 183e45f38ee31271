"""Users and API keys (admin only): add, change role, unlock, revoke (with a confirmation page)."""

from __future__ import annotations

from aiohttp import web

from proxy.admin.audit_events import record
from proxy.admin.auth import AuthError, LastAdmin
from proxy.admin.console.pages import page, posted_form, who
from proxy.admin.html import csrf_field, e, notice, table
from proxy.admin.roles import DEFAULT_ROLE, DESCRIPTIONS, ROLES, roles
from proxy.admin.routes import route
from proxy.admin.state_keys import AUTH


async def _users_page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    p = who(request)
    auth = request.app[AUTH]
    users = await auth.users()
    csrf = csrf_field(p)
    rows = []
    for u in users:
        name = str(u["name"])
        active = not u["revoked_at"]
        # a name in its sign-in back-off (issue #18) gets its state and an Unlock button
        locked = active and await auth.locked(name)
        state = "active" if active else "revoked"
        if locked:
            state = (
                "locked out (failed sign-ins) "
                f'<form class="inline" method="post" action="/admin/users/{e(name)}/unlock">'
                f'{csrf}<button class="secondary small" type="submit">Unlock</button></form>'
            )
        keys = "".join(
            f"<li><code>{e(k['id'])}</code>"
            + (
                " (revoked)"
                if k["revoked_at"]
                else f' <a class="button secondary small" href="/admin/keys/{e(k["id"])}/revoke">'
                "Revoke key…</a>"
            )
            + "</li>"
            for k in u["keys"]  # type: ignore[attr-defined]
        )
        issue = (
            f'<form class="inline" method="post" action="/admin/users/{e(name)}/keys">{csrf}'
            '<button class="secondary small" type="submit">Issue a key</button></form>'
            if active
            else ""
        )
        role_form = (
            f'<form class="inline" method="post" action="/admin/users/{e(name)}/role">{csrf}'
            f'<select name="role" aria-label="Role of {e(name)}">'
            + "".join(
                f'<option value="{r}"{" selected" if r == u["role"] else ""}>{r}</option>'
                for r in ROLES
            )
            + '</select><button class="secondary small" type="submit">Change</button></form>'
            if active
            else e(u["role"])
        )
        revoke = (
            f'<a class="button danger small" href="/admin/users/{e(name)}/revoke">Revoke…</a>'
            if active
            else ""
        )
        rows.append(
            [
                e(name),
                role_form,
                state,
                f'<ul class="keys">{keys}</ul>{issue}',
                revoke,
            ]
        )
    role_opts = "".join(
        f'<option value="{r}"{" selected" if r == DEFAULT_ROLE else ""}>{r} — '
        f"{e(DESCRIPTIONS[r])}</option>"
        for r in ROLES
    )
    body = f"""{message}
<div class="scroll">{table(["User", "Role", "State", "API keys", ""], rows, "users")}</div>
<section class="card narrow"><h2>Add a user</h2>
<form method="post" action="/admin/users">{csrf}
<label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.@-]{{0,63}}"></label>
<label>Role (the least privileged is chosen until you pick another)
<select name="role">{role_opts}</select></label>
<button type="submit">Add user</button></form></section>"""
    return page(request, "Users & API keys", body, active="/admin/users", status=status)


def _confirm_page(
    request: web.Request, title: str, text: str, action: str, button: str
) -> web.Response:
    p = who(request)
    body = f"""{notice(text, "error")}
<form method="post" action="{e(action)}">{csrf_field(p)}
<input type="hidden" name="confirm" value="yes">
<div class="actions"><button class="danger" type="submit">{e(button)}</button>
<a href="/admin/users">Cancel</a></div></form>"""
    return page(request, title, body, active="/admin/users")


@route("GET", "/admin/users", roles=roles(), summary="Users and keys", api=False)
async def users_page(request: web.Request) -> web.Response:
    return await _users_page(request)


@route("POST", "/admin/users", roles=roles(), summary="Add a user", api=False)
async def users_add_page(request: web.Request) -> web.Response:
    form = await posted_form(request)
    try:
        new = await request.app[AUTH].add_user(
            form.get("name", ""), form.get("role") or DEFAULT_ROLE
        )
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 400)
    await record(request, "admin.user.add", details={"user": new.name, "role": new.role})
    shown = notice(
        f"User <strong>{e(new.name)}</strong> ({e(new.role)}) added. Copy these now — they are "
        f"shown once and stored only as hashes.<br>Password: <code class='secret'>"
        f"{e(new.password)}</code><br>API key: <code class='secret'>{e(new.api_key)}</code>",
        "info",
    )
    return await _users_page(request, shown)


@route(
    "POST",
    "/admin/users/{name}/unlock",
    roles=roles(),
    summary="Lift a user's sign-in back-off",
    api=False,
)
async def users_unlock_page(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not await request.app[AUTH].is_user(name):
        return await _users_page(request, notice(f"no such user: {e(name)}", "error"), 404)
    await request.app[AUTH].unlock(name)
    await record(request, "admin.user.unlock", details={"user": name})
    return await _users_page(request, notice(f"{e(name)} may sign in again."))


@route(
    "GET", "/admin/users/{name}/revoke", roles=roles(), summary="Confirm revoking a user", api=False
)
async def users_revoke_confirm(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    return _confirm_page(
        request,
        f"Revoke {name}?",
        f"<strong>{e(name)}</strong> will no longer be able to sign in; their API keys stop "
        "working and their sessions end now. This cannot be undone (add the user again instead).",
        f"/admin/users/{name}/revoke",
        f"Revoke {name}",
    )


@route("POST", "/admin/users/{name}/revoke", roles=roles(), summary="Revoke a user", api=False)
async def users_revoke_page(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    form = await posted_form(request)
    if form.get("confirm") != "yes":
        return await users_revoke_confirm(request)
    try:
        await request.app[AUTH].revoke_user(name)
    except LastAdmin as ex:
        return await _users_page(request, notice(e(ex), "error"), 409)
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 404)
    await record(request, "admin.user.revoke", details={"user": name})
    return await _users_page(request, notice(f"{e(name)} revoked (keys and sessions too)."))


@route("POST", "/admin/users/{name}/role", roles=roles(), summary="Change a user's role", api=False)
async def users_role_page(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    role = (await posted_form(request)).get("role", "")
    try:
        await request.app[AUTH].set_role(name, role)
    except LastAdmin as ex:
        return await _users_page(request, notice(e(ex), "error"), 409)
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 400)
    await record(request, "admin.user.role", details={"user": name, "role": role})
    return await _users_page(
        request, notice(f"{e(name)} is now {e(role)} (signed out of the console).")
    )


@route("POST", "/admin/users/{name}/keys", roles=roles(), summary="Issue an API key", api=False)
async def keys_add_page(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        key_id, key = await request.app[AUTH].add_key(name)
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 404)
    await record(request, "admin.key.add", details={"user": name, "key_id": key_id})
    shown = notice(
        f"API key <code>{e(key_id)}</code> for <strong>{e(name)}</strong>. Copy it now — it is "
        f"shown once and stored only as a hash:<br><code class='secret'>{e(key)}</code>",
        "info",
    )
    return await _users_page(request, shown)


@route(
    "GET", "/admin/keys/{key_id}/revoke", roles=roles(), summary="Confirm revoking a key", api=False
)
async def keys_revoke_confirm(request: web.Request) -> web.Response:
    key_id = request.match_info["key_id"]
    owner = await request.app[AUTH].key_owner(key_id)
    if owner is None:
        raise web.HTTPNotFound(text="no such key")
    return _confirm_page(
        request,
        f"Revoke key {key_id}?",
        f"API key <code>{e(key_id)}</code> of <strong>{e(owner)}</strong> stops working now; "
        "anything using it will be refused.",
        f"/admin/keys/{key_id}/revoke",
        "Revoke key",
    )


@route("POST", "/admin/keys/{key_id}/revoke", roles=roles(), summary="Revoke a key", api=False)
async def keys_revoke_page(request: web.Request) -> web.StreamResponse:
    key_id = request.match_info["key_id"]
    if (await posted_form(request)).get("confirm") != "yes":
        return await keys_revoke_confirm(request)
    try:
        await request.app[AUTH].revoke_key(key_id)
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 404)
    await record(request, "admin.key.revoke", details={"key_id": key_id})
    return await _users_page(request, notice(f"Key <code>{e(key_id)}</code> revoked."))
