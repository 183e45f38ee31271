"""Logger names: ``phi_`` + the module's own name, so ``proxy.server.tls`` logs as
``phi_proxy.server.tls``.

The name follows the code (``get_logger(__name__)``), and every logger stays under the one
``phi_proxy`` root that operators filter on (``phi_proxy`` catches all of them;
``phi_proxy.portal`` catches the whole portal package). Loggers never carry message text or
phone numbers (see :mod:`proxy.server.logsafety` for the libraries that would).
"""

from __future__ import annotations

import logging

ROOT = "phi_proxy"


def get_logger(module: str) -> logging.Logger:
    """The logger of ``module`` (pass ``__name__``; a module of the ``proxy`` package)."""
    if module != "proxy" and not module.startswith("proxy."):
        raise ValueError(f"not a proxy module: {module}")
    return logging.getLogger("phi_" + module)
