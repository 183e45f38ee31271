"""Signed audit checkpoints: an Ed25519 signature over (seq, hash, time) of the chain's tail.

The chain shows edits, deletions and reordering by itself; what it cannot show is a tail cut
off cleanly. A checkpoint signed with a key the database does not hold, exported and kept
elsewhere (``phi-proxy audit checkpoint export``), says "the log had at least ``seq`` records and
record ``seq`` had this hash" — so a later log that is shorter, or differs there, is caught.

The key: ``audit.signing_key_file`` (hex seed), else env ``PHI_PROXY_AUDIT_SIGNING_KEY`` (hex),
else ``<data_dir>/audit_signing.key`` generated on first use (mode 0600).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from proxy.crypto.local_secrets import SecretError, load_or_create

KEY_NAME = "audit_signing"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    ts: float
    kind: str  # 'periodic' or 'anchor' (the last record purged by retention)
    key_id: str
    public_key: str  # hex, raw 32 bytes
    signature: str  # hex

    def message(self) -> bytes:
        return _message(self.seq, self.hash, self.ts, self.kind)

    def valid(self, trusted: set[str] | None = None) -> bool:
        """The signature verifies under its public key (and that key is trusted, if given)."""
        if trusted is not None and self.public_key not in trusted:
            return False
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.public_key))
            key.verify(bytes.fromhex(self.signature), self.message())
        except (ValueError, InvalidSignature):
            return False
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Checkpoint:
        return cls(
            int(row["seq"]),
            str(row["hash"]),
            float(row["ts"]),
            str(row["kind"]),
            str(row["key_id"]),
            str(row["public_key"]),
            str(row["signature"]),
        )


def _message(seq: int, h: str, ts: float, kind: str) -> bytes:
    return json.dumps(["phi-proxy-audit-checkpoint/1", seq, h, ts, kind]).encode()


def key_id(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


class CheckpointSigner:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key = raw.hex()
        self.key_id = key_id(self.public_key)

    @classmethod
    def from_seed(cls, seed: bytes) -> CheckpointSigner:
        if len(seed) != 32:
            raise SecretError("the audit signing key must be a 32-byte Ed25519 seed (64 hex)")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def load(cls, key_file: str, data_dir: str | Path) -> CheckpointSigner:
        """From the configured file, else the env var, else a key generated in ``data_dir``."""
        if key_file:
            try:
                seed = bytes.fromhex(Path(key_file).read_text().strip())
            except OSError as e:
                raise SecretError(f"cannot read audit signing key file: {e.strerror}") from None
            except ValueError:
                raise SecretError("the audit signing key file is not hex") from None
            return cls.from_seed(seed)
        return cls.from_seed(load_or_create(KEY_NAME, data_dir, 32))

    def sign(self, seq: int, h: str, ts: float, kind: str) -> Checkpoint:
        sig = self._private.sign(_message(seq, h, ts, kind)).hex()
        return Checkpoint(seq, h, ts, kind, self.key_id, self.public_key, sig)


def to_jsonl(checkpoints: Iterable[Checkpoint]) -> Iterator[str]:
    """One JSON object per line, each carrying the public key that verifies it."""
    for cp in checkpoints:
        yield json.dumps({"type": "audit_checkpoint", **asdict(cp)}, sort_keys=True)


def read_jsonl(path: str | Path) -> list[Checkpoint]:
    out = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            obj.pop("type", None)
            out.append(Checkpoint.from_row(obj))
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}:{n}: not a checkpoint line") from None
    return out
