"""Audit: the hash-chained log of decisions (log), signed checkpoints of its tail (checkpoints),
the auditors' filtered reads (query), and the ``audit`` command (cli). Records carry ids and
entity types, never text or phone numbers.

Core: imports no feature package (portal, admin, analytics, webhooks).
"""

from proxy.audit.log import AuditEvent, AuditLog, AuditUnavailable, pseudonym

__all__ = ["AuditEvent", "AuditLog", "AuditUnavailable", "pseudonym"]
