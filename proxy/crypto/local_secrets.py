"""Local secrets (pseudonym key, signing keys): from the environment, else a key file.

A key named ``pseudonym`` comes from ``PHI_PROXY_PSEUDONYM_KEY`` (hex), else from
``<data_dir>/pseudonym.key``, created with mode 0600 on first use. Generated keys live only in
the data directory, never in the repository or the database.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class SecretError(RuntimeError):
    """A configured secret is unreadable or malformed."""


def load_or_create(name: str, data_dir: str | Path, nbytes: int = 32) -> bytes:
    env = f"PHI_PROXY_{name.upper()}_KEY"
    if env in os.environ:
        try:
            value = bytes.fromhex(os.environ[env].strip())
        except ValueError:
            raise SecretError(f"{env} must be hex") from None
        if len(value) < 16:
            raise SecretError(f"{env} must be at least 16 bytes")
        return value
    path = Path(data_dir) / f"{name}.key"
    if path.exists():
        try:
            return bytes.fromhex(path.read_text().strip())
        except ValueError:
            raise SecretError(f"{path} is not a hex key") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(value.hex())
    return value
