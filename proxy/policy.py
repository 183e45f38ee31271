"""The privacy officer's policy as data: per entity type an action and a minimum score.

``config/policy.yaml`` → :class:`Policy` (validated eagerly; any error names file, key and line).
The version is a hash of the canonical content, so every decision can cite the exact policy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from typing import Any

from models import entities
from models.allow import AllowList as ModelsAllowList
from proxy.analytics.settings import AnalyticsSettings, parse_analytics
from proxy.policy_rules import (
    CustomType,
    Override,
    RecognizerSpec,
    parse_overrides,
    parse_recognizers,
    sender_key,
)
from proxy.yamlfile import ConfigError, YamlDoc, check_keys, parse_yaml


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

    @property
    def values(self) -> tuple[str, ...]:
        """Every allowed value, for the detector's own allow-list matching (models.allow)."""
        return (*self.names, *self.phones, *self.websites, *self.emails)

    @functools.cached_property
    def matcher(self) -> ModelsAllowList:
        """Matches the organisation's details after undoing Unicode tricks; web addresses by
        host, with a path only when it carries no identifier."""
        return ModelsAllowList.of(self.values)


@dataclass(frozen=True)
class PortalSettings:
    """How the portal action words the text and verifies the reader (used by the portal)."""

    template: str = (
        "{org}: you have a new secure message[ about your visit {appointment}]"
        "[ from {provider}]. Read it: {link}[ Questions? {contact}]"
    )
    organization: str = "your care team"
    verification: str = "dob"  # dob | sms_code | none
    accept_no_verification: bool = False
    expiry_hours: float = 72.0
    view_once: bool = False
    max_length: int = 306  # two concatenated GSM-7 segments (config/POLICY.md, portal notices)
    max_attempts: int = 5  # failed verifications before the link locks
    retention_days: float = 30.0  # records are purged this long after creation (or at expiry)


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
    overrides: tuple[Override, ...] = ()
    recognizers: tuple[RecognizerSpec, ...] = ()
    custom_types: dict[str, CustomType] = field(default_factory=dict)
    text: str = field(default="", repr=False, compare=False)  # the YAML as written
    view: str = ""  # name of the override this policy is the effective view of ("" = base)
    _views: dict[str, Policy] = field(default_factory=dict, repr=False, compare=False)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)

    def for_sender(self, sender: str | None) -> Policy:
        """The effective policy for messages from ``sender`` (a From number or a
        MessagingServiceSid): the override naming it merged over the base, else the base."""
        if not sender or not self._views:
            return self
        return self._views.get(sender_key(sender), self)

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
        stops "Lee" from being redacted as a patient name. Computed once per policy (it is
        asked on every send).
        """
        cached: frozenset[str] | None = self.__dict__.get("_needed")
        if cached is None:
            cached = self._needed_entities()
            object.__setattr__(self, "_needed", cached)  # frozen: set once, derived state
        return cached

    def _needed_entities(self) -> frozenset[str]:
        known: dict[str, str] = {n: t.family for n, t in entities.all_types().items()}
        known.update({n: t.family for n, t in self.custom_types.items()})
        out = set()
        for view in (self, *{id(v): v for v in self._views.values()}.values()):
            for name, family in known.items():
                rule = view.rule_for(name)
                if rule.action != Action.ALLOW or family == "administrative":
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
    "overrides",
    "recognizers",
    "analytics",
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
    "max_attempts",
    "retention_days",
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


def parse_action(doc: YamlDoc, key: str, value: object) -> Action:
    try:
        return Action.parse(value)
    except ValueError as e:
        raise doc.error(key, str(e)) from None


def parse_rules(
    doc: YamlDoc, where: str, ents: object, known: set[str], default_min: float
) -> dict[str, EntityRule]:
    """``entities:`` (top level or in an override): entity type → action, or rule mapping."""
    rules: dict[str, EntityRule] = {}
    if ents is None:
        return rules
    if not isinstance(ents, dict):
        raise doc.error(where, "must be a mapping of entity type to rule")
    for name, raw in ents.items():
        key = f"{where}.{name}"
        if name not in known:
            raise doc.error(
                key,
                f"unknown entity type (known: {', '.join(sorted(known))}; a new type needs a "
                "recognizer with a label)",
            )
        if isinstance(raw, str):
            raw = {"action": raw}
        body = check_keys(doc, key, raw, _ENTITY_KEYS)
        if "action" not in body:
            raise doc.error(key, "missing 'action'")
        action = parse_action(doc, f"{key}.action", body["action"])
        label = body.get("label")
        if label is not None and not isinstance(label, str):
            raise doc.error(f"{key}.label", "must be a string")
        rules[name] = EntityRule(
            action, _score(doc, f"{key}.min_score", body.get("min_score", default_min)), label
        )
    return rules


def _label_custom(
    rules: dict[str, EntityRule],
    custom: dict[str, CustomType],
    default_action: Action,
    default_min: float,
) -> dict[str, EntityRule]:
    """A custom type is redacted as its declared label (unless its rule names another), so an
    unlisted custom type gets an explicit rule carrying the default action and that label."""
    out = dict(rules)
    for name, t in custom.items():
        r = out.get(name)
        if r is None:
            out[name] = EntityRule(default_action, default_min, t.label)
        elif r.label is None:
            out[name] = replace(r, label=t.label)
    return out


def _parse(doc: YamlDoc, text: str = "") -> Policy:
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
    default_action = parse_action(doc, "default.action", default.get("action", "redact"))
    default_min = _score(doc, "default.min_score", default.get("min_score", 0.5))

    recognizers, custom = parse_recognizers(doc, top.get("recognizers"))
    known = set(entities.all_types()) | set(custom)
    rules = parse_rules(doc, "entities", top.get("entities"), known, default_min)
    ents_listed = set(rules)
    rules = _label_custom(rules, custom, default_action, default_min)

    allow_raw = check_keys(doc, "allow", top.get("allow"), _ALLOW_KEYS)
    allow = AllowList(**{k: _strings(doc, f"allow.{k}", allow_raw.get(k)) for k in _ALLOW_KEYS})
    for i, p in enumerate(allow.phones):
        if len(_phone_digits(p)) < 7:
            raise doc.error(f"allow.phones[{i}]", "not a phone number (fewer than 7 digits)")

    portal_raw = check_keys(doc, "portal", top.get("portal"), _PORTAL_KEYS)
    defaults = PortalSettings()
    portal_raw = dict(portal_raw)  # a copy: the version hashes the document as written
    for k, v in list(portal_raw.items()):
        want = type(getattr(defaults, k))
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            portal_raw[k] = v = float(v)
        if not isinstance(v, want) or (want is not bool and isinstance(v, bool)):
            raise doc.error(f"portal.{k}", f"must be {want.__name__}, got {type(v).__name__}")
        if want in (int, float) and v <= 0:
            raise doc.error(f"portal.{k}", "must be positive")
    portal = PortalSettings(**portal_raw)
    _check_portal(doc, portal)
    if portal.verification not in ("dob", "sms_code", "none"):
        raise doc.error("portal.verification", "must be 'dob', 'sms_code' or 'none'")
    if portal.verification == "none" and not portal.accept_no_verification:
        raise doc.error(
            "portal.verification",
            "'none' lets anyone holding the link read it; set accept_no_verification: true",
        )
    if "{link}" not in portal.template:
        raise doc.error("portal.template", "must contain {link}")

    overrides = parse_overrides(doc, top.get("overrides"), known, default_min, parse_rules)

    name = top.get("name", "policy")
    canonical = json.dumps(doc.data, sort_keys=True, default=str)
    version = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    base = Policy(
        name=str(name),
        mode=mode,
        default_action=default_action,
        default_min_score=default_min,
        rules=rules,
        allow=allow,
        portal=portal,
        version=version,
        source=doc.file,
        overrides=overrides,
        recognizers=recognizers,
        custom_types=custom,
        text=text,
        analytics=parse_analytics(doc, top.get("analytics")),
    )
    for ov in overrides:
        ov_action = ov.default_action if ov.default_action is not None else default_action
        ov_min = ov.default_min_score if ov.default_min_score is not None else default_min
        # An override with its own default is a complete rule set: base rules are not inherited.
        own_default = ov.default_action is not None or ov.default_min_score is not None
        explicit = (
            {}
            if own_default
            else {k: r for k, r in rules.items() if k not in custom or k in ents_listed}
        )
        view = replace(
            base,
            rules=_label_custom({**explicit, **ov.rules}, custom, ov_action, ov_min),
            default_action=ov_action,
            default_min_score=ov_min,
            view=ov.name,
            overrides=(),
            _views={},
        )
        for sender in ov.senders:
            base._views[sender_key(sender)] = view
    return base


def _check_portal(doc: YamlDoc, portal: PortalSettings) -> None:
    from proxy.portal.notice import check_template

    defaults = PortalSettings()
    for name in PortalSettings.__dataclass_fields__:
        v, want = getattr(portal, name), type(getattr(defaults, name))
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            v = float(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise doc.error(f"portal.{name}", f"must be {want.__name__}")
        if want in (int, float) and v <= 0:
            raise doc.error(f"portal.{name}", "must be positive")
    try:
        check_template(portal.template)
    except ValueError as e:
        raise doc.error("portal.template", str(e)) from None


def parse_policy(text: str, file: str = "<policy>") -> Policy:
    return _parse(parse_yaml(text, file), text)


def read_policy_text(path: str | Path) -> str:
    """The policy file's text; unreadable files are ConfigErrors like any other policy error."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(str(p), "", f"cannot read file: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(p), "", "file is not valid UTF-8") from None


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file (the shipped default when ``path`` is None)."""
    p = Path(path or default_policy_path())
    return parse_policy(read_policy_text(p), str(p))


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
        "overrides": [
            {
                "name": o.name,
                "senders": list(o.senders),
                "default": None
                if o.default_action is None
                else {"action": o.default_action.label, "min_score": o.default_min_score},
                "entities": {
                    k: {"action": r.action.label, "min_score": r.min_score}
                    for k, r in sorted(o.rules.items())
                },
            }
            for o in policy.overrides
        ],
        "recognizers": [r.as_dict() for r in policy.recognizers],
        "custom_types": {k: t.label for k, t in sorted(policy.custom_types.items())},
        "allow": {
            "names": list(policy.allow.names),
            "phones": list(policy.allow.phones),
            "websites": list(policy.allow.websites),
            "emails": list(policy.allow.emails),
        },
    }
