"""What the two AWS adapters share: a mount, the proxy's own signature, refusal without one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import botocore.session

from proxy.providers.aws_signing import CLIENT_SIGNATURE_HEADERS, AwsSigner
from proxy.providers.base import BadRequest, Incoming, Provider
from proxy.providers.config import ProvidersConfig
from proxy.providers.operations import (
    BOOL_SCALAR,
    DATETIME,
    INT,
    INT_SCALAR,
    NUMBER,
    Arr,
    Fields,
    Map,
    Obj,
    Refused,
    Scalar,
    Spec,
    enum,
)


class AwsProvider(Provider):
    """An AWS API served at ``POST /`` of its own host, so mounted under a path prefix here."""

    service: ClassVar[str]
    host_template: ClassVar[str]  # e.g. "https://sns.{region}.amazonaws.com"
    access_denied_code: ClassVar[str]
    upstream_drop_headers = CLIENT_SIGNATURE_HEADERS

    def __init__(self, signer: AwsSigner) -> None:
        self.signer = signer
        self.default_upstream = self.host_template.format(region=signer.region)

    @classmethod
    def from_config(cls, config: ProvidersConfig) -> AwsProvider:
        return cls(AwsSigner(config.aws, cls.service))

    def check_request(self, req: Incoming, bad_code: str) -> None:
        """Refuse what cannot be forwarded safely: no credentials, parameters in the URL."""
        if not self.signer.configured:
            raise BadRequest(
                "phi-proxy has no AWS credentials configured (providers.aws.access_key_id and "
                "the secret's environment variable), so it cannot sign this request; "
                "nothing was sent",
                self.access_denied_code,
                status=403,
            )
        if req.query:
            raise BadRequest("Parameters must be in the request body", bad_code)

    def extra_upstream_headers(self, req: Incoming, body: bytes) -> Mapping[str, str]:
        url = self.upstream.rstrip("/") + self.upstream_path(req.path)
        signed = {"Content-Type": req.headers.get("Content-Type", "")}
        if "X-Amz-Target" in req.headers:
            signed["X-Amz-Target"] = req.headers["X-Amz-Target"]
        return self.signer.headers(req.method, url, body, signed)


# ---- field maps from botocore's own service models ------------------------------------------

AWS_TOKEN = r"[A-Za-z0-9_.:/+=@,-]{0,512}"  # ids, ARNs, tokens, names: never prose
Overrides = Mapping[str, Spec]


class UnclassifiedField(ValueError):
    """A string member of a send operation's model that the adapter does not classify."""


def _leaf_spec(shape: Any, where: str, overrides: Overrides, read: bool) -> Spec:
    if where in overrides:
        return overrides[where]
    kind = shape.type_name
    if kind == "string":
        if getattr(shape, "enum", None):
            return enum(*shape.enum)
        if read:
            return Scalar(AWS_TOKEN)
        raise UnclassifiedField(where)
    if kind in ("integer", "long"):
        return INT_SCALAR
    if kind == "boolean":
        return BOOL_SCALAR
    if kind in ("double", "float"):
        return NUMBER
    if kind == "timestamp":
        return Scalar(DATETIME + "|" + INT, (str, int, float))
    if kind == "blob":
        return Refused("binary values cannot be inspected")
    raise UnclassifiedField(where)


def json_spec(shape: Any, overrides: Overrides, read: bool, where: str = "") -> Spec:
    """A JSON-protocol input shape as a nested field spec; ``where`` is ``A.B`` model path."""
    if where in overrides:
        return overrides[where]
    kind = shape.type_name
    if kind == "structure":
        return Obj(
            {
                name: json_spec(member, overrides, read, f"{where}.{name}".lstrip("."))
                for name, member in shape.members.items()
            }
        )
    if kind == "list":
        return Arr(json_spec(shape.member, overrides, read, where))
    if kind == "map":
        return Map(
            json_spec(shape.value, overrides, read, where + ".value"),
            key=_leaf_spec(shape.key, where + ".key", overrides, read),
        )
    return _leaf_spec(shape, where, overrides, read)


def json_fields(
    service: str, operation: str, overrides: Overrides, *, read: bool = False
) -> Fields:
    model = botocore.session.get_session().get_service_model(service)
    spec = json_spec(model.operation_model(operation).input_shape, overrides, read)
    assert isinstance(spec, Obj)
    return Fields(named=dict(spec.fields), body="json", source=f"botocore {service} {operation}")


def query_fields(
    service: str, operation: str, overrides: Overrides, *, read: bool = False
) -> Fields:
    """A query-protocol (form) operation: flattened names as the SDK serialises them,
    ``A.member.N.B``, ``A.entry.N.Name`` / ``A.entry.N.Value.C``."""
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    named: dict[str, Spec] = {
        "Action": enum(operation),
        "Version": Scalar(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    }
    patterns: list[tuple[str, Spec]] = []

    def walk(shape: Any, name_re: str, where: str, plain: str | None) -> None:
        kind = shape.type_name
        if where in overrides and kind not in ("structure", "list", "map"):
            spec = overrides[where]
        elif kind == "structure":
            for m_name, member in shape.members.items():
                sub = member.serialization.get("name", m_name)
                walk(
                    member,
                    f"{name_re}\\.{re.escape(sub)}" if name_re else re.escape(sub),
                    f"{where}.{m_name}".lstrip("."),
                    f"{plain}.{sub}" if plain else (sub if not name_re else None),
                )
            return
        elif kind == "list":
            walk(shape.member, f"{name_re}\\.member\\.[1-9][0-9]{{0,3}}", where, None)
            return
        elif kind == "map":
            key = shape.key.serialization.get("name", "key")
            value = shape.value.serialization.get("name", "value")
            entry = f"{name_re}\\.entry\\.[1-9][0-9]{{0,3}}"
            walk(shape.key, f"{entry}\\.{re.escape(key)}", where + ".key", None)
            walk(shape.value, f"{entry}\\.{re.escape(value)}", where + ".value", None)
            return
        else:
            spec = _leaf_spec(shape, where, overrides, read)
        if plain is not None:
            named[plain] = spec
        else:
            patterns.append((name_re, spec))

    walk(shape, "", "", "")
    return Fields(
        named=named,
        patterns=tuple(patterns),
        body="form",
        source=f"botocore {service} {operation}",
    )
