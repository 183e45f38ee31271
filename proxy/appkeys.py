"""Typed application keys: everything the handlers share, set once in ``create_app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from proxy.audit.log import AuditLog
    from proxy.detection.service import DetectionService
    from proxy.policy.holder import PolicyHolder
    from proxy.providers import Provider
    from proxy.settings import Settings
    from proxy.store import Database

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
POLICY: web.AppKey[PolicyHolder] = web.AppKey("policy")
DETECTION: web.AppKey[DetectionService] = web.AppKey("detection")
HTTP: web.AppKey[aiohttp.ClientSession] = web.AppKey("http")
PROVIDERS: web.AppKey[dict[str, Provider]] = web.AppKey("providers")
STORE: web.AppKey[Database] = web.AppKey("store")
PROVIDER: web.RequestKey[Provider] = web.RequestKey("provider")
AUDIT: web.AppKey[AuditLog] = web.AppKey("audit")
PSEUDONYM_KEY: web.AppKey[bytes] = web.AppKey("pseudonym_key")
