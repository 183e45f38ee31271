"""Policy operations shared by the admin API and console: validate, test, publish, reload."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from proxy import appkeys
from proxy.audit.log import AuditUnavailable
from proxy.policy.custom import PolicyDetector, RecognizersUnsupported
from proxy.policy.model import Policy
from proxy.policy.parse import parse_policy
from proxy.policy.testbench import evaluate
from proxy.yamlfile import ConfigError

DRAFT = "<draft>"
MAX_YAML = 200_000


class PublishFailed(Exception):
    """The policy was valid but could not be made live (audit or store down, file unwritable)."""


def parse_draft(text: str) -> Policy:
    """Validate policy YAML; every problem is a ConfigError (with the line when there is one)."""
    if len(text) > MAX_YAML:
        raise ConfigError(DRAFT, "", f"policy too large (at most {MAX_YAML} characters)")
    try:
        return parse_policy(text, DRAFT)
    except ConfigError:
        raise
    except (RecursionError, TypeError, ValueError, AttributeError, KeyError) as e:
        raise ConfigError(DRAFT, "", f"invalid policy ({type(e).__name__})") from None


async def test_text(
    request: web.Request, policy: Policy, text: str, sender: str | None = None
) -> dict[str, Any]:
    holder = request.app[appkeys.POLICY]
    detector = holder.detector
    if detector is None:
        raise web.HTTPServiceUnavailable(text="no detector")
    try:
        return await evaluate(detector, policy, text, sender)
    except RecognizersUnsupported as e:
        raise ConfigError(DRAFT, "recognizers", str(e)) from None


def policy_detector(request: web.Request) -> PolicyDetector | None:
    return request.app[appkeys.POLICY].detector


async def publish(request: web.Request, text: str, actor: str, reason: str) -> Policy:
    parse_draft(text)
    holder = request.app[appkeys.POLICY]
    try:
        return await holder.publish(text, actor=actor, reason=reason)
    except ConfigError:
        raise
    except RecognizersUnsupported as e:
        raise ConfigError(DRAFT, "recognizers", str(e)) from None
    except (AuditUnavailable, OSError) as e:
        raise PublishFailed(type(e).__name__) from None


async def reload(request: web.Request, actor: str, reason: str) -> Policy:
    holder = request.app[appkeys.POLICY]
    try:
        return await holder.reload_from_file(actor=actor, reason=reason)
    except ConfigError:
        raise
    except FileNotFoundError as e:
        raise PublishFailed(str(e)) from None
    except RecognizersUnsupported as e:
        raise ConfigError(str(holder.path), "recognizers", str(e)) from None
    except AuditUnavailable as e:
        raise PublishFailed(type(e).__name__) from None
