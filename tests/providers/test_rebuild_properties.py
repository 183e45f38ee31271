"""Property tests: every adapter's rebuild changes the texts and nothing else.

For random extra fields and random texts: parse → rebuild with new texts → the rebuilt request
parses back to the new texts, and every other field is what the client sent.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from botocore.credentials import Credentials
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

from proxy.providers import build_providers
from proxy.providers.aws_signing import AwsSigner
from proxy.providers.aws_sns import AwsSns
from proxy.providers.base import Incoming, Provider
from proxy.providers.config import AwsConfig, ProvidersConfig

PROVIDERS = build_providers(ProvidersConfig())

texts = st.text(min_size=1, max_size=60)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.text(max_size=20))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
extra_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).map(
    lambda k: "x_" + k  # never a field any adapter reads
)
extras = st.dictionaries(extra_keys, json_values, max_size=5)


def incoming(path: str, body: bytes, ctype: str, **headers: str) -> Incoming:
    h = CIMultiDictProxy(CIMultiDict({"Content-Type": ctype, **headers}))
    return Incoming("POST", path, {}, h, body)


# provider, path, base document, where the text goes
JSON_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    ("telnyx", "/v2/messages", {"to": "+15550100001", "from": "+15550109999"}, "text"),
    ("plivo", "/v1/Account/MA1/Message/", {"src": "1555", "dst": "1556<1557"}, "text"),
    ("sinch", "/xms/v1/p/batches", {"to": ["15550100001"], "from": "1"}, "body"),
    (
        "vonage_messages",
        "/v1/messages",
        {"to": "1555", "from": "1556", "channel": "sms", "message_type": "text"},
        "text",
    ),
    ("messagebird", "/messages", {"originator": "x", "recipients": "1555,1556"}, "body"),
    ("vonage_sms", "/sms/json", {"to": "1555", "from": "1556", "api_key": "k"}, "text"),
]


@settings(max_examples=40, deadline=None)
@given(case=st.sampled_from(JSON_CASES), extra=extras, old=texts, new=texts)
def test_json_rebuild_changes_only_the_text(case, extra, old, new):
    name, path, base, field = case
    provider: Provider = PROVIDERS[name]
    doc = {**base, **extra, field: old}
    req = incoming(path, json.dumps(doc).encode(), "application/json")
    parsed = provider.parse(req)
    assert [m.text for m in parsed.messages] == [old]
    body = provider.rebuild(req, parsed, [new])
    assert json.loads(body) == {**doc, field: new}
    again = provider.parse(incoming(path, body, "application/json"))
    assert [m.text for m in again.messages] == [new]


FORM_CASES: list[tuple[str, str, list[tuple[str, str]], str]] = [
    ("vonage_sms", "/sms/json", [("to", "1555"), ("from", "1556"), ("api_key", "k")], "text"),
    ("messagebird", "/messages", [("originator", "x"), ("recipients", "1555")], "body"),
    ("aws_sns", "/", [("Action", "Publish"), ("PhoneNumber", "+1555")], "Message"),
]


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from(FORM_CASES),
    extra=st.lists(
        st.tuples(extra_keys, st.text(max_size=20)), max_size=4, unique_by=lambda t: t[0]
    ),
    old=texts,
    new=texts,
)
def test_form_rebuild_changes_only_the_text(case, extra, old, new):
    name, path, base, field = case
    provider: Provider = PROVIDERS[name]
    pairs = [*base, *extra, (field, old)]
    if name == "aws_sns":
        signer = AwsSigner(AwsConfig(), "sns")
        signer.credentials = Credentials("AKIDTEST", "secret")  # AWS parses need credentials
        provider = AwsSns(signer)
    req = incoming(path, urlencode(pairs).encode(), "application/x-www-form-urlencoded")
    parsed = provider.parse(req)
    assert [m.text for m in parsed.messages] == [old]
    body = provider.rebuild(req, parsed, [new])
    assert parse_qsl(body.decode(), keep_blank_values=True) == [*base, *extra, (field, new)]
