"""Opt-out (TCPA): the registry of recipients who texted STOP, stored under pseudonyms only
(registry), its enforcement on the outbound path (enforce), and the ``optout`` command (cli)."""

from proxy.optout.registry import GLOBAL, IN, OUT, OptOutRegistry, canonical_digits, recipient_key

__all__ = ["GLOBAL", "IN", "OUT", "OptOutRegistry", "canonical_digits", "recipient_key"]
