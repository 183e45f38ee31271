"""The policy file → :class:`proxy.policy.model.Policy`, validated eagerly: every error names
file, key and line.

The officer-authored parts are checked here too: per-sender overrides, and custom recognizers.
Custom recognizers follow Presidio's YAML recognizer format (name, supported_entity, patterns
of name/regex/score, context, deny_list) so a privacy officer can add "our MRN format" without
code. They are validated here (the regex compiles in the engine Presidio uses, has no nested
unbounded quantifiers or back-references, and stays fast on adversarial input) and become
Presidio ``PatternRecognizer`` objects in :mod:`proxy.policy.custom`.
"""

from __future__ import annotations

import hashlib
import json
import re
import re._constants as sre_c
import re._parser as sre_parse
from dataclasses import replace
from pathlib import Path
from typing import Any

import regex

from models import entities
from proxy.policy.model import (
    GRANULARITIES,
    Action,
    AllowList,
    AnalyticsSettings,
    CustomType,
    EntityRule,
    Override,
    PatternSpec,
    Policy,
    PortalSettings,
    RecognizerSpec,
    sender_key,
)
from proxy.policy.notice import check_template
from proxy.sms import national_digits
from proxy.yamlfile import ConfigError, YamlDoc, check_keys, parse_yaml, section

# Presidio's PatternRecognizer compiles every pattern with these flags (regex module).
PRESIDIO_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
MAX_REGEX_LENGTH = 500
PROBE_TIMEOUT_S = 0.25
_LARGE_REPEAT = 20
_TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,49}$")
_RECOGNIZER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")


_RECOGNIZER_KEYS = {
    "name",
    "supported_entity",
    "supported_language",
    "patterns",
    "context",
    "deny_list",
    "deny_list_score",
    "label",
    "description",
}
_PATTERN_KEYS = {"name", "regex", "score"}
_OVERRIDE_KEYS = {"name", "description", "senders", "default", "entities"}


def _str_list(doc: YamlDoc, key: str, v: object) -> tuple[str, ...]:
    if v is None:
        return ()
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise doc.error(key, "must be a list of non-empty strings")
    return tuple(v)


