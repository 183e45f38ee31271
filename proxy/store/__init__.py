"""Storage: one small async SQL interface, SQLite (embedded default) and PostgreSQL backends.

Feature modules (opt-outs, audit, vault, idempotency, policy versions, users, analytics) keep
their own tables and queries and talk to :class:`Database`; queries use ``?`` placeholders and a
portable SQL subset, and each backend adapts them. The interface (:mod:`.interface`) imports no
backend; :func:`open_database` picks one by the URL's scheme.
"""

from proxy.store.interface import Database, Row
from proxy.store.migrations import MIGRATIONS, Migration, upgrade

__all__ = ["MIGRATIONS", "Database", "Migration", "Row", "open_database", "upgrade"]


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open ``sqlite:///path`` or ``postgresql://…`` and apply migrations."""
    db: Database
    if url.startswith("sqlite:"):
        from proxy.store.sqlite import SqliteDatabase

        db = await SqliteDatabase.open(url)
    elif url.startswith(("postgres://", "postgresql://")):
        from proxy.store.postgres import PostgresDatabase

        db = await PostgresDatabase.open(url)
    else:
        raise ValueError(f"unsupported storage URL scheme in {url.split(':', 1)[0]!r}")
    if migrate:
        await upgrade(db)
    return db
