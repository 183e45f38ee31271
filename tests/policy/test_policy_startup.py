"""A bad policy stops start-up: `phi-proxy serve` exits with the file, line, key and reason and
never opens its port; unknown top-level keys (a typo such as ``entites:``) are errors, never
silently ignored (an ignored ``entities`` block would run the proxy on defaults)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from proxy.policy.parse import default_policy_path, parse_policy
from proxy.yamlfile import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = default_policy_path().read_text(encoding="utf-8")

BAD = {
    "unknown top-level key": (
        SHIPPED.replace("entities:", "entites:", 1),
        "entites: unknown key (allowed: ",
    ),
    "extra top-level key": (SHIPPED + "\nmonitor: true\n", "monitor: unknown key"),
    "bad action": (
        SHIPPED.replace("PERSON: {action: redact", "PERSON: {action: redcat", 1),
        "entities.PERSON",
    ),
    "short allow-list entry": (
        SHIPPED.replace('names: ["Lakeview Health",', 'names: ["a", "Lakeview Health",', 1),
        "allow.names[0]: refused allow-list entry: too short",
    ),
    "monitor unacknowledged": (SHIPPED + "\nmode: monitor\n", "monitor_acknowledged"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("case", sorted(BAD))
def test_parse_refuses_with_key_and_reason(case: str) -> None:
    text, expected = BAD[case]
    assert text != SHIPPED, "the fixture did not change the shipped policy"
    with pytest.raises(ConfigError) as exc:
        parse_policy(text, "policy.yaml")
    assert expected in str(exc.value), str(exc.value)
    assert str(exc.value).startswith("policy.yaml:")  # file and line


def test_every_top_level_key_of_the_shipped_policy_is_known() -> None:
    parse_policy(SHIPPED, "policy.yaml")  # the baseline the bad cases differ from


@pytest.mark.slow
@pytest.mark.parametrize("case", ["unknown top-level key", "short allow-list entry"])
def test_serve_with_a_bad_policy_exits_and_never_listens(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    config = tmp_path / "proxy.yaml"
    config.write_text(
        f"storage:\n  url: sqlite:///{tmp_path}/store.sqlite3\n  data_dir: {tmp_path}\n"
        f"policy: {policy}\n"
    )
    port = _free_port()
    # a valid public URL (serve requires one outside --sandbox): only the policy is bad
    config.write_text(config.read_text() + f"server:\n  public_base_url: http://127.0.0.1:{port}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "proxy", "serve", "--config", str(config), "--port", str(port)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"configuration error: {policy}:" in proc.stderr and expected in proc.stderr
    with socket.socket() as s:  # it never served
        assert s.connect_ex(("127.0.0.1", port)) != 0
    assert not (tmp_path / "store.sqlite3").exists()  # nor touched the store
