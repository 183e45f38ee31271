"""``phi-proxy policy check|test|diff``."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from proxy.detection.service import TextDetector
from proxy.jsonl import text_objects
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy
from proxy.yamlfile import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser("policy", help="check, test and compare policy files")
    p.set_defaults(run=run)
    ps = p.add_subparsers(dest="policy_command", required=True)
    c = ps.add_parser(
        "check", help="validate a policy file: every error, each with line, key and reason"
    )
    c.add_argument("file")
    t = ps.add_parser("test", help="one text through a policy: findings, decision, outgoing text")
    t.add_argument("file")
    t.add_argument("text")
    t.add_argument("--sender", help="From number or MessagingServiceSid (picks an override)")
    t.add_argument("--model", help="spaCy package name")
    t.add_argument(
        "--format",
        choices=("table", "json"),
        help="table (readable; the default on a terminal) or json (the default in a pipe)",
    )
    d = ps.add_parser(
        "diff",
        help="every setting that differs (with warnings for risky changes); with --corpus, also "
        'which texts of a corpus (JSONL {"id","text"}) change decision (JSON)',
    )
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--corpus")
    d.add_argument("--model", help="spaCy package name")


def make_detector(model: str | None) -> TextDetector:
    """The real detector (slow to load); tests swap this for the session's one."""
    from models.detector import Detector, DetectorSettings

    return Detector(DetectorSettings(model=model) if model else DetectorSettings())


def _for_policy(base: TextDetector, policy: Policy) -> TextDetector:
    from proxy.policy.custom import PolicyDetector

    return PolicyDetector(base).for_policy(policy)


def run(args: argparse.Namespace) -> int:
    return policy_command(args, make_detector)  # looked up per call: tests swap it


def policy_command(args: argparse.Namespace, detector_factory: Callable[..., TextDetector]) -> int:
    if args.policy_command == "check":
        from proxy.policy.check import check_file

        errors = check_file(args.file)
        if errors:
            for e in errors:
                print(f"{e}", file=sys.stderr)
            print(f"{len(errors)} error(s) in {args.file}", file=sys.stderr)
            return 1
        policy = load_policy(args.file)
        print(
            f"ok: {args.file}: policy {policy.name!r} version {policy.version}, mode "
            f"{policy.mode}, {len(policy.rules)} rules, {len(policy.overrides)} overrides, "
            f"{len(policy.recognizers)} custom recognizers"
        )
        if policy.monitor:
            print("WARNING: MONITOR MODE forwards texts unchanged, PHI included", file=sys.stderr)
        return 0
    if args.policy_command == "test":
        return _test(args, detector_factory)
    return _diff(args, detector_factory)


def _load(path: str) -> Policy | None:
    try:
        return load_policy(path)
    except ConfigError as e:
        print(f"{e}", file=sys.stderr)
        return None


def _test(args: argparse.Namespace, detector_factory: Callable[..., TextDetector]) -> int:
    from proxy.policy.testbench import evaluate_sync

    policy = _load(args.file)
    if policy is None:
        return 1
    detector = _for_policy(detector_factory(args.model), policy)
    [result] = evaluate_sync(detector, policy, [args.text], args.sender)
    fmt = args.format or ("table" if sys.stdout.isatty() else "json")
    if fmt == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(result_table(result))
    return 0


def result_table(result: dict[str, Any]) -> str:
    """``policy test`` for people: the decision, one row per finding, and what leaves."""
    view = f", override {result['policy_view']}" if result.get("policy_view") else ""
    lines = [f"policy {result['policy_version']}{view}: {result['action'].upper()}"]
    if result["would_action"] != result["action"]:
        lines[0] += f" (monitor mode; enforce would {result['would_action']})"
    rows = [("TYPE", "FOUND", "SCORE", "RULE", "ACTS")]
    for f in result["findings"]:
        rule = f"{f['rule']['action']} >= {f['rule']['min_score']:g}"
        rows.append((f["type"], f["text"], f"{f['score']:.2f}", rule, "yes" if f["acts"] else "no"))
    if len(rows) == 1:
        lines.append("no findings")
    else:
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    out = result["outgoing"]
    lines.append("leaves: " + (out if out is not None else "nothing (blocked)"))
    return "\n".join(lines)


def _read_corpus(path: str) -> list[tuple[Any, str]] | None:
    items: list[tuple[Any, str]] = []
    with open(path, encoding="utf-8") as f:
        for n, obj in text_objects(f):
            if isinstance(obj, str):
                print(f"{path}:{n}: {obj}", file=sys.stderr)
                return None
            items.append((obj.get("id", n), obj["text"]))
    return items


def _settings_diff(old: Policy, new: Policy) -> int:
    """The readable setting-by-setting diff and its warnings (no corpus, no detector)."""
    from proxy.policy.versions import diff_rules, risks

    changes = diff_rules(old, new)
    print(f"{old.version} -> {new.version}")
    if not changes:
        print("No setting changed.")
    for c in changes:
        print(f"  {c['what']}: {_show(c['old'])} -> {_show(c['new'])}")
    warnings = risks(old, new)
    if warnings:
        print("Warnings:")
        for w in warnings:
            print(f"  ! {w}")
    return 0


def _show(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, dict) and set(value) == {"action", "min_score"}:
        return f"{value['action']} >= {value['min_score']}"
    return json.dumps(value, sort_keys=True)


def _diff(args: argparse.Namespace, detector_factory: Callable[..., TextDetector]) -> int:
    from proxy.policy.testbench import evaluate_sync
    from proxy.policy.versions import diff_rules, risks

    old, new = _load(args.old), _load(args.new)
    if old is None or new is None:
        return 1
    if not args.corpus:
        return _settings_diff(old, new)
    corpus = _read_corpus(args.corpus)
    if corpus is None:
        return 1
    base = detector_factory(args.model)
    texts = [t for _, t in corpus]
    a = evaluate_sync(_for_policy(base, old), old, texts)
    b = evaluate_sync(_for_policy(base, new), new, texts)
    transitions: Counter[str] = Counter()
    changes = []
    for (ident, _), ra, rb in zip(corpus, a, b, strict=True):
        if ra["action"] == rb["action"] and ra["outgoing"] == rb["outgoing"]:
            continue
        how = f"{ra['action']}->{rb['action']}"
        transitions[how] += 1
        changes.append(
            {
                "id": ident,
                "change": how,
                "old": {k: ra[k] for k in ("action", "entity_types", "outgoing")},
                "new": {k: rb[k] for k in ("action", "entity_types", "outgoing")},
            }
        )
    summary = {
        "old_version": old.version,
        "new_version": new.version,
        "texts": len(corpus),
        "changed": len(changes),
        "unchanged": len(corpus) - len(changes),
        "decision_changed": sum(
            n for k, n in transitions.items() if k.split("->")[0] != k.split("->")[1]
        ),
        "by_change": dict(sorted(transitions.items())),
        "old_actions": dict(Counter(r["action"] for r in a)),
        "new_actions": dict(Counter(r["action"] for r in b)),
        "setting_changes": diff_rules(old, new),
        "risks": risks(old, new),
    }
    print(json.dumps({"changes": changes, "summary": summary}, indent=2, ensure_ascii=False))
    return 0
