"""``phi-proxy deidentify``: JSONL in, Safe Harbor de-identified JSONL out, clinical detail kept."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

import pytest

from models.findings import Finding
from proxy.analytics.cli import deidentify_stream
from proxy.analytics.deidentifier import Deidentifier, ThreadScanner
from proxy.policy.parse import load_policy

pytestmark = pytest.mark.slow

LINES = [
    {"id": 1, "text": "Patient John Smith (DOB 03/14/1952, MRN 4471923) has diabetes."},
    {"id": "b", "text": "Hi Maria Lopez, your metformin refill is ready. Call (212) 555-0134."},
    {
        "id": 3,
        "text": "The patient is 93 years old; her husband is 89 years old. Diagnosed in 2019.",
    },
    {"id": 4, "text": "Reply C to confirm your visit with Dr. Patel."},
]


async def run(deid: Deidentifier, lines: list[object]) -> tuple[int, list[dict], str]:
    stdin = io.StringIO(
        "".join(json.dumps(x) + "\n" if not isinstance(x, str) else x for x in lines)
    )
    stdout = io.StringIO()
    rc = await deidentify_stream(deid, load_policy(), stdin, stdout)
    return rc, [json.loads(x) for x in stdout.getvalue().splitlines()], ""


async def test_identifiers_go_clinical_content_stays(detector):
    rc, out, _ = await run(Deidentifier(ThreadScanner(detector)), LINES)
    assert rc == 0
    assert [o["id"] for o in out] == [1, "b", 3, 4]
    assert out[0]["text"] == "Patient [NAME] (DOB 1952, MRN [MRN]) has diabetes."
    assert out[1]["text"] == "Hi [NAME], your metformin refill is ready. Call [PHONE]."
    assert (
        out[2]["text"]
        == "The patient is 90+ years old; her husband is 89 years old. Diagnosed in 2019."
    )
    assert out[3]["text"] == LINES[3]["text"]  # nothing to remove; the provider stays
    assert all(set(o) == {"id", "text"} for o in out)


async def test_bad_lines_are_reported_and_the_rest_processed(detector, capsys):
    rc, out, _ = await run(
        Deidentifier(ThreadScanner(detector)), ["not json\n", {"id": 9, "x": 1}, LINES[3]]
    )
    assert rc == 1 and [o["id"] for o in out] == [4]
    err = capsys.readouterr().err
    assert "line 1" in err and "line 2" in err


class SecondPassFinds:
    """Misses everything on the first pass; on the second pass reports a name in each text."""

    def __init__(self) -> None:
        self.calls = 0

    async def detect(self, texts: Sequence[str], entities: Collection[str]) -> list[list[Finding]]:
        self.calls += 1
        if self.calls == 1:
            return [[] for _ in texts]
        return [[Finding("PERSON", 0, 4, 0.9)] for _ in texts]


async def test_a_text_with_identifiers_left_is_held_back_with_no_text(capsys):
    rc, out, _ = await run(Deidentifier(SecondPassFinds()), [LINES[0]])
    assert rc == 0
    assert out == [{"id": 1, "text": None, "held_back": True}]
    assert "1 text(s) held back" in capsys.readouterr().err


def test_the_cli_command(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    p = subprocess.run(
        [sys.executable, "-m", "proxy", "deidentify"],
        input="".join(json.dumps(x) + "\n" for x in LINES[:2]),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr[-500:]
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert [o["text"] for o in out] == [
        "Patient [NAME] (DOB 1952, MRN [MRN]) has diabetes.",
        "Hi [NAME], your metformin refill is ready. Call [PHONE].",
    ]
