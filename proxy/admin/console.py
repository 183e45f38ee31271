"""The admin console: server-rendered pages under /admin/ (plain HTML forms, no JavaScript)."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin import charts, policy_ops
from proxy.admin.access import SESSION_COOKIE, secure_cookies
from proxy.admin.api import METRICS_READERS, POLICY_READERS, POLICY_WRITERS, audit_filter, path_id
from proxy.admin.api import diff_records as api_diff_records
from proxy.admin.auth import AuthError, Principal
from proxy.admin.html import badge, csrf_field, e, notice, page, table
from proxy.admin.params import int_param
from proxy.admin.roles import ANALYST, ANY, AUDITOR, DESCRIPTIONS, PUBLIC, ROLES, roles
from proxy.admin.routes import route
from proxy.admin.state_keys import AUTH, PRINCIPAL, VERSIONS
from proxy.audit import query as audit_query
from proxy.audit.log import AuditEvent, AuditUnavailable
from proxy.policy import testbench
from proxy.policy.edit import set_rule
from proxy.policy.model import Action, Policy
from proxy.store.interface import StoreUnavailable
from proxy.yamlfile import ConfigError

LOGIN_CSRF_COOKIE = "phi_admin_login"
STATIC = Path(__file__).resolve().parent / "static"


def _who(request: web.Request) -> Principal:
    p = request[PRINCIPAL]
    if p is None:  # the access middleware refuses non-public routes without one: never here
        raise web.HTTPUnauthorized()
    return p


def _page(request: web.Request, title: str, body: str, **kw: Any) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    return page(
        title,
        body,
        request.get(PRINCIPAL),
        monitor=policy.monitor,
        policy_version=policy.version,
        **kw,
    )


async def _form(request: web.Request) -> dict[str, str]:
    data = await request.post()
    return {k: v for k, v in data.items() if isinstance(v, str)}


# -- sign in / out ----------------------------------------------------------------------------


@route("GET", "/admin/static/admin.css", roles=PUBLIC, summary="Console stylesheet", api=False)
async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        text=(STATIC / "admin.css").read_text(encoding="utf-8"),
        content_type="text/css",
        headers={"Cache-Control": "max-age=3600"},
    )


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    token = secrets.token_urlsafe(24)
    body = f"""
<form class="card narrow" method="post" action="/admin/login">
  {notice(e(error), "error") if error else ""}
  <input type="hidden" name="csrf" value="{e(token)}">
  <label>User name <input name="name" autocomplete="username" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"
    required></label>
  <button type="submit">Sign in</button>
</form>"""
    resp = page("Sign in", body, None, status=status)
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        path="/admin/login",
        max_age=1800,
    )
    return resp


@route("GET", "/admin/login", roles=PUBLIC, summary="Sign-in form", api=False)
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


@route("POST", "/admin/login", roles=PUBLIC, summary="Sign in", api=False)
async def login(request: web.Request) -> web.StreamResponse:
    form = await _form(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, form.get("csrf", "")):
        return _login_page(request, "The form expired; please sign in again.", 403)
    auth = request.app[AUTH]
    name = form.get("name", "")
    try:
        result = await auth.sign_in(name, form.get("password", ""))
        if result is None:
            # audit failures only for real user names (a mistyped password in the name field is
            # not something to keep)
            known = await auth.is_user(name)
            await _audit_signin(request, name if known else "", "failed")
            if known and await auth.locked(name):
                return _login_page(request, "Too many failed attempts; try again later.", 429)
            return _login_page(request, "Wrong user name or password.", 401)
    except StoreUnavailable:  # the failure count cannot be read or kept: no sign-in (fail closed)
        return _login_page(request, "Sign-in is unavailable; try again later.", 503)
    token, principal = result
    await _audit_signin(request, principal.name, "ok")
    resp = web.HTTPSeeOther("/admin/")
    settings = request.app[appkeys.SETTINGS].admin
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        path="/admin",
        max_age=int(settings.session_max_hours * 3600),
    )
    resp.del_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return resp


async def _audit_signin(request: web.Request, actor: str, outcome: str) -> None:
    try:
        await request.app[appkeys.AUDIT].append(
            AuditEvent(kind="admin.signin", outcome=outcome, actor=actor)
        )
    except AuditUnavailable:
        raise web.HTTPServiceUnavailable(text="audit log unavailable") from None


@route("POST", "/admin/logout", roles=ANY, summary="Sign out", api=False)
async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[AUTH].sign_out(_who(request))
    resp = web.HTTPSeeOther("/admin/login")
    resp.del_cookie(SESSION_COOKIE, path="/admin")
    return resp


# -- home -------------------------------------------------------------------------------------


@route("GET", "/admin", roles=ANY, summary="Redirect to the console home", api=False)
async def home_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/admin/")


@route("GET", "/admin/", roles=ANY, summary="Console home", api=False)
async def home(request: web.Request) -> web.Response:
    p = _who(request)
    policy = request.app[appkeys.POLICY].current
    body = f"""
