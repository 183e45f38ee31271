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
    c = ps.add_parser("check", help="validate a policy file (errors give line, key and reason)")
    c.add_argument("file")
    t = ps.add_parser("test", help="one text through a policy: findings, decision, outgoing text")
    t.add_argument("file")
    t.add_argument("text")
    t.add_argument("--sender", help="From number or MessagingServiceSid (picks an override)")
    t.add_argument("--model", help="spaCy package name")
    d = ps.add_parser("diff", help='which texts of a corpus (JSONL {"id","text"}) change decision')
    d.add_argument("old")
    d.add_argument("new")
    d.add_argument("--corpus", required=True)
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
        try:
            policy = load_policy(args.file)
        except ConfigError as e:
            print(f"{e}", file=sys.stderr)
            return 1
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
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _read_corpus(path: str) -> list[tuple[Any, str]] | None:
    items: list[tuple[Any, str]] = []
    with open(path, encoding="utf-8") as f:
        for n, obj in text_objects(f):
            if isinstance(obj, str):
                print(f"{path}:{n}: {obj}", file=sys.stderr)
                return None
            items.append((obj.get("id", n), obj["text"]))
    return items


def _diff(args: argparse.Namespace, detector_factory: Callable[..., TextDetector]) -> int:
    from proxy.policy.testbench import evaluate_sync

    old, new = _load(args.old), _load(args.new)
    corpus = _read_corpus(args.corpus)
    if old is None or new is None or corpus is None:
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
    }
    print(json.dumps({"changes": changes, "summary": summary}, indent=2, ensure_ascii=False))
    return 0
