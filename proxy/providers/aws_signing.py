"""AWS Signature Version 4 for forwarded requests, with the proxy's OWN credentials.

SigV4 covers the body, so a rewritten request cannot keep the client's signature, and the proxy
cannot verify that signature (it does not know the client's secret). It therefore drops the
client's signature headers and signs every forwarded AWS request itself — see README,
"AWS trust model". botocore's ``SigV4Auth`` does the signing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from proxy.logs import get_logger
from proxy.providers.config import AwsConfig

log = get_logger(__name__)

# The client's signature and the headers it signs with; replaced by the proxy's.
CLIENT_SIGNATURE_HEADERS = (
    "Authorization",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
)


class AwsSigner:
    def __init__(self, config: AwsConfig, service: str) -> None:
        self.service, self.region = service, config.region
        secret = os.environ.get(config.secret_access_key_env)
        token = os.environ.get(config.session_token_env) if config.session_token_env else None
        self.credentials: Credentials | None = None
        if config.access_key_id and secret:
            self.credentials = Credentials(config.access_key_id, secret, token or None)
        elif config.access_key_id:
            log.warning(
                "%s: %s is not set; AWS sends will be refused",
                service,
                config.secret_access_key_env,
            )

    @property
    def configured(self) -> bool:
        return self.credentials is not None

    def headers(
        self, method: str, url: str, body: bytes, signed: Mapping[str, str]
    ) -> dict[str, str]:
        """The headers to set upstream: ``signed`` plus X-Amz-Date, token and Authorization."""
        if self.credentials is None:
            raise RuntimeError("no AWS credentials configured")
        request = AWSRequest(method=method, url=url, data=body, headers=dict(signed))
        SigV4Auth(self.credentials, self.service, self.region).add_auth(request)
        return {k: v for k, v in request.headers.items()}
