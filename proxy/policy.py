"""The privacy officer's policy as data: per entity type an action and a minimum score.

``config/policy.yaml`` → :class:`Policy` (validated eagerly; any error names file, key and line).
The version is a hash of the canonical content, so every decision can cite the exact policy.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from models import entities
from proxy.yamlfile import YamlDoc, check_keys, load_yaml, parse_yaml


class Action(IntEnum):
    """What happens to a finding. Ordered by severity: the most severe wins for a message."""

    ALLOW = 0
    REDACT = 1
    MASK = 2
    PORTAL = 3
    BLOCK = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: object) -> Action:
        if not isinstance(value, str) or value.upper() not in cls.__members__:
            raise ValueError(f"must be one of {', '.join(a.label for a in cls)}")
        return cls[value.upper()]


@dataclass(frozen=True)
class EntityRule:
    """The action for one entity type, applied to findings scoring at least ``min_score``."""

    action: Action
    min_score: float = 0.5
    label: str | None = None  # redaction text override, e.g. "name" → "[name]"


@dataclass(frozen=True)
class AllowList:
    """The organisation's own details, never PHI. Phones compare by digits, whatever the format."""

    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def phone_digits(self) -> frozenset[str]:
        return frozenset(_phone_digits(p) for p in self.phones)


@dataclass(frozen=True)
class PortalSettings:
    """How the portal action words the text and verifies the reader (used by the portal)."""

    template: str = "You have a new secure message from {org}: {link}"
    organization: str = "your care team"
    verification: str = "dob"  # dob | sms_code | none
    accept_no_verification: bool = False
    expiry_hours: float = 72.0
    view_once: bool = False
    max_length: int = 160


@dataclass(frozen=True)
class Policy:
    """A validated policy. Build it with :func:`load_policy` or :func:`parse_policy`."""

    name: str
    mode: str  # enforce | monitor
    default_action: Action
    default_min_score: float
    rules: dict[str, EntityRule]
    allow: AllowList
    portal: PortalSettings
    version: str = field(default="")
    source: str = field(default="")

    def rule_for(self, entity_type: str) -> EntityRule:
        return self.rules.get(entity_type) or EntityRule(
            self.default_action, self.default_min_score
        )

    @property
    def monitor(self) -> bool:
        return self.mode == "monitor"

    def needed_entities(self) -> frozenset[str]:
        """Entity types the detector must look for.

        Administrative types stay in even when allowed: finding "Dr. Lee" as a provider is what
        stops "Lee" from being redacted as a patient name.
        """
        known = entities.all_types()
        out = set()
        for name, t in known.items():
            rule = self.rule_for(name)
            if rule.action != Action.ALLOW or t.family == "administrative":
                out.add(name)
        return frozenset(out)


_TOP_KEYS = {
    "version",
    "name",
    "mode",
    "monitor_acknowledged",
    "default",
    "entities",
    "allow",
    "portal",
}
_ENTITY_KEYS = {"action", "min_score", "label"}
_ALLOW_KEYS = {"names", "phones", "websites", "emails"}
_PORTAL_KEYS = {
    "template",
    "organization",
    "verification",
    "accept_no_verification",
    "expiry_hours",
    "view_once",
    "max_length",
}


def _phone_digits(s: str) -> str:
    d = re.sub(r"\D", "", s)
    return d[1:] if len(d) == 11 and d.startswith("1") else d


