"""Whether a storage URL names a database that is already there (for the offline commands).

``serve`` creates its store on first start. ``export``, ``users`` and other commands that only
read or administer it must not: run from the wrong directory, a relative SQLite path would be a
new, empty database and the command would "succeed" with nothing. They ask :func:`missing` first.
"""

from __future__ import annotations

from pathlib import Path


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:`` URL (resolved against the working directory), else None."""
    if not url.startswith("sqlite:"):
        return None
    rest = url[len("sqlite:") :]
    if rest in ("", "//", "//:memory:", ":memory:"):
        return None
    if rest.startswith("///"):
        rest = rest[3:]
    elif rest.startswith("//"):
        rest = rest[2:]
    return Path(rest).resolve()


def missing(url: str) -> Path | None:
    """The SQLite file ``url`` names when it does not exist yet, else None (PostgreSQL URLs are
    checked by connecting: a database that is not there fails to open)."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def explain(command: str, url: str, path: Path, source: str) -> str:
    return (
        f"phi-proxy {command}: no database at {path} (storage.url {url!r} from {source}). "
        "Run it from the directory 'serve' runs in, or pass --config (or --db) naming the "
        "proxy's store; --create starts a new, empty one instead."
    )
