"""What became of each send, for the people who answer for it: the Sends list (filter by outcome,
reason, provider, entity type, dates), one send's record with its audit trail, and the activity
dashboard on the console home (sends by outcome over a chosen range, top entity types, refusal
reasons, opt-outs, portal views and lock-outs). Every chart segment links to its rows.

Nothing here holds text or phone numbers: outcomes, ids, types and counts only.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from proxy import appkeys
from proxy.admin import charts
from proxy.admin.console.pages import page
from proxy.admin.html import e, table
from proxy.admin.params import bad_request, int_param, time_param
from proxy.admin.roles import AUDITOR, OPERATOR, PRIVACY_OFFICER, roles
from proxy.admin.routes import route
from proxy.outbound import outcomes

SEND_READERS = roles(PRIVACY_OFFICER, AUDITOR)
DASHBOARD_READERS = roles(PRIVACY_OFFICER, AUDITOR, OPERATOR)
DAY = 86400.0
RANGES = (1, 7, 14, 30, 90)


def _day_start(ts: float) -> float:
    d = datetime.fromtimestamp(ts, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return d.timestamp()


def time_range(request: web.Request, default_days: int = 14) -> tuple[float, float, str]:
    """[since, until) from ``since``/``until`` (dates, US or ISO) or ``days`` (whole UTC days up
    to today), and a label for it."""
    since, until = time_param(request, "since"), time_param(request, "until")
    if since is not None or until is not None:
        now = time.time()
        s = since if since is not None else _day_start(now) - (default_days - 1) * DAY
        u = until if until is not None else now + 1
        if u <= s:
            raise bad_request("until: must be after since")
        return s, u, f"{_fmt(s)} to {_fmt(u - 1)}"
    days = int_param(request, "days", default_days, 1, 366) or default_days
    start = _day_start(time.time()) - (days - 1) * DAY
    return start, start + days * DAY, f"the last {days} day{'s' if days != 1 else ''}"


def _fmt(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _us(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%m/%d/%Y")


def sends_link(**params: object) -> str:
    clean = {k: str(v) for k, v in params.items() if v not in ("", None)}
    return "/admin/sends" + ("?" + urlencode(clean) if clean else "")


def _day_bounds(day: str) -> tuple[str, str]:
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    return day, _fmt(start + DAY)


def outcome_chart(counts: outcomes.OutcomeCounts, title: str) -> str:
    def link(day: str, outcome: str) -> str:
        since, until = _day_bounds(day)
        return sends_link(outcome=outcome, since=since, until=until)

    return charts.stacked_bars(
        title,
        counts.days,
        counts.by_day,
        list(outcomes.OUTCOMES),
        charts.OUTCOME_COLOURS,
        link=link,
        empty="no sends in this period",
    )


def outcome_badge(outcome: str) -> str:
    return f'<span class="badge o-{e(outcome)}">{e(outcome)}</span>'


def range_picker(path: str, since: float, until: float) -> str:
    links = " · ".join(
        f'<a href="{path}?days={n}">{n} day{"s" if n > 1 else ""}</a>' for n in RANGES
    )
    return f"""<form class="filters" method="get" action="{path}">
<span>Range: {links}</span>
<label>From <input name="since" value="{e(_us(since))}" placeholder="MM/DD/YYYY"></label>
<label>To <input name="until" value="{e(_us(until - 1))}" placeholder="MM/DD/YYYY"></label>
<button type="submit">Show</button></form>"""


async def dashboard(request: web.Request) -> str:
    """The activity section of the console home (roles in DASHBOARD_READERS)."""
    db = request.app[appkeys.STORE]
    q = dict(request.query)
    if q.get("until"):  # a date typed as the last day to include
        request = request.clone(rel_url=request.rel_url.update_query(until=_next_day(q["until"])))
    since, until, label = time_range(request, 14)
    c = await outcomes.counts(db, since, until)
    totals = c.totals()
    rng = {"since": _fmt(since), "until": _fmt(until)}
    outcome_rows = [
        [f'<a href="{e(sends_link(outcome=o, **rng))}">{outcome_badge(o)}</a>', str(totals[o])]
        for o in outcomes.OUTCOMES
    ]
    type_rows = [
        [f'<a href="{e(sends_link(entity_type=t, **rng))}"><code>{e(t)}</code></a>', str(n)]
        for t, n in c.entity_types.most_common(8)
    ]
    reason_rows = [
        [f'<a href="{e(sends_link(outcome="refused", reason=r, **rng))}">{e(r)}</a>', str(n)]
        for r, n in c.reasons.most_common()
    ]
    portal = await _portal_counts(db, since, until)
    optouts = await _optout_counts(db, since, until)
    return f"""<section class="dashboard"><h2>Activity, {e(label)}</h2>
{range_picker("/admin/", since, until)}
<div class="cards">
<div class="card"><h3>Sends</h3><p class="big">{sum(totals.values())}</p>
{table(["Outcome", "Sends"], outcome_rows, "compact")}</div>
<div class="card"><h3>Top entity types</h3>
{table(["Type", "Sends"], type_rows, "compact") if type_rows else "<p>None found.</p>"}</div>
<div class="card"><h3>Refused, and why</h3>
{table(["Reason", "Sends"], reason_rows, "compact") if reason_rows else "<p>None.</p>"}</div>
<div class="card"><h3>Patients</h3>{
        table(
            ["", "Count"],
            [
                ["Opted out (STOP)", str(optouts["out"])],
                ["Opted back in", str(optouts["in"])],
                ["Portal links sent", str(portal["portal.create"])],
                ["Portal messages read", str(portal["viewed"])],
                ["Portal links locked", str(portal["portal.lockout"])],
            ],
            "compact",
        )
    }</div>
