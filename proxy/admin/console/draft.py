"""Each user's draft policy: the editor, one rule at a time, the test bench, review and publish."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.admin import policy_ops
from proxy.admin.api import path_id
from proxy.admin.console.pages import page, posted_form, who
from proxy.admin.console.policy import error_block, rules_table
from proxy.admin.console.versions import changes_table, risk_block
from proxy.admin.drafts import load_draft, save_draft
from proxy.admin.html import badge, csrf_field, e, notice, table
from proxy.admin.roles import POLICY_WRITERS
from proxy.admin.routes import route
from proxy.admin.state_keys import VERSIONS
from proxy.policy import testbench
from proxy.policy import versions as policy_versions
from proxy.policy.edit import set_rule
from proxy.policy.model import Action, Policy
from proxy.yamlfile import ConfigError


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
    link = result.get("portal_link")
    if link and result["outgoing"] is not None:
        token_at = len(link) - 43
        leaves += (
            f'<p class="muted" id="notice-length">Notice: {len(result["outgoing"])} of at most '
            f"{result['max_length']} characters. Each link is {len(link)} characters: "
            f"<code>{e(link[:token_at])}</code> and a 43-character token "
            "(<code>server.public_base_url</code> sets the start).</p>"
        )
    view = f" (override {e(result['policy_view'])})" if result["policy_view"] else ""
    names = {"en": "English", "es": "Spanish"}
    lang = result.get("language", "en")
    language = (
        f'<p class="language">Language: <strong>{e(names.get(lang, lang))}</strong>'
        f" ({e(lang)}) — a portal notice and its pages would be written in it.</p>"
    )
    return f"""
<section class="card result" id="result"><h2>Result: {badge(result["action"])}{view}</h2>
{language}
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
    p = who(request)
    live = request.app[appkeys.POLICY].current
    text = await load_draft(request, p) if text is None else text
    draft: Policy | None = None
    err: ConfigError | None = None
    try:
        draft = policy_ops.parse_draft(text)
    except ConfigError as ex:
        err = ex
    if err is not None or draft is None:
        status_block = error_block(err) if err is not None else ""
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
<p>Publishing starts with a review: every setting the draft changes, and warnings for the risky
ones.</p>
<form method="get" action="/admin/policy/review">
  <button type="submit" class="danger"{disabled}>Review &amp; publish draft</button>
