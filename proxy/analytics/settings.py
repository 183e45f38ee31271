"""The policy's ``analytics:`` section: whether the de-identified text is kept, and how coarse
timestamps are. Parsed here so :mod:`proxy.policy` grows by one key only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from proxy.yamlfile import YamlDoc, check_keys

GRANULARITIES = ("minute", "hour", "day", "year")


@dataclass(frozen=True)
class AnalyticsSettings:
    """``keep_text``: store the de-identified text (else only counts and classes).
    ``granularity``: timestamps are truncated to this (Safe Harbor proper needs ``year``)."""

    keep_text: bool = False
    granularity: str = "hour"


def parse_analytics(doc: YamlDoc, raw: Any) -> AnalyticsSettings:
    body = check_keys(doc, "analytics", raw, {"keep_text", "granularity"})
    keep = body.get("keep_text", False)
    if not isinstance(keep, bool):
        raise doc.error("analytics.keep_text", "must be true or false")
    gran = body.get("granularity", "hour")
    if gran not in GRANULARITIES:
        raise doc.error("analytics.granularity", f"must be one of {', '.join(GRANULARITIES)}")
    return AnalyticsSettings(keep_text=keep, granularity=gran)