</div>
<figure class="card">{
        outcome_chart(c, "Sends per day by outcome (click a bar for its sends)")
    }</figure>
</section>"""


def _next_day(value: str) -> str:
    """An inclusive "to" date typed in a form, as the exclusive bound (the next midnight)."""
    from proxy.admin.params import parse_time

    ts = parse_time(value)
    return _fmt(ts + DAY) if ts is not None else value


async def _portal_counts(db: Any, since: float, until: float) -> dict[str, int]:
    out = {"portal.create": 0, "portal.lockout": 0, "viewed": 0}
    rows = await db.fetch(
        "SELECT kind, COUNT(*) AS n FROM audit_log WHERE ts >= ? AND ts < ?"
        " AND kind IN ('portal.create', 'portal.lockout') GROUP BY kind",
        since,
        until,
    )
    for r in rows:
        out[r["kind"]] = int(r["n"])
    row = await db.fetchrow(
        "SELECT COUNT(*) AS n FROM audit_log WHERE ts >= ? AND ts < ? AND kind = 'portal.view'"
        " AND body LIKE ?",
        since,
        until,
        '%"outcome":"viewed"%',
    )
    out["viewed"] = int(row["n"]) if row else 0
    return out


async def _optout_counts(db: Any, since: float, until: float) -> dict[str, int]:
    rows = await db.fetch(
        "SELECT state, COUNT(*) AS n FROM optouts WHERE updated_at >= ? AND updated_at < ?"
        " GROUP BY state",
        since,
        until,
    )
    got = {r["state"]: int(r["n"]) for r in rows}
    return {"out": got.get("out", 0), "in": sum(n for s, n in got.items() if s != "out")}


def _filter(request: web.Request) -> outcomes.OutcomeFilter:
    q = request.query
    outcome, reason = q.get("outcome", ""), q.get("reason", "")
    if outcome and outcome not in outcomes.OUTCOMES:
        raise bad_request("outcome: one of " + ", ".join(outcomes.OUTCOMES))
    if reason and reason not in outcomes.REASONS:
        raise bad_request("reason: one of " + ", ".join(r for r in outcomes.REASONS if r))
    provider, etype = q.get("provider", ""), q.get("entity_type", "")
    if len(provider) > 64 or len(etype) > 64:
        raise bad_request("provider and entity_type: at most 64 characters")
    before = q.get("before", "")
    try:
        cursor = float(before) if before else None
    except ValueError:
        raise bad_request("before: a page cursor from the Older link") from None
    return outcomes.OutcomeFilter(
        outcome=outcome,
        reason=reason,
        provider=provider,
        entity_type=etype,
        since=time_param(request, "since"),
        until=time_param(request, "until"),
        before=cursor,
        limit=int_param(request, "limit", 50, 1, 200) or 50,
    )


@route("GET", "/admin/sends", roles=SEND_READERS, summary="Sends by outcome, filtered", api=False)
async def sends_page(request: web.Request) -> web.Response:
    f = _filter(request)
    rows, cursor = await outcomes.search(request.app[appkeys.STORE], f)
    q = request.query
    opts = "".join(
        f'<option value="{o}"{" selected" if q.get("outcome") == o else ""}>{o or "any"}</option>'
        for o in ("", *outcomes.OUTCOMES)
    )
    reasons = "".join(
        f'<option value="{r}"{" selected" if q.get("reason") == r else ""}>{r or "any"}</option>'
        for r in outcomes.REASONS
    )
    form = f"""<form class="filters" method="get" action="/admin/sends">