<div class="cards">
  <div class="card"><h2>Live policy</h2>
    <p class="big"><code>{e(policy.version)}</code></p>
    <p>{e(policy.name)} · mode <strong>{e(policy.mode)}</strong></p></div>
  <div class="card"><h2>You</h2><p class="big">{e(p.name)}</p>
    <p>{e(p.role)}: {e(DESCRIPTIONS.get(p.role, ""))}</p></div>
</div>"""
    return _page(request, "phi-proxy administration", body, active="/admin/")


# -- policy -----------------------------------------------------------------------------------


def rules_table(policy: Policy, editable: bool, principal: Principal | None = None) -> str:
    from models import entities

    known = entities.all_types()
    rows = []
    names = sorted(set(known) | set(policy.custom_types))
    for name in names:
        rule = policy.rule_for(name)
        t = known.get(name)
        family = t.family if t else policy.custom_types[name].family + " (custom)"
        listed = name in policy.rules
        if editable:
            options = "".join(
                f'<option value="{a.label}"{" selected" if a == rule.action else ""}>'
                f"{a.label}</option>"
                for a in Action
            )
            control = (
                f'<form class="inline" method="post" action="/admin/policy/rule">'
                f"{csrf_field(principal)}"
                f'<input type="hidden" name="entity" value="{e(name)}">'
                f'<select name="action" aria-label="action for {e(name)}">{options}</select>'
                f'<input name="min_score" type="number" min="0" max="1" step="0.05" '
                f'value="{rule.min_score:g}" aria-label="minimum score for {e(name)}">'
                f'<button type="submit" name="save" value="{e(name)}">Save</button></form>'
            )
            rows.append([f"<code>{e(name)}</code>", e(family), badge(rule.action.label), control])
        else:
            rows.append(
                [
                    f"<code>{e(name)}</code>",
                    e(family),
                    badge(rule.action.label),
                    f"{rule.min_score:g}",
                    f"<code>[{e(rule.label or (t.label if t else 'removed'))}]</code>"
                    + ("" if listed else ' <span class="muted">(default rule)</span>'),
                ]
            )
    headers = (
        ["Entity type", "Family", "Action", "Change"]
        if editable
        else ["Entity type", "Family", "Action", "Min score", "Redacted as"]
    )
    return table(headers, rows, "rules")


def policy_details(policy: Policy) -> str:
    parts = [
        f"<p>Default for unlisted types: {badge(policy.default_action.label)} at score ≥ "
        f"{policy.default_min_score:g}</p>"
    ]
    if policy.overrides:
        rows = [
            [
                e(o.name),
                ", ".join(f"<code>{e(s)}</code>" for s in o.senders),
                badge(o.default_action.label) if o.default_action else "(base)",
                ", ".join(
                    f"<code>{e(k)}</code> {badge(r.action.label)}"
                    for k, r in sorted(o.rules.items())
                ),
            ]
            for o in policy.overrides
        ]
        parts.append("<h2>Per-sender overrides</h2>")
        parts.append(table(["Override", "Senders", "Default", "Rules"], rows))
    if policy.recognizers:
        rows = [
            [
                e(r.name),
                f"<code>{e(r.supported_entity)}</code>",
                "<br>".join(f"<code>{e(p.regex)}</code> ({p.score:g})" for p in r.patterns),
                e(", ".join(r.context)),
                e(", ".join(r.deny_list)),
            ]
            for r in policy.recognizers
        ]
        parts.append("<h2>Custom recognizers</h2>")
        parts.append(table(["Name", "Entity", "Patterns (score)", "Context", "Deny list"], rows))
    a = policy.allow
    parts.append("<h2>Never PHI (the organisation's own details)</h2>")
    parts.append(
        table(
            ["Names", "Phones", "Websites", "Emails"],
            [[e(", ".join(x)) for x in (a.names, a.phones, a.websites, a.emails)]],
        )
    )
    return "".join(parts)


@route("GET", "/admin/policy", roles=POLICY_READERS, summary="The live policy", api=False)
async def policy_page(request: web.Request) -> web.Response:
    policy = request.app[appkeys.POLICY].current
    p = _who(request)
    actions = ""
    if p.role in POLICY_WRITERS:
        actions = (
            '<div class="actions"><a class="button" href="/admin/policy/edit">Edit &amp; test</a>'
            f'<form class="inline" method="post" action="/admin/policy/reload">{csrf_field(p)}'
            '<button class="secondary" type="submit">Reload from file</button></form></div>'
        )
    body = f"""
