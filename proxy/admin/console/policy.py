"""The live policy, read-only: its rules and settings; reload it from the file."""

from __future__ import annotations

from aiohttp import web

from proxy import appkeys
from proxy.admin import policy_ops
from proxy.admin.auth import Principal
from proxy.admin.console.pages import page, who
from proxy.admin.html import badge, csrf_field, e, notice, table
from proxy.admin.roles import POLICY_READERS, POLICY_WRITERS
from proxy.admin.routes import route
from proxy.policy.model import Action, Policy
from proxy.yamlfile import ConfigError


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
    ps = policy.portal
    parts.append("<h2>Secure portal</h2>")
    parts.append(
        table(
            ["Setting", "Value"],
            [
                ["Organization", e(ps.organization)],
                ["Clinic phone", e(ps.phone or "(not set)")],
                ["Verification", e(ps.verification)],
                ["Link expiry", e(f"{ps.expiry_hours:g} hours")],
                ["View once", "yes" if ps.view_once else "no"],
                ["Wrong answers before locking", e(ps.max_attempts)],
                ["Notice length limit", e(f"{ps.max_length} characters")],
                ["Records kept", e(f"{ps.retention_days:g} days")],
                ["Time zone", e(ps.timezone)],
                ["Notice template", f"<code>{e(ps.template)}</code>"],
            ],
            "portal-settings",
        )
    )
    an = policy.analytics
    parts.append("<h2>Analytics</h2>")
    parts.append(
        table(
            ["Setting", "Value"],
            [
                ["Keep de-identified text", "yes" if an.keep_text else "no"],
                ["Timestamp granularity", e(an.granularity)],
            ],
        )
    )
    a = policy.allow
    parts.append("<h2>Never PHI (the organization's own details)</h2>")
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
    p = who(request)
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
    return page(request, "Policy", body, active="/admin/policy")


def error_block(err: ConfigError) -> str:
    where = f"line {err.line}" if err.line else "the file"
    return notice(
        f"<strong>Not valid</strong> — {e(where)}, key <code>{e(err.key or '(top level)')}</code>:"
        f" {e(err.reason)}",
        "error",
    )


@route(
    "POST",
    "/admin/policy/reload",
    roles=POLICY_WRITERS,
    summary="Re-read the policy file",
    api=False,
)
async def policy_reload_page(request: web.Request) -> web.StreamResponse:
    try:
        policy = await policy_ops.reload(request, who(request).name, "reload from the console")
    except ConfigError as ex:
        return page(request, "Reload refused", error_block(ex), status=422)
    except policy_ops.PublishFailed as ex:
        return page(request, "Reload refused", notice(e(ex), "error"), status=409)
    raise web.HTTPSeeOther(f"/admin/versions?published={policy.version}")
