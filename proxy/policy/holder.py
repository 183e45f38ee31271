"""The live policy, swapped atomically on reload or publish; a bad policy never replaces a good one.

A request reads :attr:`PolicyHolder.current` once and keeps that object, so a swap never changes
the rules under a request in flight. A new policy goes live only after it validated, its
detector (custom recognizers) was built, and its publication was audited and stored.
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from proxy.audit.log import AuditEvent
from proxy.logs import get_logger
from proxy.policy.model import Policy
from proxy.policy.parse import load_policy, parse_policy, read_policy_text

if TYPE_CHECKING:
    from aiohttp import web

    from proxy.audit.log import AuditLog
    from proxy.policy.custom import PolicyDetector
    from proxy.policy.versions import PolicyVersions

log = get_logger(__name__)


class PolicyHolder:
    """Holds the policy requests read. Each request reads ``current`` once and keeps that object."""

    def __init__(
        self,
        policy: Policy,
        path: str | Path | None = None,
        detector: PolicyDetector | None = None,
    ) -> None:
        self.path = path
        self.detector = detector
        if detector is not None:
            detector.use(detector.for_policy(policy))
        self._policy = policy
        self._lock = asyncio.Lock()
        self.versions: PolicyVersions | None = None  # set once the store is open
        self.audit: AuditLog | None = None
        self._seen_id = 0  # newest version row this holder has recorded or adopted
        _warn_if_monitor(policy)

    @property
    def current(self) -> Policy:
        return self._policy

    def replace(self, policy: Policy) -> Policy:
        """Swap in ``policy`` (its detector is built first; if that fails nothing changes)."""
        if self.detector is not None:
            self.detector.use(self.detector.for_policy(policy))
        old, self._policy = self._policy, policy
        log.info("policy %s replaced by %s", old.version, policy.version)
        _warn_if_monitor(policy)
        return old

    def reload(self) -> Policy:
        """Re-read the file; on any error keep the current policy and raise."""
        return self.replace(load_policy(self.path))

    async def record_load(self, actor: str = "system", reason: str = "start-up") -> None:
        """Store and audit the policy the process started with."""
        await self._record(self._policy, None, "load", actor, reason)

    async def publish(
        self, text: str, *, actor: str, reason: str, event: str = "publish"
    ) -> Policy:
        """Validate ``text``, audit and store it, write it to the policy file, then go live.

        Raises ConfigError (invalid), RecognizersUnsupported, or AuditUnavailable / a store
        error; in every such case the current policy stays.
        """
        async with self._lock:
            policy = parse_policy(text, str(self.path) if self.path else "<published>")
            detector = self.detector.for_policy(policy) if self.detector is not None else None
            staged = self._stage(text) if self.path and event == "publish" else None
            try:
                await self._record(policy, self._policy, event, actor, reason)
                if staged is not None:
                    os.replace(staged, str(self.path))
                    staged = None
            finally:
                if staged is not None:
                    Path(staged).unlink(missing_ok=True)
            if self.detector is not None and detector is not None:
                self.detector.use(detector)
            old, self._policy = self._policy, policy
            log.info(
                "policy %s replaced by %s (%s by %s)", old.version, policy.version, event, actor
            )
            _warn_if_monitor(policy)
            return policy

    async def reload_from_file(self, *, actor: str, reason: str) -> Policy:
        """Re-read the policy file (SIGHUP, console); a bad file leaves the current policy."""
        if not self.path:
            raise FileNotFoundError("this proxy was started without a policy file")
        return await self.publish(
            read_policy_text(self.path), actor=actor, reason=reason, event="reload"
        )

    def _stage(self, text: str) -> str:
        """Write the new text next to the policy file (renamed over it once recorded)."""
        target = Path(str(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".policy-", suffix=".yaml", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        return tmp

    async def _record(
        self, policy: Policy, previous: Policy | None, event: str, actor: str, reason: str
    ) -> None:
        if self.audit is not None and event != "load":  # start-up loads: versions table only
            await self.audit.append(
                AuditEvent(
                    kind=f"policy.{event}",
                    outcome="live",
                    policy_version=policy.version,
                    actor=actor,
                    details={
                        "name": policy.name,
                        "mode": policy.mode,
                        "previous_version": previous.version if previous else "",
                    },
                )
            )
        if self.versions is not None:
            ident = await self.versions.record(policy, event=event, actor=actor, reason=reason)
            self._seen_id = max(self._seen_id, ident)

    async def sync_from_store(self) -> bool:
        """Adopt a policy another worker or instance published or reloaded (the newest wins).

        Workers of ``serve --workers N`` and instances sharing PostgreSQL each hold their own
        policy; a publish in one reaches the others through the version table.
        """
        if self.versions is None:
            return False
        row = await self.versions.latest_live()
        if row is None or row.id <= self._seen_id:
            return False
        async with self._lock:
            if row.id <= self._seen_id:
                return False
            self._seen_id = row.id
            if row.version == self._policy.version:
                return False
            policy = parse_policy(row.yaml, str(self.path) if self.path else "<published>")
            if self.detector is not None:
                self.detector.use(self.detector.for_policy(policy))
            old, self._policy = self._policy, policy
        log.warning(
            "policy %s replaced by %s (%s by %s elsewhere)",
            old.version,
            policy.version,
            row.event,
            row.actor,
        )
        _warn_if_monitor(policy)
        return True

    async def follow_store(self) -> None:
        """One :meth:`sync_from_store`, run periodically; a bad row is logged and skipped."""
        try:
            await self.sync_from_store()
        except Exception as e:  # noqa: BLE001 - keep the good policy, keep following
            log.error("policy sync failed, current policy kept: %s", type(e).__name__)


def install_sighup(holder: PolicyHolder) -> None:
    """SIGHUP re-reads the policy file; errors are logged and the current policy stays."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    async def reload() -> None:
        try:
            p = await holder.reload_from_file(actor="sighup", reason="SIGHUP")
            log.warning("policy reloaded on SIGHUP: version %s", p.version)
        except Exception as e:  # noqa: BLE001 - a bad policy must not stop the proxy
            log.error("policy reload on SIGHUP refused, current policy kept: %s", e)

    def on_hup() -> None:
        t = loop.create_task(reload())
        tasks.add(t)
        t.add_done_callback(tasks.discard)

    loop.add_signal_handler(signal.SIGHUP, on_hup)


async def sighup_on_startup(app: web.Application) -> None:
    from proxy import appkeys

    install_sighup(app[appkeys.POLICY])


def _warn_if_monitor(policy: Policy) -> None:
    if policy.monitor:
        log.warning(
            "POLICY %s IS IN MONITOR MODE: texts are forwarded UNCHANGED, PHI included; "
            "decisions are only recorded",
            policy.version,
        )