<p>Version <code class="version">{e(policy.version)}</code> · {e(policy.name)} · mode
<strong>{e(policy.mode)}</strong></p>
{actions}
{rules_table(policy, False)}
{policy_details(policy)}"""
    return _page(request, "Policy", body, active="/admin/policy")


async def _draft(request: web.Request, principal: Principal) -> str:
    row = await request.app[appkeys.STORE].fetchrow(
        "SELECT yaml FROM admin_drafts WHERE user_name = ?", principal.name
    )
    return row["yaml"] if row else request.app[appkeys.POLICY].current.text


async def _save_draft(request: web.Request, principal: Principal, text: str) -> None:
    db = request.app[appkeys.STORE]
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM admin_drafts WHERE user_name = ?", principal.name)
        await tx.execute(
            "INSERT INTO admin_drafts (user_name, yaml, updated_at) VALUES (?, ?, ?)",
            principal.name,
            text,
            time.time(),
        )


def _error_block(err: ConfigError) -> str:
    where = f"line {err.line}" if err.line else "the file"
    return notice(
        f"<strong>Not valid</strong> — {e(where)}, key <code>{e(err.key or '(top level)')}</code>:"
        f" {e(err.reason)}",
        "error",
    )


def _numbered(text: str, bad_line: int | None) -> str:
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        cls = ' class="bad"' if i == bad_line else ""
        out.append(f"<span{cls}><i>{i}</i>{e(line)}</span>")
    return '<pre class="numbered">' + "".join(out) + "</pre>"


def _test_result(result: dict[str, Any]) -> str:
    rows = [
        [
            f"<code>{e(f['type'])}</code>",
            f"<mark>{e(f['text'])}</mark>",
            f"{f['score']:.2f}",
            badge(f["rule"]["action"]) + f" ≥ {f['rule']['min_score']:g}",
            "acts" if f["acts"] else '<span class="muted">no (allowed or below threshold)</span>',
        ]
        for f in result["findings"]
    ]
    leaves = (
        f'<pre class="outgoing">{e(result["outgoing"])}</pre>'
        if result["outgoing"] is not None
        else '<p class="outgoing blocked">Nothing leaves: the message is blocked.</p>'
    )
    view = f" (override {e(result['policy_view'])})" if result["policy_view"] else ""
    return f"""