<label>Outcome <select name="outcome">{opts}</select></label>
<label>Reason <select name="reason">{reasons}</select></label>
<label>Provider <input name="provider" value="{e(q.get("provider", ""))}"></label>
<label>Entity type <input name="entity_type" value="{e(q.get("entity_type", ""))}"></label>
<label>Since <input name="since" value="{e(q.get("since", ""))}" placeholder="MM/DD/YYYY"></label>
<label>Until <input name="until" value="{e(q.get("until", ""))}" placeholder="MM/DD/YYYY"></label>
<button type="submit">Filter</button></form>"""
    cells = [
        [
            f'<a href="/admin/sends/{e(r["request_id"])}">{e(r["time"])}</a>',
            outcome_badge(r["outcome"]),
            e(r["reason"]),
            e(r["provider"]),
            e(", ".join(r["entity_types"])),
            e(r["upstream_status"] if r["upstream_status"] is not None else ""),
            f'<a href="/admin/sends/{e(r["request_id"])}">'
            f"<code>{e(r['request_id'][:12])}</code></a>",
        ]
        for r in rows
    ]
    nxt = ""
    if cursor is not None:
        params = {k: v for k, v in q.items() if k != "before"}
        params["before"] = repr(cursor)
        nxt = f'<p><a href="/admin/sends?{e(urlencode(params))}">Older →</a></p>'
    headers = ["Time (UTC)", "Outcome", "Reason", "Provider", "Types", "Provider status", "Send"]
    body = (
        form
        + (
            f'<div class="scroll">{table(headers, cells, "sends")}</div>'
            if cells
            else "<p>No sends match.</p>"
        )
        + nxt
    )
    return page(request, "Sends", body, active="/admin/sends")


@route(
    "GET",
    "/admin/sends/{request_id}",
    roles=SEND_READERS,
    summary="One send: its outcome and audit records",
    api=False,
)
async def send_page(request: web.Request) -> web.Response:
    rid = request.match_info["request_id"]
    if not rid.isalnum() or len(rid) > 64:
        raise web.HTTPNotFound()
    db = request.app[appkeys.STORE]
    r = await outcomes.get(db, rid)
    if r is None:
        raise web.HTTPNotFound()
    audit = await db.fetch(
        "SELECT seq, ts, kind, body FROM audit_log WHERE body LIKE ? ORDER BY seq",
        f'%"request_id":"{rid}"%',
    )
    tokens = r["portal_token_ids"]
    for t in tokens:  # the link's own life: created, opened, viewed, locked
        audit.extend(
            await db.fetch(
                "SELECT seq, ts, kind, body FROM audit_log WHERE kind != 'send' AND body LIKE ?"
                " ORDER BY seq",
                f'%"portal_token_id":"{t}"%',
            )
        )
    seen: set[int] = set()
    trail = []
    for a in sorted(audit, key=lambda a: a["seq"]):
        if a["seq"] in seen:
            continue
        seen.add(a["seq"])
        body = json.loads(a["body"])
        trail.append(
            [
                f'<a href="/admin/audit?kind={e(a["kind"])}&amp;before={a["seq"] + 1}">'
                f"{a['seq']}</a>",
                e(datetime.fromtimestamp(a["ts"], UTC).strftime("%Y-%m-%d %H:%M:%S")),
                f"<code>{e(a['kind'])}</code>",
                e(body.get("outcome", "")),
                e(body.get("decision_id", "")),
                e(body.get("portal_token_id", "")),
                e(body.get("recipient", "")),
                e((body.get("details") or {}).get("upstream_status", "")),
            ]
        )
    facts = [
        ("Outcome", outcome_badge(r["outcome"])),
        ("Why", e(r["reason"] or "—")),
        ("Time (UTC)", e(r["time"])),
        ("Provider", e(r["provider"])),
        ("Policy action", e(r["action"])),
        ("Policy version", f"<code>{e(r['policy_version'])}</code>"),
        ("Entity types", e(", ".join(r["entity_types"]) or "—")),
        ("Request id", f"<code>{e(r['request_id'])}</code>"),
        ("Decision ids", "<br>".join(f"<code>{e(d)}</code>" for d in r["decision_ids"]) or "—"),
        ("Portal token ids", "<br>".join(f"<code>{e(t)}</code>" for t in tokens) or "—"),
        ("Recipients", e(r["recipients"])),
        ("Provider's answer", e(r["upstream_status"] if r["upstream_status"] is not None else "—")),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    headers = [
        "#",
        "Time (UTC)",
        "Kind",
        "Outcome",
        "Decision",
        "Portal token",
        "Recipient",
        "Status",
    ]
    body = f"""<p><a href="/admin/sends">← All sends</a></p>
<dl class="facts">{dl}</dl>
<h2>Audit records</h2>
{f'<div class="scroll">{table(headers, trail, "audit")}</div>' if trail else "<p>None.</p>"}"""
    return page(request, "Send " + rid[:12], body, active="/admin/sends")
