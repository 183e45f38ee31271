"""Admin identities: users (scrypt passwords), API keys (SHA-256 only), console sessions.

Secrets are shown once, when made, and never stored: keys and session ids are kept as SHA-256
hashes, passwords as scrypt hashes. Revoking a user ends their keys and sessions too. Failed
sign-ins are counted in the store (:mod:`proxy.store.failure_counts`), so the lockout holds across
every worker and instance sharing it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Literal

from proxy.admin.roles import ROLES
from proxy.store import Database
from proxy.store.failure_counts import FailureCounts

Via = Literal["key", "session"]  # how a principal signed in

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5  # failed sign-ins per user name within LOCKOUT_SECONDS before refusing
LOCKOUT_SECONDS = 900.0
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
KEY_PREFIX = "phk_"


class AuthError(ValueError):
    """A user or key operation that cannot be done (unknown user, bad name, ...)."""


class UserExists(AuthError):
    """A user of that name exists already (the admin API answers 409)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user's name and role, and how they proved it."""

    name: str
    role: str
    via: Via
    session_id_hash: str = ""
    csrf: str = ""
    key_id: str = ""


@dataclass(frozen=True)
class NewUser:
    name: str
    role: str
    password: str
    api_key: str
    key_id: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    dk = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(dk).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, dk = stored.split("$")
        if algo != "scrypt":
            return False
        want = base64.b64decode(dk)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def valid_name(name: object) -> bool:
    return isinstance(name, str) and bool(_NAME.match(name))