<section class="card result" id="result"><h2>Result: {badge(result["action"])}{view}</h2>
{
        ""
        if result["action"] == result["would_action"]
        else notice("Monitor mode: enforce would " + e(result["would_action"]), "error")
    }
{table(["Type", "Found", "Score", "Rule", "Acts?"], rows) if rows else "<p>No findings.</p>"}
<h3>What leaves</h3>{leaves}</section>"""


async def _edit_page(
    request: web.Request,
    *,
    text: str | None = None,
    message: str = "",
    test_text: str = "",
    sender: str = "",
    result: dict[str, Any] | None = None,
    status: int = 200,
) -> web.Response:
    p = _who(request)
    live = request.app[appkeys.POLICY].current
    text = await _draft(request, p) if text is None else text
    draft: Policy | None = None
    err: ConfigError | None = None
    try:
        draft = policy_ops.parse_draft(text)
    except ConfigError as ex:
        err = ex
    if err is not None or draft is None:
        status_block = _error_block(err) if err is not None else ""
    elif draft.version == live.version:
        status_block = notice(f"Draft is the live policy <code>{e(live.version)}</code>.", "info")
    else:
        status_block = notice(
            f"Draft is valid: version <code class='draft-version'>{e(draft.version)}</code> "
            f"(live: <code>{e(live.version)}</code>).",
            "ok",
        )
    csrf = csrf_field(p)
    disabled = " disabled" if err is not None else ""
    rules = rules_table(draft, True, p) if draft else ""
    body = f"""
{message}
{status_block}
<div class="grid2">
<section class="card"><h2>Rules</h2>{rules or "<p>Fix the YAML to edit rules.</p>"}</section>
<section class="card"><h2>Test bench</h2>
<form method="post" action="/admin/policy/test">{csrf}
  <label>Paste a text, see what leaves
  <textarea name="text" rows="5" required>{e(test_text)}</textarea></label>
  <label>Sender (optional: From number or MessagingServiceSid)
  <input name="sender" value="{e(sender)}"></label>
  <button type="submit">Test against the draft</button>
</form>
{_test_result(result) if result else ""}
</section>
</div>
<section class="card"><h2>Draft YAML</h2>
<form method="post" action="/admin/policy/draft">{csrf}
  <textarea name="yaml" rows="24" class="code" spellcheck="false">{e(text)}</textarea>
  <button type="submit">Save draft &amp; validate</button>
</form>
<form method="post" action="/admin/policy/discard">{csrf}
  <button class="secondary" type="submit">Discard draft (start again from the live policy)</button>
</form>
{_numbered(text, err.line) if err is not None and err.line else ""}
</section>
<section class="card"><h2>Publish</h2>
<form method="post" action="/admin/policy/publish">{csrf}
  <label>Reason (kept with the version)
  <input name="reason" required maxlength="500"></label>
  <button type="submit" class="danger"{disabled}>Publish draft</button>