</form></section>"""
    return page(request, "Edit & test the policy", body, active="/admin/policy/edit", status=status)


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
    form = await posted_form(request)
    text = form.get("yaml", "")[: policy_ops.MAX_YAML].replace("\r\n", "\n")
    await save_draft(request, who(request), text)
    return await _edit_page(request, text=text, message=notice("Draft saved."))


@route(
    "POST", "/admin/policy/discard", roles=POLICY_WRITERS, summary="Discard the draft", api=False
)
async def policy_discard(request: web.Request) -> web.StreamResponse:
    await request.app[appkeys.STORE].execute(
        "DELETE FROM admin_drafts WHERE user_name = ?", who(request).name
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
    await save_draft(request, who(request), rec.yaml)
    raise web.HTTPSeeOther("/admin/policy/edit")


@route(
    "POST",
    "/admin/policy/rule",
    roles=POLICY_WRITERS,
    summary="Change one rule in the draft",
    api=False,
)
async def policy_rule(request: web.Request) -> web.StreamResponse:
    form = await posted_form(request)
    p = who(request)
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
    text = await load_draft(request, p)
    try:
        policy = policy_ops.parse_draft(text)
        from models import entities

        if entity not in entities.all_types() and entity not in policy.custom_types:
            raise ConfigError("<draft>", f"entities.{entity}", "unknown entity type")
        new_text = set_rule(text, entity, action.lower(), score)
        policy_ops.parse_draft(new_text)
    except ConfigError as ex:
        return await _edit_page(request, message=error_block(ex), status=422)
    await save_draft(request, p, new_text)
    raise web.HTTPSeeOther(f"/admin/policy/edit?saved={entity}")


@route(
    "POST",
    "/admin/policy/test",
    roles=POLICY_WRITERS,
    summary="Test a text against the draft",
    api=False,
)
async def policy_test_page(request: web.Request) -> web.Response:
    form = await posted_form(request)
    text = form.get("text", "")[: testbench.MAX_TEXT]
    sender = form.get("sender", "")[:64].strip()
    draft_text = await load_draft(request, who(request))
    try:
        policy = policy_ops.parse_draft(draft_text)
        result = await policy_ops.test_text(request, policy, text, sender or None)
    except ConfigError as ex:
        return await _edit_page(request, message=error_block(ex), test_text=text, status=422)
    return await _edit_page(request, test_text=text, sender=sender, result=result)


@route(
    "POST", "/admin/policy/publish", roles=POLICY_WRITERS, summary="Publish the draft", api=False
)
async def policy_publish_page(request: web.Request) -> web.StreamResponse:
    form = await posted_form(request)
    reason = form.get("reason", "").strip()[:500]
    p = who(request)
    text = await load_draft(request, p)
    try:
        draft = policy_ops.parse_draft(text)
    except ConfigError as ex:
        return await _edit_page(request, message=error_block(ex), status=422)
    live = request.app[appkeys.POLICY].current
    if form.get("reviewed", "") != draft.version:
        return await _review_page(
            request, draft, live, reason, "The draft changed since your review: review it again."
        )
    if not reason:
        return await _review_page(request, draft, live, reason, "Give a reason.")
    if policy_versions.risks(live, draft) and form.get("accept_risks") != "yes":
        return await _review_page(request, draft, live, reason, "Confirm the warnings first.")
    try:
        policy = await policy_ops.publish(request, text, p.name, reason)
    except ConfigError as ex:
        return await _edit_page(request, message=error_block(ex), status=422)
    except policy_ops.PublishFailed as ex:
        return await _edit_page(
            request, message=notice(f"Not published: {e(ex)}", "error"), status=503
        )
    await request.app[appkeys.STORE].execute("DELETE FROM admin_drafts WHERE user_name = ?", p.name)
    raise web.HTTPSeeOther(f"/admin/versions?published={policy.version}")


async def _review_page(
    request: web.Request, draft: Policy, live: Policy, reason: str = "", problem: str = ""
) -> web.Response:
    p = who(request)
    risks = policy_versions.risks(live, draft)
    accept = (
        '<label class="check"><input type="checkbox" name="accept_risks" value="yes" required>'
        " I have read the warnings above and want to publish anyway</label>"
        if risks
        else ""
    )
    body = f"""{notice(e(problem), "error") if problem else ""}
<p>Live <code>{e(live.version)}</code> → draft <code class="draft-version">{e(draft.version)}</code>
</p>
{risk_block(risks)}
<h2>What changes, setting by setting</h2>
{changes_table(policy_versions.diff_rules(live, draft))}
<section class="card narrow"><h2>Publish</h2>
<form method="post" action="/admin/policy/publish">{csrf_field(p)}
  <input type="hidden" name="reviewed" value="{e(draft.version)}">
  <label>Reason (kept with the version)
  <input name="reason" required maxlength="500" value="{e(reason)}"></label>
  {accept}
  <button type="submit" class="danger">Publish draft</button>
</form>
<p><a href="/admin/policy/edit">← Back to the draft</a></p></section>"""
    status = 400 if problem else 200
    return page(
        request, "Review before publishing", body, active="/admin/policy/edit", status=status
    )


@route(
    "GET",
    "/admin/policy/review",
    roles=POLICY_WRITERS,
    summary="Review the draft's changes before publishing",
    api=False,
)
async def policy_review_page(request: web.Request) -> web.Response:
    text = await load_draft(request, who(request))
    try:
        draft = policy_ops.parse_draft(text)
    except ConfigError as ex:
        return await _edit_page(request, message=error_block(ex), status=422)
    return await _review_page(request, draft, request.app[appkeys.POLICY].current)