def _score(doc: YamlDoc, key: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
        raise doc.error(key, "must be a number between 0 and 1")
    return float(v)


def _strings(doc: YamlDoc, key: str, v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or not all(isinstance(x, str | int) for x in v):
        raise doc.error(key, "must be a list of strings")
    return tuple(str(x) for x in v)


def _parse(doc: YamlDoc) -> Policy:
    top = check_keys(doc, "", doc.data, _TOP_KEYS)
    if top.get("version", 1) != 1:
        raise doc.error("version", "unsupported policy schema version (supported: 1)")
    mode = top.get("mode", "enforce")
    if mode not in ("enforce", "monitor"):
        raise doc.error("mode", "must be 'enforce' or 'monitor'")
    if mode == "monitor" and top.get("monitor_acknowledged") is not True:
        raise doc.error(
            "monitor_acknowledged",
            "monitor mode forwards texts unchanged (PHI included); set "
            "'monitor_acknowledged: true' to confirm that is intended",
        )
    default = check_keys(doc, "default", top.get("default"), {"action", "min_score"})
    try:
        default_action = Action.parse(default.get("action", "redact"))
    except ValueError as e:
        raise doc.error("default.action", str(e)) from None
    default_min = _score(doc, "default.min_score", default.get("min_score", 0.5))

    known = entities.all_types()
    rules: dict[str, EntityRule] = {}
    ents = top.get("entities") or {}
    if not isinstance(ents, dict):
        raise doc.error("entities", "must be a mapping of entity type to rule")
    for name, raw in ents.items():
        key = f"entities.{name}"
        if name not in known:
            raise doc.error(key, f"unknown entity type (known: {', '.join(sorted(known))})")
        if isinstance(raw, str):
            raw = {"action": raw}
        body = check_keys(doc, key, raw, _ENTITY_KEYS)
        if "action" not in body:
            raise doc.error(key, "missing 'action'")
        try:
            action = Action.parse(body["action"])
        except ValueError as e:
            raise doc.error(f"{key}.action", str(e)) from None
        label = body.get("label")
        if label is not None and not isinstance(label, str):
            raise doc.error(f"{key}.label", "must be a string")
        rules[name] = EntityRule(
            action, _score(doc, f"{key}.min_score", body.get("min_score", default_min)), label
        )

    allow_raw = check_keys(doc, "allow", top.get("allow"), _ALLOW_KEYS)
    allow = AllowList(**{k: _strings(doc, f"allow.{k}", allow_raw.get(k)) for k in _ALLOW_KEYS})
    for i, p in enumerate(allow.phones):
        if len(_phone_digits(p)) < 7:
            raise doc.error(f"allow.phones[{i}]", "not a phone number (fewer than 7 digits)")

    portal_raw = check_keys(doc, "portal", top.get("portal"), _PORTAL_KEYS)
    portal = PortalSettings(**portal_raw)
    if portal.verification not in ("dob", "sms_code", "none"):
        raise doc.error("portal.verification", "must be 'dob', 'sms_code' or 'none'")
    if portal.verification == "none" and not portal.accept_no_verification:
        raise doc.error(
            "portal.verification",
            "'none' lets anyone holding the link read it; set accept_no_verification: true",
        )
    if "{link}" not in portal.template:
        raise doc.error("portal.template", "must contain {link}")

    name = top.get("name", "policy")
    canonical = json.dumps(doc.data, sort_keys=True, default=str)
    version = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return Policy(
        name=str(name),
        mode=mode,
        default_action=default_action,
        default_min_score=default_min,
        rules=rules,
        allow=allow,
        portal=portal,
        version=version,
        source=doc.file,
    )


def parse_policy(text: str, file: str = "<policy>") -> Policy:
    return _parse(parse_yaml(text, file))


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file (the shipped default when ``path`` is None)."""
    return _parse(load_yaml(path or default_policy_path()))


def default_policy_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "config" / "policy.yaml", here / "defaults" / "policy.yaml"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("no default policy found (config/policy.yaml)")


def as_dict(policy: Policy) -> dict[str, Any]:
    """A JSON-friendly view, for the admin API and ``policy test``."""
    return {
        "name": policy.name,
        "version": policy.version,
        "mode": policy.mode,
        "default": {"action": policy.default_action.label, "min_score": policy.default_min_score},
        "entities": {
            k: {"action": r.action.label, "min_score": r.min_score}
            for k, r in sorted(policy.rules.items())
        },
    }