</form></section>"""
    return _page(
        request, "Edit & test the policy", body, active="/admin/policy/edit", status=status
    )


@route(
    "GET",
    "/admin/policy/edit",
    roles=POLICY_WRITERS,
    summary="Draft editor and test bench",
    api=False,
)
async def policy_edit(request: web.Request) -> web.Response:
    message = ""
    if request.query.get("saved"):
        message = notice(f"Rule for <code>{e(request.query['saved'])}</code> saved to the draft.")
    return await _edit_page(request, message=message)


@route(
    "POST", "/admin/policy/draft", roles=POLICY_WRITERS, summary="Save the draft YAML", api=False
)
async def policy_draft(request: web.Request) -> web.Response:
    form = await _form(request)
    text = form.get("yaml", "")[: policy_ops.MAX_YAML].replace("\r\n", "\n")
    await _save_draft(request, _who(request), text)
    return await _edit_page(request, text=text, message=notice("Draft saved."))


@route(
    "POST", "/admin/policy/discard", roles=POLICY_WRITERS, summary="Discard the draft", api=False
)
async def policy_discard(request: web.Request) -> web.StreamResponse:
    await request.app[appkeys.STORE].execute(
        "DELETE FROM admin_drafts WHERE user_name = ?", _who(request).name
    )
    raise web.HTTPSeeOther("/admin/policy/edit")


@route(
    "POST",
    "/admin/versions/{id}/draft",
    roles=POLICY_WRITERS,
    summary="Load an old version into the draft (to test and republish it)",
    api=False,
)
async def version_to_draft(request: web.Request) -> web.StreamResponse:
    rec = await request.app[VERSIONS].get(path_id(request))
    if rec is None:
        raise web.HTTPNotFound(text="no such version")
    await _save_draft(request, _who(request), rec.yaml)
    raise web.HTTPSeeOther("/admin/policy/edit")


@route(
    "POST",
    "/admin/policy/rule",
    roles=POLICY_WRITERS,
    summary="Change one rule in the draft",
    api=False,
)
async def policy_rule(request: web.Request) -> web.StreamResponse:
    form = await _form(request)
    p = _who(request)
    entity, action = form.get("entity", ""), form.get("action", "")
    try:
        score = float(form.get("min_score", ""))
        Action.parse(action)
        if not 0 <= score <= 1:
            raise ValueError
    except ValueError:
        return await _edit_page(
            request,
            message=notice("Choose an action and a score between 0 and 1.", "error"),
            status=400,
        )
    text = await _draft(request, p)
    try:
        policy = policy_ops.parse_draft(text)
        from models import entities

        if entity not in entities.all_types() and entity not in policy.custom_types:
            raise ConfigError("<draft>", f"entities.{entity}", "unknown entity type")
        new_text = set_rule(text, entity, action.lower(), score)
        policy_ops.parse_draft(new_text)
    except ConfigError as ex:
        return await _edit_page(request, message=_error_block(ex), status=422)
    await _save_draft(request, p, new_text)
    raise web.HTTPSeeOther(f"/admin/policy/edit?saved={entity}")


@route(
    "POST",
    "/admin/policy/test",
    roles=POLICY_WRITERS,
    summary="Test a text against the draft",
    api=False,
)
async def policy_test_page(request: web.Request) -> web.Response:
    form = await _form(request)
    text = form.get("text", "")[: testbench.MAX_TEXT]
    sender = form.get("sender", "")[:64].strip()
    draft_text = await _draft(request, _who(request))
    try:
        policy = policy_ops.parse_draft(draft_text)
        result = await policy_ops.test_text(request, policy, text, sender or None)
    except ConfigError as ex:
        return await _edit_page(request, message=_error_block(ex), test_text=text, status=422)
    return await _edit_page(request, test_text=text, sender=sender, result=result)


@route(
    "POST", "/admin/policy/publish", roles=POLICY_WRITERS, summary="Publish the draft", api=False
)
async def policy_publish_page(request: web.Request) -> web.StreamResponse:
    form = await _form(request)
    reason = form.get("reason", "").strip()[:500]
    p = _who(request)
    if not reason:
        return await _edit_page(request, message=notice("Give a reason.", "error"), status=400)
    text = await _draft(request, p)
    try:
        policy = await policy_ops.publish(request, text, p.name, reason)
    except ConfigError as ex:
        return await _edit_page(request, message=_error_block(ex), status=422)
    except policy_ops.PublishFailed as ex:
        return await _edit_page(
            request, message=notice(f"Not published: {e(ex)}", "error"), status=503
        )
    await request.app[appkeys.STORE].execute("DELETE FROM admin_drafts WHERE user_name = ?", p.name)
    raise web.HTTPSeeOther(f"/admin/versions?published={policy.version}")


@route(
    "POST",
    "/admin/policy/reload",
    roles=POLICY_WRITERS,
    summary="Re-read the policy file",
    api=False,
)
async def policy_reload_page(request: web.Request) -> web.StreamResponse:
    try:
        policy = await policy_ops.reload(request, _who(request).name, "reload from the console")
    except ConfigError as ex:
        return _page(request, "Reload refused", _error_block(ex), status=422)
    except policy_ops.PublishFailed as ex:
        return _page(request, "Reload refused", notice(e(ex), "error"), status=409)
    raise web.HTTPSeeOther(f"/admin/versions?published={policy.version}")


# -- versions ---------------------------------------------------------------------------------


@route("GET", "/admin/versions", roles=POLICY_READERS, summary="Version history", api=False)
async def versions_page(request: web.Request) -> web.Response:
    before = int_param(request, "before", None, 1, 2**62)
    rows = await request.app[VERSIONS].list(50, before)
    live = request.app[appkeys.POLICY].current.version
    message = ""
    if request.query.get("published"):
        message = notice(
            f"Version <code class='published'>{e(request.query['published'])}</code> is live."
        )
    trs = []
    for i, r in enumerate(rows):
        trs.append(
            [
                f'<input type="radio" name="from" value="{r.id}"{" checked" if i == 1 else ""}'
                f' aria-label="compare from #{r.id}">'
                f'<input type="radio" name="to" value="{r.id}"{" checked" if i == 0 else ""}'
                f' aria-label="compare to #{r.id}">',
                f'<a href="/admin/versions/{r.id}">#{r.id}</a>',
                f"<code>{e(r.version)}</code>"
                + (' <span class="live">live</span>' if r.version == live and i == 0 else ""),
                e(r.event),
                e(r.actor),
                e(r.reason),
                e(audit_query.iso(r.ts)),
            ]
        )
    more = (
        f'<p><a href="/admin/versions?before={rows[-1].id}">Older →</a></p>'
        if len(rows) == 50
        else ""
    )
    body = f"""{message}
