"""Storage: one small async SQL interface, SQLite (embedded default) and PostgreSQL backends.

Feature modules (opt-outs, audit, vault, idempotency, policy versions, users, analytics) keep
their own tables and queries and talk to :class:`Database`; queries use ``?`` placeholders and a
portable SQL subset, and each backend adapts them.
"""

from proxy.store.db import Database, Row, open_database
from proxy.store.migrations import MIGRATIONS, Migration, upgrade

__all__ = ["MIGRATIONS", "Database", "Migration", "Row", "open_database", "upgrade"]
