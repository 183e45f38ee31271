"""What the two AWS adapters share: a mount, the proxy's own signature, refusal without one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from proxy.providers.aws_signing import CLIENT_SIGNATURE_HEADERS, AwsSigner
from proxy.providers.base import BadRequest, Incoming, Provider
from proxy.providers.config import ProvidersConfig


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