def _score(doc: YamlDoc, key: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
        raise doc.error(key, "must be a number between 0 and 1")
    return float(v)


def parse_recognizers(
    doc: YamlDoc, raw: object
) -> tuple[tuple[RecognizerSpec, ...], dict[str, CustomType]]:
    """``recognizers:`` → specs, plus the new entity types they declare."""
    if raw is None:
        return (), {}
    if not isinstance(raw, list):
        raise doc.error("recognizers", "must be a list of recognizers")
    known = entities.all_types()
    specs: list[RecognizerSpec] = []
    custom: dict[str, CustomType] = {}
    names: set[str] = set()
    for i, item in enumerate(raw):
        key = f"recognizers[{i}]"
        body = check_keys(doc, key, item, _RECOGNIZER_KEYS)
        if not body:
            raise doc.error(key, "must be a mapping with name, supported_entity and patterns")
        name = body.get("name")
        if not isinstance(name, str) or not _RECOGNIZER_NAME.match(name):
            raise doc.error(f"{key}.name", "required: letters, digits, '_', '.', '-' (at most 64)")
        if name in names:
            raise doc.error(f"{key}.name", f"duplicate recognizer name {name!r}")
        names.add(name)
        lang = body.get("supported_language", "en")
        if lang != "en":
            raise doc.error(f"{key}.supported_language", "only 'en' is supported")
        entity = body.get("supported_entity")
        if not isinstance(entity, str) or not _TYPE_NAME.match(entity):
            raise doc.error(
                f"{key}.supported_entity",
                "required: an entity type in capitals, e.g. MEDICAL_RECORD_NUMBER",
            )
        label = body.get("label")
        if label is not None and (not isinstance(label, str) or not 0 < len(label) <= 40):
            raise doc.error(f"{key}.label", "must be a short text (1-40 characters)")
        if label is not None and any(c in label for c in "[]{}"):
            raise doc.error(f"{key}.label", "must not contain brackets or braces")
        description = body.get("description", "")
        if not isinstance(description, str):
            raise doc.error(f"{key}.description", "must be a string")
        if entity not in known:
            if label is None and entity not in custom:
                raise doc.error(
                    f"{key}.supported_entity",
                    f"{entity} is not a known entity type; declare it as a new custom type by "
                    "giving this recognizer a 'label' (the redaction text, e.g. 'member number')",
                )
            if label is not None:
                prior = custom.get(entity)
                if prior is not None and prior.label != label:
                    raise doc.error(f"{key}.label", f"{entity} already declared as {prior.label!r}")
                custom[entity] = CustomType(entity, label, description)
        patterns = _patterns(doc, key, body.get("patterns"))
        context = _str_list(doc, f"{key}.context", body.get("context"))
        deny = _str_list(doc, f"{key}.deny_list", body.get("deny_list"))
        if not patterns and not deny:
            raise doc.error(key, "needs at least one pattern or a deny_list")
        deny_score = _score(doc, f"{key}.deny_list_score", body.get("deny_list_score", 1.0))
        specs.append(RecognizerSpec(name, entity, patterns, context, deny, deny_score))
    return tuple(specs), custom


def _patterns(doc: YamlDoc, key: str, raw: object) -> tuple[PatternSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(f"{key}.patterns", "must be a list of {name, regex, score}")
    out = []
    for j, p in enumerate(raw):
        pkey = f"{key}.patterns[{j}]"
        body = check_keys(doc, pkey, p, _PATTERN_KEYS)
        name = body.get("name", f"pattern{j}")
        if not isinstance(name, str) or not name:
            raise doc.error(f"{pkey}.name", "must be a non-empty string")
        reason = regex_problem(body.get("regex"))
        if reason:
            raise doc.error(f"{pkey}.regex", reason)
        if "score" not in body:
            raise doc.error(pkey, "missing 'score' (0-1: how sure a match is PHI)")
        out.append(PatternSpec(name, body["regex"], _score(doc, f"{pkey}.score", body["score"])))
    return tuple(out)


def regex_problem(pattern: object) -> str | None:
    """Why ``pattern`` is unfit for a recognizer, or None when it is fine."""
    if not isinstance(pattern, str) or not pattern:
        return "required: a regular expression"
    if len(pattern) > MAX_REGEX_LENGTH:
        return f"too long (at most {MAX_REGEX_LENGTH} characters)"
    try:
        compiled = regex.compile(pattern, PRESIDIO_FLAGS)
    except regex.error as e:
        return f"does not compile: {e}"
    if compiled.search("") is not None:
        return "matches the empty string (it would flag every text)"
    try:
        tree = sre_parse.parse(pattern, re.IGNORECASE | re.MULTILINE | re.DOTALL)
    except (re.error, OverflowError, RecursionError):
        tree = None  # regex-only syntax: the timing probe below still applies
    if tree is not None:
        structural = _structural_problem(tree, inside_repeat=False)
        if structural:
            return structural
    return _probe(compiled)


def _structural_problem(tree: Any, inside_repeat: bool) -> str | None:
    """Nested unbounded (or large) quantifiers and back-references: the classic catastrophic
    backtracking shapes, e.g. ``(a+)+``, ``(\\d*)*``, ``(x{1,50})+``, ``(a)\\1``."""
    for op, av in tree:
        if op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS):
            return "back-references are not allowed (they can make matching exponentially slow)"
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            lo, hi, body = av
            large = hi == sre_c.MAXREPEAT or hi >= _LARGE_REPEAT
            if large and inside_repeat and op != sre_c.POSSESSIVE_REPEAT:
                return (
                    "nested repetition such as (a+)+ can take exponential time "
                    "(catastrophic backtracking); repeat the inner part once"
                )
            p = _structural_problem(body, inside_repeat or (large and hi > 1))
            if p:
                return p
        elif op == sre_c.SUBPATTERN:
            p = _structural_problem(av[-1], inside_repeat)
            if p:
                return p
        elif op == sre_c.BRANCH:
            for alt in av[1]:
                p = _structural_problem(alt, inside_repeat)
                if p:
                    return p
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            p = _structural_problem(av[1], inside_repeat)
            if p:
                return p
        elif op == sre_c.ATOMIC_GROUP:
            p = _structural_problem(av, inside_repeat)
            if p:
                return p
    return None


_PROBES = tuple(
    unit * n + tail
    for unit in ("a", "1", " ", "-", "a1", "1 ", "a-", "aA", ".", "_")
    for n, tail in ((3000, "!"), (3000, "\n"))
)


def _probe(compiled: Any) -> str | None:
    """Run the pattern over adversarial inputs with a time budget (the regex module can stop)."""
    try:
        for text in _PROBES:
            for _ in compiled.finditer(text, timeout=PROBE_TIMEOUT_S):
                pass
    except TimeoutError:
        return "too slow on long repetitive input (catastrophic backtracking); simplify it"
    return None


def parse_overrides(
    doc: YamlDoc,
    raw: object,
    known: set[str],
    default_min: float,
) -> tuple[Override, ...]:
    """``overrides:`` → per-sender rule sets; a sender may appear in one override only."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error("overrides", "must be a list of {name, senders, entities, default}")
    seen: dict[str, str] = {}
    names: set[str] = set()
    out = []
    for i, item in enumerate(raw):
        key = f"overrides[{i}]"
        body = check_keys(doc, key, item, _OVERRIDE_KEYS)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise doc.error(f"{key}.name", "required: a name for this override")
        if name in names:
            raise doc.error(f"{key}.name", f"duplicate override name {name!r}")
        names.add(name)
        senders = _str_list(doc, f"{key}.senders", body.get("senders"))
        if not senders:
            raise doc.error(
                f"{key}.senders", "required: From numbers or MessagingServiceSids it applies to"
            )
        for j, s in enumerate(senders):
            k = sender_key(s)
            if k in seen:
                raise doc.error(f"{key}.senders[{j}]", f"sender already in override {seen[k]!r}")
            seen[k] = name
        default = check_keys(doc, f"{key}.default", body.get("default"), {"action", "min_score"})
        d_action: Action | None = None
        if "action" in default:
            try:
                d_action = Action.parse(default["action"])
            except ValueError as e:
                raise doc.error(f"{key}.default.action", str(e)) from None
        d_min = None
        if "min_score" in default:
            d_min = _score(doc, f"{key}.default.min_score", default["min_score"])
        rules = parse_rules(
            doc,
            f"{key}.entities",
            body.get("entities"),
            known,
            d_min if d_min is not None else default_min,
        )
        description = body.get("description", "")
        if not isinstance(description, str):
            raise doc.error(f"{key}.description", "must be a string")
        out.append(Override(name, senders, rules, d_action, d_min, description))
    return tuple(out)


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
        if len(national_digits(p)) < 7:
            raise doc.error(f"allow.phones[{i}]", "not a phone number (fewer than 7 digits)")

    portal = section(doc, "portal", PortalSettings, top.get("portal"))
    try:
        check_template(portal.template)
    except ValueError as e:
        raise doc.error("portal.template", str(e)) from None
    if portal.verification not in ("dob", "sms_code", "none"):
        raise doc.error("portal.verification", "must be 'dob', 'sms_code' or 'none'")
    if portal.verification == "none" and not portal.accept_no_verification:
        raise doc.error(
            "portal.verification",
            "'none' lets anyone holding the link read it; set accept_no_verification: true",
        )
    if "{link}" not in portal.template:
        raise doc.error("portal.template", "must contain {link}")

    overrides = parse_overrides(doc, top.get("overrides"), known, default_min)

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
    here = Path(__file__).resolve().parent.parent  # proxy/
    for candidate in (here.parent / "config" / "policy.yaml", here / "defaults" / "policy.yaml"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("no default policy found (config/policy.yaml)")


def parse_analytics(doc: YamlDoc, raw: Any) -> AnalyticsSettings:
    body = check_keys(doc, "analytics", raw, {"keep_text", "granularity"})
    keep = body.get("keep_text", False)
    if not isinstance(keep, bool):
        raise doc.error("analytics.keep_text", "must be true or false")
    gran = body.get("granularity", "hour")
    if gran not in GRANULARITIES:
        raise doc.error("analytics.granularity", f"must be one of {', '.join(GRANULARITIES)}")
    return AnalyticsSettings(keep_text=keep, granularity=gran)
