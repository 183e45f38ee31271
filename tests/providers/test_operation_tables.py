"""The proxy's operation tables next to the providers' own machine-readable descriptions.

Fails when a served operation has a request field (body property or query parameter) that its
field map does not classify — so a field Twilio or AWS adds, or one the table missed, is caught
here rather than forwarded — and when a table names a route or field the description lacks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from proxy.providers import aws_sms, aws_sns
from proxy.providers.operations import Operation
from proxy.providers.twilio import OPERATIONS as TWILIO

ROOT = Path(__file__).resolve().parents[2]
TWILIO_SPEC = ROOT / "vendor" / "twilio-oai" / "twilio_api_v2010.json"
PAGING = {"PageSize", "Page", "PageToken"}


def spec_path(op: Operation) -> str:
    """``/A/{Sid:AC[0-9a-f]{32}}.json`` → ``/A/{Sid}.json`` (the OpenAPI template)."""
    out, i = "", 0
    while i < len(op.path):
        if op.path[i] != "{":
            out += op.path[i]
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(op.path[j], 0)
            j += 1
        out += "{" + op.path[i + 1 : j - 1].partition(":")[0] + "}"
        i = j
    return out


@pytest.fixture(scope="module")
def twilio_spec() -> dict[str, Any]:
    assert TWILIO_SPEC.exists(), "the vendored twilio-oai document is missing"
    return json.loads(TWILIO_SPEC.read_text())


@pytest.mark.parametrize("op", TWILIO, ids=lambda op: f"{op.method} {spec_path(op)}")
def test_every_twilio_field_is_classified(twilio_spec: dict[str, Any], op: Operation) -> None:
    paths = twilio_spec["paths"]
    path = spec_path(op)
    assert path in paths, f"{path} is not a Twilio API path"
    described = paths[path].get(op.method.lower())
    assert described is not None, f"Twilio has no {op.method} {path}"
    body = (
        described.get("requestBody", {})
        .get("content", {})
        .get("application/x-www-form-urlencoded", {})
        .get("schema", {})
        .get("properties", {})
    )
    if op.kind == "read":
        assert not body, f"{op.method} {path} takes a body: it cannot be a read"
    unclassified = sorted(p for p in body if op.fields.spec_for(p) is None)
    assert not unclassified, f"{op.method} {path}: unclassified {unclassified}"
    invented = sorted(set(op.fields.named) - set(body))
    assert not invented, f"{op.method} {path}: not in Twilio's spec: {invented}"
    query = {p["name"] for p in described.get("parameters", []) if p["in"] == "query"}
    missing = sorted(q for q in query if op.query.spec_for(q) is None)
    assert not missing, f"{op.method} {path}: unclassified query parameters {missing}"
    extra = sorted(set(op.query.named) - query - PAGING)
    assert not extra, f"{op.method} {path}: query parameters not in Twilio's spec: {extra}"


def test_twilio_message_send_classifies_the_known_attack_fields() -> None:
    send = next(op for op in TWILIO if op.method == "POST" and op.path.endswith("/Messages.json"))
    kinds = {name: type(spec).__name__ for name, spec in send.fields.named.items()}
    assert kinds["Body"] == "Text"
    assert kinds["ContentVariables"] == "Structured"
    assert kinds["MediaUrl"] == kinds["StatusCallback"] == "Url"
    assert kinds["PersistentAction"] == "Structured"
    assert kinds["From"] == kinds["FallbackFrom"] == "Sender"


def _members(shape: Any) -> set[str]:
    return set(shape.members)


@pytest.mark.parametrize(
    ("service", "table"),
    [("sns", aws_sns.ACTIONS), ("pinpoint-sms-voice-v2", aws_sms.OPERATIONS_FIELDS)],
)
def test_every_aws_member_is_classified(service: str, table: dict[str, Any]) -> None:
    model = botocore.session.get_session().get_service_model(service)
    for name, fields in table.items():
        shape = model.operation_model(name).input_shape
        if service == "sns":  # query protocol: top-level names, or flattened patterns
            for member, mshape in shape.members.items():
                if mshape.type_name in ("list", "map"):
                    assert any(p.startswith(re.escape(member)) for p, _ in fields.patterns), (
                        f"{name}.{member} unclassified"
                    )
                else:
                    assert fields.spec_for(member) is not None, f"{name}.{member} unclassified"
        else:
            assert set(fields.named) == _members(shape), name
        assert fields.source.startswith("botocore")


def test_aws_tables_refuse_what_they_do_not_serve() -> None:
    # SetSMSAttributes, CreateTopic, PutKeyword: the proxy would sign them with its own identity
    for action in ("SetSMSAttributes", "CreateTopic", "Subscribe", "publish"):
        assert action not in aws_sns.ACTIONS
    for op in ("PutKeyword", "SetDefaultSenderId", "sendtextmessage"):
        assert op not in aws_sms.OPERATIONS_FIELDS
