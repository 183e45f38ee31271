"""Policy schema additions: per-sender overrides and custom recognizers, validated with lines."""

from __future__ import annotations

import textwrap
from urllib.parse import parse_qs, urlencode

import aiohttp
import pytest

from models.detector import Detector
from proxy.policy.custom import PolicyDetector
from proxy.policy.decide import decide
from proxy.policy.model import Action
from proxy.policy.parse import parse_policy
from proxy.yamlfile import ConfigError
from tests.support.proxy import SENDS, post_form

BASE = """\
version: 1
name: test
entities:
  PERSON: {action: redact, min_score: 0.5}
"""

OVERRIDES = (
    BASE
    + """\
overrides:
  - name: lab-results
    senders: ["+1 (555) 010-0200", "MG00000000000000000000000000000001"]
    default: {action: block}
    entities:
      PERSON: block
"""
)

MRN_RECOGNIZER = (
    BASE
    + """\
recognizers:
  - name: lakeview_member
    supported_entity: LAKEVIEW_MEMBER_ID
    label: member number
    patterns:
      - {name: member, regex: "\\\\bLV-\\\\d{7}\\\\b", score: 0.9}
    context: [member]
"""
)


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        parse_policy(text, "p.yaml")
    return exc.value


def test_existing_keys_stay_stable_and_base_policy_has_no_overrides() -> None:
    p = parse_policy(BASE + "allow:\n  names: [Lakeview]\n")
    assert p.allow.names == ("Lakeview",)
    assert p.for_sender("+15550100200") is p
    assert p.overrides == () and p.recognizers == ()


def test_for_sender_matches_phone_digits_and_service_sid() -> None:
    p = parse_policy(OVERRIDES)
    for sender in ("+15550100200", "555-010-0200", "MG00000000000000000000000000000001"):
        view = p.for_sender(sender)
        assert view.view == "lab-results", sender
        assert view.rule_for("PERSON").action == Action.BLOCK
        assert view.rule_for("US_SSN").action == Action.BLOCK  # the override's default
        assert view.version == p.version  # decisions cite the one published version
    # with its own default the override is complete: base rules are not inherited
    inherits = parse_policy(OVERRIDES.replace("    default: {action: block}\n", ""))
    assert inherits.for_sender("+15550100200").rule_for("US_SSN").action == Action.REDACT
    strict = parse_policy(OVERRIDES.replace("      PERSON: block\n", "      US_SSN: mask\n"))
    assert strict.for_sender("+15550100200").rule_for("PERSON").action == Action.BLOCK
    assert strict.rule_for("PERSON").action == Action.REDACT
    other = p.for_sender("+15550100999")
    assert other is p and other.rule_for("PERSON").action == Action.REDACT
    assert p.for_sender("MG00000000000000000000000000000002") is p


def test_duplicate_sender_is_an_error_with_its_line() -> None:
    text = (
        OVERRIDES
        + """\
  - name: second
    senders: ["+15550100200"]
"""
    )
    err = error_of(text)
    assert err.key == "overrides[1].senders[0]"
    assert err.line == 12
    assert "already in override 'lab-results'" in err.reason


def test_unknown_entity_type_needs_a_labelled_recognizer() -> None:
    err = error_of(BASE + "  OUR_MRN: block\n")
    assert (err.key, err.line) == ("entities.OUR_MRN", 5)
    err = error_of(MRN_RECOGNIZER.replace("    label: member number\n", ""))
    assert err.key == "recognizers[0].supported_entity" and err.line == 7
    assert "declare it as a new custom type" in err.reason


def test_custom_type_is_known_to_the_policy_with_its_label() -> None:
    p = parse_policy(MRN_RECOGNIZER + "  \n")
    assert "LAKEVIEW_MEMBER_ID" in p.custom_types
    assert "LAKEVIEW_MEMBER_ID" in p.needed_entities()
    assert p.rule_for("LAKEVIEW_MEMBER_ID").label == "member number"
    p2 = parse_policy(MRN_RECOGNIZER.replace("    context", "    context") + "")
    assert p2.version == p.version


