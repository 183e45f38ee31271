"""Keep message text and phone numbers out of logs, whatever ``--log-level`` says.

Our own loggers never format text or numbers. Some libraries do at DEBUG: Presidio logs the
context words around each finding ("Context list is: ..."), and aiohttp's access log carries
query strings (status look-ups carry numbers).
These loggers are pinned to WARNING; found by ``tests/hardening/test_canary.py``.
"""

from __future__ import annotations

import logging

DATA_LOGGERS = ("presidio-analyzer", "aiohttp.access", "asyncpg")


def apply() -> None:
    """Pin the data-carrying library loggers to WARNING or quieter."""
    for name in DATA_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
