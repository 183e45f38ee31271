"""The privacy officer's policy as data: per entity type an action and a minimum score.

Built from ``config/policy.yaml`` by :mod:`proxy.policy.parse` (validated eagerly). The version
is a hash of the canonical content, so every decision can cite the exact policy.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

from models import entities
from models.allow import AllowList as ModelsAllowList
from proxy.sms import national_digits

Verification = Literal["dob", "sms_code", "none"]
Mode = Literal["enforce", "monitor"]


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
        return frozenset(national_digits(p) for p in self.phones)

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
    verification: Verification = "dob"
    accept_no_verification: bool = False
    expiry_hours: float = 72.0
    view_once: bool = False
    max_length: int = 306  # two concatenated GSM-7 segments (config/POLICY.md, portal notices)
    max_attempts: int = 5  # failed verifications before the link locks
    retention_days: float = 30.0  # records are purged this long after creation (or at expiry)


_PHONEISH = re.compile(r"^\+?[\d\s().-]{7,}$")


@dataclass(frozen=True)
class CustomType:
    """An entity type the policy declares for its own recognizers (not in models.entities)."""

    name: str
    label: str
    description: str = ""
    family: str = "identifier"


@dataclass(frozen=True)
class PatternSpec:
    name: str
    regex: str
    score: float


@dataclass(frozen=True)
class RecognizerSpec:
    """One custom recognizer, as validated from the policy."""

    name: str
    supported_entity: str
    patterns: tuple[PatternSpec, ...]
    context: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    deny_list_score: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "supported_entity": self.supported_entity,
            "patterns": [
                {"name": p.name, "regex": p.regex, "score": p.score} for p in self.patterns
            ],
            "context": list(self.context),
            "deny_list": list(self.deny_list),
        }


@dataclass(frozen=True)
class Override:
    """Rules for messages from some senders (From numbers or MessagingServiceSids)."""

    name: str
    senders: tuple[str, ...]
    rules: dict[str, EntityRule]
    default_action: Action | None = None
    default_min_score: float | None = None
    description: str = ""


def sender_key(sender: str) -> str:
    """Phone numbers compare by digits (formatting and a leading US 1 ignored); other sender ids
    (MessagingServiceSid, alphanumeric sender ids) compare exactly."""
    s = sender.strip()
    if _PHONEISH.match(s):
        return "tel:" + national_digits(s)
    return s


Granularity = Literal["minute", "hour", "day", "year"]
GRANULARITIES: tuple[Granularity, ...] = ("minute", "hour", "day", "year")


@dataclass(frozen=True)
class AnalyticsSettings:
    """``keep_text``: store the de-identified text (else only counts and classes).
    ``granularity``: timestamps are truncated to this (Safe Harbor proper needs ``year``)."""

    keep_text: bool = False
    granularity: Granularity = "hour"


@dataclass(frozen=True)
class Policy:
    """A validated policy. Build it with :func:`load_policy` or :func:`parse_policy`."""

    name: str
    mode: Mode
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
