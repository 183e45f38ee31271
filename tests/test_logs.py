"""Logger names follow the code and stay under the ``phi_proxy`` root operators filter on."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from proxy.logs import get_logger

ROOT = Path(__file__).resolve().parents[1]


def test_name_is_the_module_under_the_phi_proxy_root() -> None:
    assert get_logger("proxy.server.tls").name == "phi_proxy.server.tls"
    assert get_logger("proxy.app").name == "phi_proxy.app"
    with pytest.raises(ValueError, match="not a proxy module"):
        get_logger("models.detector")


def test_every_proxy_logger_is_named_from_its_module() -> None:
    """No hand-written logger names: ``log = get_logger(__name__)`` or nothing (library loggers
    pinned by logsafety are the one exception)."""
    wrong = []
    for path in sorted((ROOT / "proxy").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = ast.unparse(node.func)
            if fn == "logging.getLogger" and path.name not in {"logsafety.py", "logs.py"}:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if fn == "get_logger" and ast.unparse(node.args[0]) != "__name__":
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_a_filter_on_phi_proxy_still_sees_every_package(caplog: pytest.LogCaptureFixture) -> None:
    import proxy.portal.service
    import proxy.server.tls
    import proxy.tasks

    caplog.set_level(logging.INFO, logger="phi_proxy")
    for module in (proxy.server.tls, proxy.portal.service, proxy.tasks):
        module.log.info("hello from %s", module.__name__)
    assert {r.name for r in caplog.records} == {
        "phi_proxy.server.tls",
        "phi_proxy.portal.service",
        "phi_proxy.tasks",
    }