@pytest.mark.parametrize(
    ("regex", "reason"),
    [
        ("(a+)+$", "nested repetition"),
        ("(\\\\w+\\\\s?)+$", "nested repetition"),
        ("(x)\\\\1", "back-references"),
        ("(\\\\d|\\\\w)+$", "too slow"),
        ("[", "does not compile"),
        ("a*", "matches the empty string"),
    ],
)
def test_dangerous_or_broken_regexes_are_refused_at_their_line(regex: str, reason: str) -> None:
    text = MRN_RECOGNIZER.replace("\\\\bLV-\\\\d{7}\\\\b", regex)
    err = error_of(text)
    assert err.key == "recognizers[0].patterns[0].regex"
    assert err.line == 10
    assert reason in err.reason


def test_recognizer_field_errors() -> None:
    err = error_of(MRN_RECOGNIZER.replace("score: 0.9", "score: 3"))
    assert err.key == "recognizers[0].patterns[0].score"
    err = error_of(MRN_RECOGNIZER.replace("    context: [member]\n", "    colour: blue\n"))
    assert err.key == "recognizers[0].colour" and err.line == 11
    err = error_of(MRN_RECOGNIZER + MRN_RECOGNIZER.split("recognizers:\n")[1])
    assert err.key == "recognizers[1].name" and "duplicate" in err.reason


def test_custom_recognizer_detects_and_redacts_with_its_label(detector: Detector) -> None:
    policy = parse_policy(MRN_RECOGNIZER)
    d = PolicyDetector(detector).for_policy(policy)
    text = "Your member ID LV-1234567 is active."
    [findings] = d.detect([text], policy.needed_entities())
    assert any(f.type == "LAKEVIEW_MEMBER_ID" for f in findings)
    decision = decide(text, findings, policy)
    assert decision.outgoing == "Your member ID [member number] is active."
    # the base detector is untouched: without the policy's recognizer nothing is found
    [plain] = detector.detect([text], policy.needed_entities())
    assert not any(f.type == "LAKEVIEW_MEMBER_ID" for f in plain)


def test_custom_recognizer_deny_list_extends_a_known_type(detector: Detector) -> None:
    policy = parse_policy(
        BASE
        + textwrap.dedent(
            """\
            recognizers:
              - name: our_wards
                supported_entity: CLINICAL_DEPARTMENT
                deny_list: [Ward 7B]
            """
        )
    )
    d = PolicyDetector(detector).for_policy(policy)
    [findings] = d.detect(["Please come to Ward 7B tomorrow."], policy.needed_entities())
    assert any(f.type == "CLINICAL_DEPARTMENT" for f in findings)


async def test_overrides_apply_per_sender_through_the_proxy(
    make_proxy, upstream_server, upstream
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=parse_policy(OVERRIDES))
    text = "Hi Maria Lopez, your appointment is on Tuesday at 3:15 PM."
    async with aiohttp.ClientSession() as s:
        for sender, want in (("+15550100200", 400), ("+15550109999", 201)):
            body = urlencode({"To": "+15550100001", "From": sender, "Body": text})
            async with s.post(
                proxy.make_url(SENDS),
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ) as r:
                assert r.status == want, sender
    assert len(upstream.requests) == 1
    sent = parse_qs(upstream.bodies[0].decode())["Body"][0]
    assert "Maria" not in sent and "[name]" in sent


async def test_custom_recognizer_applies_through_the_proxy(
    make_proxy, upstream_server, upstream
) -> None:
    proxy = await make_proxy(str(upstream_server.make_url("")), policy=parse_policy(MRN_RECOGNIZER))
    body = urlencode(
        {"To": "+15550100001", "From": "+15550109999", "Body": "Member LV-7654321 confirmed."}
    )
    r = await post_form(proxy.make_url(SENDS), body)
    assert r.status == 201
    sent = parse_qs(upstream.bodies[0].decode())["Body"][0]
    assert sent == "Member [member number] confirmed."


def test_monitor_mode_needs_acknowledgement() -> None:
    err = error_of(BASE + "mode: monitor\n")
    assert err.key == "monitor_acknowledged"
    p = parse_policy(BASE + "mode: monitor\nmonitor_acknowledged: true\n")
    assert p.monitor


def test_portal_field_types_are_checked() -> None:
    err = error_of(BASE + "portal:\n  template: 5\n")
    assert err.key == "portal.template" and err.line == 6
