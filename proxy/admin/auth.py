"""Admin identities: users (scrypt passwords), API keys (SHA-256 only), console sessions.

Secrets are shown once, when made, and never stored: keys and session ids are kept as SHA-256
hashes, passwords as scrypt hashes. Revoking a user ends their keys and sessions too. Failed
sign-ins are counted in the store (:mod:`proxy.store.failure_counts`), so the throttle holds across
every worker and instance sharing it.

Sign-in throttling (issue #18): the answer never depends on whether a name exists (every
failure counts against the name given, known or not, and an unknown name costs the same scrypt
work). Per name: :data:`FREE_FAILURES` failures, then a back-off that doubles with each further
failure (:data:`BACKOFF_BASE_SECONDS` up to :data:`BACKOFF_MAX_SECONDS`); an attempt during the
back-off is refused without being checked or counted, so a stranger cannot keep a real admin
locked out for long, and a name's lock-out is audited. Per client address:
:data:`ADDRESS_FAILURES` failures within :data:`ADDRESS_WINDOW_SECONDS` (password spraying across
names). An admin can lift a name's back-off (:meth:`AdminAuth.unlock`).
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

from proxy.admin.roles import DEFAULT_ROLE, ROLES
from proxy.store import Database
from proxy.store.failure_counts import FailureCounts

Via = Literal["key", "session"]  # how a principal signed in

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
FREE_FAILURES = 5  # failed sign-ins per name (within NAME_WINDOW_SECONDS) before the back-off
NAME_WINDOW_SECONDS = 3600.0
BACKOFF_BASE_SECONDS = 30.0  # after the 5th failure; doubles with every further one
BACKOFF_MAX_SECONDS = 900.0
ADDRESS_FAILURES = 20  # failed sign-ins per client address within ADDRESS_WINDOW_SECONDS
ADDRESS_WINDOW_SECONDS = 900.0
# kept for callers of the old names
MAX_FAILURES = FREE_FAILURES
LOCKOUT_SECONDS = BACKOFF_MAX_SECONDS
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
KEY_PREFIX = "phk_"


# A user may lose admin (revoked or demoted) only while another active admin remains. The one
# statement checks and changes, so two instances cannot both take the last two admins' turns
# on SQLite; on PostgreSQL two simultaneous demotions of the last two admins could both pass.
_NOT_LAST_ADMIN = (
    "(role != 'admin' OR (SELECT COUNT(*) FROM admin_users a WHERE a.role = 'admin'"
    " AND a.revoked_at IS NULL AND a.name != ?) > 0)"
)


@dataclass(frozen=True)
class Throttled:
    """Sign-in refused for now: too many failures for this name or from this address."""

    retry_after: float
    scope: str  # "name" | "address"


@dataclass(frozen=True)
class Failed:
    """Wrong name or password (the same answer either way). ``locked`` when this failure
    started a name's back-off (to be audited as a lock-out)."""

    locked: bool = False
    retry_after: float = 0.0


class AuthError(ValueError):
    """A user or key operation that cannot be done (unknown user, bad name, ...)."""


class LastAdmin(AuthError):
    """The change would leave no active admin (nobody could manage users any more)."""


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
            db, "admin.signin", FREE_FAILURES, NAME_WINDOW_SECONDS, hash_key=hash_key
        )
        self.address_failures = FailureCounts(
            db, "admin.signin.address", ADDRESS_FAILURES, ADDRESS_WINDOW_SECONDS, hash_key=hash_key
        )

    async def backoff(self, name: str) -> float:
        """Seconds this name must still wait before a sign-in is checked (0: none).

        Raises :class:`~proxy.store.interface.StoreUnavailable` when that cannot be read."""
        n, last = await self.failures.recent(name)
        if n < FREE_FAILURES:
            return 0.0
        wait = min(BACKOFF_BASE_SECONDS * 2 ** (n - FREE_FAILURES), BACKOFF_MAX_SECONDS)
        return max(0.0, last + wait - self.failures.clock())

    async def locked(self, name: str) -> bool:
        """This name is in its back-off (on any instance sharing the store)."""
        return await self.backoff(name) > 0

    async def unlock(self, name: str) -> None:
        """Lift a name's back-off (an admin's decision; the caller audits it)."""
        await self.failures.clear(name)

    # users ---------------------------------------------------------------------------------
    async def add_user(self, name: str, role: str = DEFAULT_ROLE) -> NewUser:
        """Create a user with a generated password and a first API key (both shown once); the
        role defaults to the least privileged one."""
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
        """Revoke a user with their keys and sessions; never the last active admin."""
        now = time.time()
        async with self.db.transaction() as tx:
            n = await tx.execute(
                "UPDATE admin_users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"
                f" AND {_NOT_LAST_ADMIN}",
                now,
                name,
                name,
            )
            if not n:
                await self._why_not(tx, name, "revoked")
            await tx.execute(
                "UPDATE admin_api_keys SET revoked_at = ? WHERE user_name = ?"
                " AND revoked_at IS NULL",
                now,
                name,
            )
            await tx.execute("DELETE FROM admin_sessions WHERE user_name = ?", name)

    async def set_role(self, name: str, role: str) -> None:
        """Change an active user's role; the last active admin cannot be demoted."""
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        async with self.db.transaction() as tx:
            n = await tx.execute(
                "UPDATE admin_users SET role = ? WHERE name = ? AND revoked_at IS NULL"
                f" AND (? = 'admin' OR {_NOT_LAST_ADMIN})",
                role,
                name,
                role,
                name,
            )
            if not n:
                await self._why_not(tx, name, "demoted")
            await tx.execute("DELETE FROM admin_sessions WHERE user_name = ?", name)

    async def _why_not(self, tx: Any, name: str, what: str) -> None:
        row = await tx.fetchrow(
            "SELECT role FROM admin_users WHERE name = ? AND revoked_at IS NULL", name
        )
        if row is None:
            raise AuthError(f"no active user {name!r}")
        raise LastAdmin(
            f"{name} is the last active admin and cannot be {what}: make another user admin first"
        )

    async def key_owner(self, key_id: str) -> str | None:
        row = await self.db.fetchrow("SELECT user_name FROM admin_api_keys WHERE id = ?", key_id)
        return str(row["user_name"]) if row else None

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
    async def sign_in(
        self, name: str, password: str, address: str = ""
    ) -> tuple[str, Principal] | Failed | Throttled:
        """Check the password; on success a new session (cookie value, principal). The same
        answers, in the same order and with the same work, whether or not ``name`` exists."""
        if address and await self.address_failures.blocked(address):
            return Throttled(ADDRESS_WINDOW_SECONDS, "address")
        wait = await self.backoff(name)
        if wait > 0:
            return Throttled(wait, "name")
        user = await self._active_user(name) if valid_name(name) else None
        ok = check_password(password[:1024], user["password_hash"] if user else _DUMMY_HASH)
        if user is None or not ok or len(password) > 1024:
            await self.failures.hit(name[:64])
            if address:
                await self.address_failures.hit(address)
            n, _ = await self.failures.recent(name[:64])
            return Failed(locked=n == FREE_FAILURES, retry_after=await self.backoff(name))
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
