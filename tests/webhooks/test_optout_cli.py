"""``phi-proxy optout import|check``: a provider's exported opt-out list seeds the registry,
and the proxy then refuses sends to those numbers; nothing stored or printed holds a number."""

from __future__ import annotations

from pathlib import Path

import pytest

from proxy.cli import main
from tests.support import storage

SENDER = "+15550109999"


@pytest.fixture
def config(tmp_path: Path, store_url: str) -> Path:
    p = tmp_path / "proxy.yaml"
    p.write_text(f"storage:\n  url: {store_url}\n  data_dir: {tmp_path}/keys\n")
    return p


def test_import_then_check(config: Path, tmp_path: Path, store_url: str, capsys):
    lst = tmp_path / "optouts.csv"
    lst.write_text('phone,date\n"+15550100001",2025-01-01\n(555) 010-0002,2025-01-02\n\n')
    assert main(["optout", "import", str(lst), "--sender", SENDER, "--config", str(config)]) == 0
    assert '"imported": 2' in capsys.readouterr().out

    def check(number: str, sender: str = SENDER) -> str:
        assert main(["optout", "check", number, "--sender", sender, "--config", str(config)]) == 0
        return capsys.readouterr().out

    assert '"opted_out": true' in check("+1 555 010 0001")
    assert '"opted_out": true' in check("+15550100002")
    assert '"opted_out": false' in check("+15550100001", "+15550108888")
    assert '"opted_out": false' in check("+15550100003")

    glob = tmp_path / "all.txt"
    glob.write_text("+15550100003\n")
    assert main(["optout", "import", str(glob), "--global", "--config", str(config)]) == 0
    capsys.readouterr()
    assert '"scope": "global"' in check("+15550100003", "+15550108888")

    data = storage.store_bytes(store_url)
    recipients = [r[0] for r in storage.rows(store_url, "SELECT recipient FROM optouts")]
    assert len(recipients) == 3 and all(r.encode() in data for r in recipients)  # dump is real
    for digits in (b"5550100001", b"5550100002", b"5550100003", b"5550109999"):
        assert digits not in data