<form method="get" action="/admin/versions/diff">
{table(["From / to", "Id", "Version", "Event", "Who", "Why", "When (UTC)"], trs, "versions")}
<button type="submit">Compare selected</button></form>{more}"""
    return _page(request, "Policy versions", body, active="/admin/versions")


@route(
    "GET", "/admin/versions/diff", roles=POLICY_READERS, summary="Compare two versions", api=False
)
async def versions_diff_page(request: web.Request) -> web.Response:
    a = int_param(request, "from", None, 1, 2**62)
    b = int_param(request, "to", None, 1, 2**62)
    if a is None or b is None:
        return _page(request, "Compare versions", notice("Pick two versions.", "error"), status=400)
    d = await api_diff_records(request, a, b)
    rules = table(
        ["What", "Before", "After"],
        [
            [f"<code>{e(c['what'])}</code>", _fmt_rule(c["old"]), _fmt_rule(c["new"])]
            for c in d["rule_changes"]
        ],
    )
    lines = []
    for line in d["text_diff"]:
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx"
        lines.append(f'<span class="{cls}">{e(line)}</span>')
    body = f"""
<p>From <code>{e(d["from"]["version"])}</code> (#{d["from"]["id"]}) to
<code>{e(d["to"]["version"])}</code> (#{d["to"]["id"]}).</p>
<h2>What changed in meaning</h2>{rules if d["rule_changes"] else "<p>No rule changes.</p>"}
<h2>Text</h2><pre class="diff">{"".join(lines) or "identical"}</pre>"""
    return _page(request, "Compare versions", body, active="/admin/versions")


def _fmt_rule(value: Any) -> str:
    if value is None:
        return '<span class="muted">(not set)</span>'
    if isinstance(value, dict) and "action" in value:
        return f"{badge(str(value['action']))} ≥ {e(value.get('min_score'))}"
    return f"<code>{e(json.dumps(value, sort_keys=True))}</code>"


@route("GET", "/admin/versions/{id}", roles=POLICY_READERS, summary="One version's YAML", api=False)
async def version_page(request: web.Request) -> web.Response:
    rec = await request.app[VERSIONS].get(path_id(request))
    if rec is None:
        raise web.HTTPNotFound(text="no such version")
    p = _who(request)
    restore = ""
    if p.role in POLICY_WRITERS:
        restore = (
            f'<form method="post" action="/admin/versions/{rec.id}/draft">{csrf_field(p)}'
            '<button type="submit">Load into my draft (to test and republish)</button></form>'
        )
    body = f"""<p><code>{e(rec.version)}</code> · {e(rec.event)} by {e(rec.actor)} at
{e(audit_query.iso(rec.ts))} UTC — {e(rec.reason)}</p>{restore}
<pre class="code">{e(rec.yaml)}</pre>"""
    return _page(request, f"Version #{rec.id}", body, active="/admin/versions")


# -- audit, charts, exports -------------------------------------------------------------------


@route("GET", "/admin/audit", roles=roles(AUDITOR), summary="The audit log with filters", api=False)
async def audit_page(request: web.Request) -> web.Response:
    f = audit_filter(request)
    result = await audit_query.search(request.app[appkeys.STORE], f)
    q = request.query
    options = "".join(
        f'<option value="{a}"{" selected" if q.get("action") == a else ""}>{a or "any"}</option>'
        for a in ("", *[x.label for x in Action])
    )
    form = f"""
<form class="filters" method="get" action="/admin/audit">
  <label>Kind
    <input name="kind" value="{e(q.get("kind", ""))}" placeholder="send, policy.*"></label>
  <label>Since <input name="since" value="{e(q.get("since", ""))}" placeholder="2026-11-01"></label>
  <label>Until <input name="until" value="{e(q.get("until", ""))}"></label>
  <label>Action <select name="action">{options}</select></label>
  <label>Entity type <input name="entity_type" value="{e(q.get("entity_type", ""))}"></label>
  <label>Per page <input name="limit" type="number" min="1" max="200" value="{f.limit}"></label>
  <button type="submit">Filter</button>
</form>"""
    rows = [
        [
            str(r["seq"]),
            e(r["time"]),
            f"<code>{e(r['kind'])}</code>",
            e(r.get("outcome", "")),
            badge(r["action"]) if r.get("action") else "",
            e(", ".join(r.get("entity_types") or ())),
            f"<code>{e(r.get('policy_version', ''))}</code>",
            e(r.get("actor") or r.get("provider") or ""),
            e(r.get("recipient", "")),
        ]
        for r in result.records
    ]
    nxt = ""
    if result.next_before:
        params = {k: v for k, v in q.items() if k != "before"}
        params["before"] = str(result.next_before)
        qs = "&amp;".join(f"{e(k)}={e(v)}" for k, v in params.items())
        nxt = f'<p><a href="/admin/audit?{qs}">Older →</a></p>'
    headers = [
        "#",
        "Time (UTC)",
        "Kind",
        "Outcome",
        "Action",
        "Types",
        "Policy",
        "Who/via",
        "Recipient",
    ]
    body = form + (table(headers, rows, "audit") if rows else "<p>No records match.</p>") + nxt
    return _page(request, "Audit log", body, active="/admin/audit")


@route(
    "GET", "/admin/charts", roles=METRICS_READERS, summary="Decisions per day, as charts", api=False
)
async def charts_page(request: web.Request) -> web.Response:
    days = int_param(request, "days", 14, 1, 366) or 14
    daily = await audit_query.daily_decisions(request.app[appkeys.STORE], days)
    actions = [a.label for a in Action]
    by_type = daily.totals("entity_type")
    types = charts.top_keys(by_type)
    series_types = {d: daily.by_entity_type[d] for d in daily.days}
    svg_a = charts.stacked_bars(
        "Decisions per day by action", daily.days, daily.by_action, actions, charts.ACTION_COLOURS
    )
    svg_t = charts.stacked_bars(
        "Findings per day by entity type (top types)",
        daily.days,
        series_types,
        types,
        charts.entity_colours(types),
    )
    totals = daily.totals("action")
    summary = table(
        ["Action", "Decisions"], [[badge(a), str(totals[a])] for a in actions if totals[a]]
    )
    picker = " · ".join(f'<a href="/admin/charts?days={n}">{n} days</a>' for n in (7, 14, 30, 90))
    body = f"""<p>{picker}</p>
<figure class="card">{svg_a}</figure>
<figure class="card">{svg_t}</figure>
<h2>Totals ({days} days)</h2>{summary}"""
    return _page(request, "Decisions", body, active="/admin/charts")


@route("GET", "/admin/exports", roles=roles(ANALYST, AUDITOR), summary="Exports", api=False)
async def exports_page(request: web.Request) -> web.Response:
    body = """<p>Counts only — no message text, no phone numbers.</p>
<ul class="links">
<li><a href="/admin/api/exports/decisions.csv?days=30">Decisions per day, last 30 days
 (CSV)</a></li>
<li><a href="/admin/api/exports/decisions.csv?days=90">Decisions per day, last 90 days
 (CSV)</a></li>
</ul>"""
    return _page(request, "Exports", body, active="/admin/exports")


# -- users ------------------------------------------------------------------------------------


async def _users_page(request: web.Request, message: str = "", status: int = 200) -> web.Response:
    p = _who(request)
    users = await request.app[AUTH].users()
    csrf = csrf_field(p)
    rows = []
    for u in users:
        keys = ", ".join(
            f"<code>{e(k['id'])}</code>" + (" (revoked)" if k["revoked_at"] else "")
            for k in u["keys"]  # type: ignore[attr-defined]
        )
        revoke = (
            ""
            if u["revoked_at"]
            else f'<form class="inline" method="post" action="/admin/users/{e(u["name"])}/revoke">'
            f'{csrf}<button class="danger" type="submit">Revoke</button></form>'
        )
        rows.append(
            [
                e(u["name"]),
                e(u["role"]),
                "revoked" if u["revoked_at"] else "active",
                keys,
                revoke,
            ]
        )
    role_opts = "".join(f'<option value="{r}">{r} — {e(DESCRIPTIONS[r])}</option>' for r in ROLES)
    body = f"""{message}
{table(["User", "Role", "State", "API keys", ""], rows)}
<section class="card narrow"><h2>Add a user</h2>
<form method="post" action="/admin/users">{csrf}
<label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9_.@-]{{0,63}}"></label>
<label>Role <select name="role">{role_opts}</select></label>
<button type="submit">Add user</button></form></section>"""
    return _page(request, "Users & API keys", body, active="/admin/users", status=status)


@route("GET", "/admin/users", roles=roles(), summary="Users and keys", api=False)
async def users_page(request: web.Request) -> web.Response:
    return await _users_page(request)


async def _audit(request: web.Request, kind: str, details: dict[str, Any]) -> None:
    try:
        await request.app[appkeys.AUDIT].append(
            AuditEvent(kind=kind, outcome="done", actor=_who(request).name, details=details)
        )
    except AuditUnavailable:
        raise web.HTTPServiceUnavailable(text="audit log unavailable") from None


@route("POST", "/admin/users", roles=roles(), summary="Add a user", api=False)
async def users_add_page(request: web.Request) -> web.Response:
    form = await _form(request)
    try:
        new = await request.app[AUTH].add_user(form.get("name", ""), form.get("role", ""))
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 400)
    await _audit(request, "admin.user.add", {"user": new.name, "role": new.role})
    shown = notice(
        f"User <strong>{e(new.name)}</strong> ({e(new.role)}) added. Copy these now — they are "
        f"shown once and stored only as hashes.<br>Password: <code class='secret'>"
        f"{e(new.password)}</code><br>API key: <code class='secret'>{e(new.api_key)}</code>",
        "info",
    )
    return await _users_page(request, shown)


@route("POST", "/admin/users/{name}/revoke", roles=roles(), summary="Revoke a user", api=False)
async def users_revoke_page(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    try:
        await request.app[AUTH].revoke_user(name)
    except AuthError as ex:
        return await _users_page(request, notice(e(ex), "error"), 404)
    await _audit(request, "admin.user.revoke", {"user": name})
    return await _users_page(request, notice(f"{e(name)} revoked (keys and sessions too)."))
