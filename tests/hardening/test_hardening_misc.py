"""Supply chain and start-up checks: the dependency audit's verdicts, the HTTP parser in use,
and the shipped service config."""

from __future__ import annotations

import importlib.util
import json
import types
from pathlib import Path
from typing import Any

import pytest

from proxy.server.tls import check_http_parser
from proxy.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def _audit_deps() -> Any:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts/audit_deps.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_run(monkeypatch: pytest.MonkeyPatch, module: Any, stdout: str, tmp_path: Path) -> None:
    exe = tmp_path / "pip-audit"
    exe.write_text("")
    monkeypatch.setattr(module.shutil, "which", lambda _: str(exe))
    monkeypatch.setattr(
        module.subprocess,
        "run",
        lambda *a, **k: types.SimpleNamespace(stdout=stdout, stderr="boom", returncode=1),
    )


def test_dependency_audit_fails_on_vulnerabilities(monkeypatch, tmp_path, capsys):
    m = _audit_deps()
    report = {
        "dependencies": [
            {
                "name": "aiohttp",
                "version": "3.9.0",
                "vulns": [{"id": "GHSA-8495-4g3g-x7pr", "fix_versions": ["3.10.11"]}],
            },
            {"name": "yarl", "version": "1.25.1", "vulns": []},
        ]
    }
    _fake_run(monkeypatch, m, json.dumps(report), tmp_path)
    assert m.main() == 1
    assert (
        "VULNERABLE aiohttp 3.9.0: GHSA-8495-4g3g-x7pr (fixed in 3.10.11)"
        in capsys.readouterr().out
    )


def test_dependency_audit_unreachable_is_reported_not_failed(monkeypatch, tmp_path, capsys):
    m = _audit_deps()
    skipped = {"dependencies": [{"name": "aiohttp", "skip_reason": "Dependency not found on PyPI"}]}
    _fake_run(monkeypatch, m, json.dumps(skipped), tmp_path)
    assert m.main() == 0
    assert "NOT AUDITED" in capsys.readouterr().err
    _fake_run(monkeypatch, m, "", tmp_path)  # pip-audit crashed: connection error
    assert m.main() == 0
    assert "NOT AUDITED" in capsys.readouterr().err


def test_dependency_audit_clean(monkeypatch, tmp_path, capsys):
    m = _audit_deps()
    clean = {"dependencies": [{"name": "aiohttp", "version": "3.14.5", "vulns": []}]}
    _fake_run(monkeypatch, m, json.dumps(clean), tmp_path)
    assert m.main() == 0
    assert "OK" in capsys.readouterr().out


def test_c_http_parser_in_use():
    """The binary wheel's llhttp parser, not the pure-Python one most smuggling CVEs hit."""
    assert check_http_parser() is True


def test_shipped_config_loads_with_every_hardening_key():
    s = load_settings(ROOT / "config" / "proxy.yaml")
    assert s.upstream.verify_tls and not s.upstream.allow_insecure_upstream_for_testing
    assert s.server.max_concurrent_requests > 0 and s.limits.rate_limit_enabled
    assert s.audit.retention_days == 2192 and s.idempotency.wait_seconds == 10


def test_aiohttp_is_pinned_to_a_patched_range():
    text = (ROOT / "pyproject.toml").read_text()
    assert '"aiohttp>=3.14.5,<3.15"' in text