class AdminAuth:
    """Users, keys and sessions in the store."""

    def __init__(
        self,
        db: Database,
        idle_seconds: float = 1800,
        max_seconds: float = 43200,
        hash_key: bytes = b"",
    ):
        """``hash_key`` keys the hashes failed sign-ins are counted under: the same on every
        instance sharing the store (the server derives it from the pseudonym key)."""
        self.db = db
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self.failures = FailureCounts(
            db, "admin.signin", MAX_FAILURES, LOCKOUT_SECONDS, hash_key=hash_key
        )

    async def locked(self, name: str) -> bool:
        """Too many failed sign-ins for this name lately (on any instance sharing the store).

        Raises :class:`~proxy.store.interface.StoreUnavailable` when that cannot be read."""
        return await self.failures.blocked(name)

    # users ---------------------------------------------------------------------------------
    async def add_user(self, name: str, role: str) -> NewUser:
        """Create a user with a generated password and a first API key (both shown once)."""
        if not valid_name(name):
            raise AuthError("name: letters, digits, '_', '.', '@', '-' (at most 64)")
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        password = secrets.token_urlsafe(15)
        # the insert is the check: two instances adding one name at once get one user
        if not await self.db.execute(
            "INSERT INTO admin_users (name, role, password_hash, created_at, revoked_at)"
            " VALUES (?, ?, ?, ?, NULL) ON CONFLICT (name) DO NOTHING",
            name,
            role,
            hash_password(password),
            time.time(),
        ):
            raise UserExists(f"user {name!r} already exists")
        key_id, key = await self.add_key(name)
        return NewUser(name, role, password, key, key_id)

    async def users(self) -> list[dict[str, object]]:
        rows = await self.db.fetch(
            "SELECT name, role, created_at, revoked_at FROM admin_users ORDER BY name"
        )
        keys = await self.db.fetch(
            "SELECT id, user_name, created_at, revoked_at, last_used_at FROM admin_api_keys"
            " ORDER BY created_at"
        )
        for r in rows:
            r["keys"] = [
                {k: v for k, v in key.items() if k != "user_name"}
                for key in keys
                if key["user_name"] == r["name"]
            ]
        return rows

    async def revoke_user(self, name: str) -> None:
        now = time.time()
        async with self.db.transaction() as tx:
            n = await tx.execute(
                "UPDATE admin_users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                now,
                name,
            )
            if not n:
                raise AuthError(f"no active user {name!r}")
            await tx.execute(
                "UPDATE admin_api_keys SET revoked_at = ? WHERE user_name = ?"
                " AND revoked_at IS NULL",
                now,
                name,
            )
            await tx.execute("DELETE FROM admin_sessions WHERE user_name = ?", name)

    # keys ----------------------------------------------------------------------------------
    async def add_key(self, name: str) -> tuple[str, str]:
        """A new API key for an active user: (key id, the key — shown once)."""
        user = await self._active_user(name)
        if user is None:
            raise AuthError(f"no active user {name!r}")
        key_id = secrets.token_hex(4)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        await self.db.execute(
            "INSERT INTO admin_api_keys (id, key_hash, user_name, created_at, revoked_at,"
            " last_used_at) VALUES (?, ?, ?, ?, NULL, NULL)",
            key_id,
            sha256(key),
            name,
            time.time(),
        )
        return key_id, key

    async def revoke_key(self, key_id: str) -> None:
        n = await self.db.execute(
            "UPDATE admin_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            time.time(),
            key_id,
        )
        if not n:
            raise AuthError("no active key with that id")

    async def principal_for_key(self, key: str) -> Principal | None:
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        row = await self.db.fetchrow(
            "SELECT k.id, k.user_name, k.last_used_at, u.role FROM admin_api_keys k"
            " JOIN admin_users u ON u.name = k.user_name"
            " WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.revoked_at IS NULL",
            sha256(key),
        )
        if row is None:
            return None
        now = time.time()
        if (row["last_used_at"] or 0) < now - 60:  # "last used" to the minute; keep writes rare
            await self.db.execute(
                "UPDATE admin_api_keys SET last_used_at = ? WHERE id = ?", now, row["id"]
            )
        return Principal(row["user_name"], row["role"], "key", key_id=row["id"])

    # sessions ------------------------------------------------------------------------------
    async def sign_in(self, name: str, password: str) -> tuple[str, Principal] | None:
        """Check the password; on success a new session (cookie value, principal)."""
        if not valid_name(name) or len(password) > 1024:
            return None
        if await self.locked(name):
            return None
        user = await self._active_user(name)
        if user is None:
            check_password(password, _DUMMY_HASH)  # same work whether or not the user exists
            return None
        if not check_password(password, user["password_hash"]):
            await self.failures.hit(name)
            return None
        await self.failures.clear(name)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        now = time.time()
        await self.db.execute(
            "INSERT INTO admin_sessions (id_hash, user_name, csrf, created_at, last_seen)"
            " VALUES (?, ?, ?, ?, ?)",
            sha256(token),
            name,
            csrf,
            now,
            now,
        )
        return token, Principal(name, user["role"], "session", sha256(token), csrf)

    async def principal_for_session(self, token: str) -> Principal | None:
        if not token or len(token) > 200:
            return None
        id_hash = sha256(token)
        row = await self.db.fetchrow(
            "SELECT s.user_name, s.csrf, s.created_at, s.last_seen, u.role FROM admin_sessions s"
            " JOIN admin_users u ON u.name = s.user_name"
            " WHERE s.id_hash = ? AND u.revoked_at IS NULL",
            id_hash,
        )
        if row is None:
            return None
        now = time.time()
        if now - row["last_seen"] > self.idle_seconds or now - row["created_at"] > self.max_seconds:
            await self.db.execute("DELETE FROM admin_sessions WHERE id_hash = ?", id_hash)
            return None
        if now - row["last_seen"] > 15:  # keep writes rare
            await self.db.execute(
                "UPDATE admin_sessions SET last_seen = ? WHERE id_hash = ?", now, id_hash
            )
        return Principal(row["user_name"], row["role"], "session", id_hash, row["csrf"])

    async def sign_out(self, principal: Principal) -> None:
        if principal.session_id_hash:
            await self.db.execute(
                "DELETE FROM admin_sessions WHERE id_hash = ?", principal.session_id_hash
            )

    async def is_user(self, name: str) -> bool:
        return (
            valid_name(name)
            and (await self.db.fetchrow("SELECT name FROM admin_users WHERE name = ?", name))
            is not None
        )

    async def _active_user(self, name: str) -> dict[str, Any] | None:
        return await self.db.fetchrow(
            "SELECT name, role, password_hash FROM admin_users WHERE name = ?"
            " AND revoked_at IS NULL",
            name,
        )


_DUMMY_HASH = hash_password(secrets.token_urlsafe(12))
