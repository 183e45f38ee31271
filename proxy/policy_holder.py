"""The live policy, swapped atomically on reload; a bad policy never replaces a good one."""

from __future__ import annotations

import logging
from pathlib import Path

from proxy.policy import Policy, load_policy

log = logging.getLogger("phi_proxy.policy")


class PolicyHolder:
    """Holds the policy requests read. Each request reads ``current`` once and keeps that object."""

    def __init__(self, policy: Policy, path: str | Path | None = None) -> None:
        self._policy = policy
        self.path = path
        _warn_if_monitor(policy)

    @property
    def current(self) -> Policy:
        return self._policy

    def replace(self, policy: Policy) -> Policy:
        old, self._policy = self._policy, policy
        log.info("policy %s replaced by %s", old.version, policy.version)
        _warn_if_monitor(policy)
        return old

    def reload(self) -> Policy:
        """Re-read the file; on any error keep the current policy and raise."""
        return self.replace(load_policy(self.path))


def _warn_if_monitor(policy: Policy) -> None:
    if policy.monitor:
        log.warning(
            "POLICY %s IS IN MONITOR MODE: texts are forwarded UNCHANGED, PHI included; "
            "decisions are only recorded",
            policy.version,
        )
