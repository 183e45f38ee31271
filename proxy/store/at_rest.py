"""Data at rest: the database, its WAL and every file under the data directory readable by the
proxy's user only (issue #18).

* Created that way: the data directory 0700, the SQLite database 0600 before SQLite first opens
  it (SQLite gives its ``-wal`` / ``-shm`` files the database's mode), keys 0600
  (:mod:`proxy.crypto.local_secrets`); ``serve`` runs with umask 077, so nothing it writes later
  is group- or world-readable either.
* Checked at start-up (:func:`check`): a key or database file that the group or others may read
  stops the proxy, and the error says the command that fixes it. The data directory (and any
  directory under it) is made 0700 and any other open file under it 0600 (and logged).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from proxy.logs import get_logger
from proxy.yamlfile import ConfigError

if TYPE_CHECKING:
    from proxy.settings import Settings

log = get_logger(__name__)

_OPEN = 0o077  # any group or other permission bit


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite:`` URL (``:memory:`` for an in-memory database)."""
    rest = url[len("sqlite:") :]
    if rest in ("", "//", "//:memory:", ":memory:"):
        return ":memory:"
    if rest.startswith("///"):
        return rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


def sqlite_files(db_path: str) -> list[Path]:
    base = Path(db_path)
    return [base, *(Path(str(base) + s) for s in ("-wal", "-shm", "-journal"))]


def create_private_file(path: str) -> None:
    """Create ``path`` (and its directory, 0700) as an empty 0600 file if it does not exist."""
    p = Path(path)
    if not p.parent.exists():
        p.parent.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _open_bits(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & _OPEN


def _refuse(path: Path, what: str, mode: str, source: str, key: str) -> ConfigError:
    return ConfigError(
        source,
        key,
        f"{what} {path} is readable by other users (mode {oct(stat.S_IMODE(path.stat().st_mode))});"
        f" fix: chmod {mode} {path}",
    )


def check(
    data_dir: str,
    db_path: str = "",
    key_files: tuple[str, ...] = (),
    source: str = "config",
) -> None:
    """Refuse to start (ConfigError naming the fix) on a group/world-readable key or database
    file; make the data directory 0700 and any other open file under it 0600."""
    for f in (*sqlite_files(db_path),) if db_path and db_path != ":memory:" else ():
        if f.exists() and _open_bits(f):
            raise _refuse(f, "database file", "600", source, "storage.url")
    for k in key_files:
        if k and Path(k).exists() and _open_bits(Path(k)):
            raise _refuse(Path(k), "key file", "600", source, "storage")
    root = Path(data_dir)
    if not root.exists():
        return
    if _open_bits(root):
        os.chmod(root, 0o700)
        log.warning("data at rest: %s was open to other users; now 0700", root)
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            sub = Path(dirpath, d)
            if not sub.is_symlink() and _open_bits(sub):
                os.chmod(sub, 0o700)
                log.warning("data at rest: %s was open to other users; now 0700", sub)
        for name in filenames:
            f = Path(dirpath, name)
            if f.is_symlink() or not f.is_file() or not _open_bits(f):
                continue
            if name.endswith(".key"):
                raise _refuse(f, "key file", "600", source, "storage.data_dir")
            os.chmod(f, 0o600)
            log.warning("data at rest: %s was readable by other users; now 0600", f)


def check_settings(settings: Settings) -> None:
    """:func:`check` for the configured store, data directory and key files."""
    url = settings.storage.url
    db_path = sqlite_path(url) if url.startswith("sqlite:") else ""
    check(
        settings.storage.data_dir,
        db_path,
        (settings.storage.kek_file, settings.audit.signing_key_file),
        settings.source or "config",
    )
