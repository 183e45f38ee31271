"""Metric functions of bench.quality on small hand-made examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import quality as Q


def ex(text: str, *spans: tuple[str, str, bool], category: str = "reminder") -> dict:
    """An example whose spans are given by value; each value must occur once in ``text``."""
    out = []
    for value, typ, keep in spans:
        start = text.index(value)
        out.append({"start": start, "end": start + len(value), "type": typ, "keep": keep})
    out.sort(key=lambda s: s["start"])
    return {"id": "x", "category": category, "text": text, "spans": out}


PHI = ex(
    "Hi Ana Ruiz, call 555-0132. Dr. Okoye sees you Mon 3pm.",
    ("Ana Ruiz", "PERSON", False),
    ("555-0132", "PHONE_NUMBER", False),
    ("Dr. Okoye", "PROVIDER_NAME", True),
    ("Mon 3pm", "APPOINTMENT_DATETIME", True),
)
CLEAN = ex(
    "Your prescription is ready. Call (555) 010-4400.",
    ("(555) 010-4400", "ORG_ALLOWED", True),
    category="refill",
)
CLINICAL = ex(
    "Your A1c of 9.2 is high; keep taking metformin.",
    ("A1c of 9.2", "LAB_RESULT", False),
    ("metformin", "MEDICATION", False),
    category="results",
)


def test_still_present_is_word_bounded_and_sees_through_unicode() -> None:
    assert Q.still_present("555-0132", "call 555-0132 now")
    assert Q.still_present("555-0132", "call 555\u200b-01\u200d32 now")
    assert Q.still_present("555-0132", "call \uff15\uff15\uff15-\uff10\uff11\uff13\uff12")
    assert not Q.still_present("Ann", "Annual checkup")
    assert not Q.still_present("555-0132", None)
    assert not Q.still_present("Will", "we will call")  # case-sensitive
    # a planted value written with tricks is found in its plain form
    assert Q.still_present("Ma\u200bria", "Maria called")


def test_leak_counts_surviving_must_go_spans() -> None:
    outs = [Q.Outcome("Hi [name], call 555-0132. Dr. Okoye sees you Mon 3pm.", "redact")]
    assert Q.leak([PHI], outs) == (1, 2)
    assert Q.leak([PHI], [Q.Outcome(None, "block")]) == (0, 2)
    assert Q.leak([PHI], [Q.Outcome(PHI["text"], "allow")]) == (2, 2)


def test_partial_leak_counts_a_surviving_word() -> None:
    half = [Q.Outcome("Hi [name] Ruiz, call [phone]. Dr. Okoye sees you Mon 3pm.", "redact")]
    assert Q.leak([PHI], half) == (0, 2)
    assert Q.partial_leak([PHI], half) == (1, 2)
    # a word that also occurs outside the span in the original is not a leak by itself
    e = ex("Call Ana Call", ("Ana Call", "PERSON", False))
    assert Q.partial_leak([e], [Q.Outcome("Call [name]", "redact")]) == (0, 1)
    assert Q.partial_leak([e], [Q.Outcome("Call [name] Call", "redact")]) == (1, 1)
    assert Q.partial_leak([PHI], [Q.Outcome(None, "block")]) == (0, 2)
    # words of inserted placeholders ("[date of birth]", "<PERSON>") are not leaks
    lab = ex("Your A1c of 9.2, Ana", ("A1c of 9.2", "LAB_RESULT", False), ("Ana", "PERSON", False))
    outs = [Q.Outcome("Your [test result], [date of birth] <LAB_RESULT>", "redact")]
    assert Q.partial_leak([lab], outs) == (0, 2)
    assert Q.partial_leak([lab], [Q.Outcome("Your [test result] 9.2, [name]", "redact")]) == (0, 2)
    assert Q.partial_leak([lab], [Q.Outcome("Your A1c [x], [name]", "redact")]) == (1, 2)


def test_over_scrub_only_counts_clean_texts_and_blocking_counts() -> None:
    same = [Q.Outcome(PHI["text"], "allow"), Q.Outcome(CLEAN["text"], "allow")]
    assert Q.over_scrub([PHI, CLEAN], same) == (0, 1)
    changed = [
        Q.Outcome("x", "redact"),
        Q.Outcome("Your prescription is ready. Call [phone].", "redact"),
    ]
    assert Q.over_scrub([PHI, CLEAN], changed) == (1, 1)
    assert Q.over_scrub([CLEAN], [Q.Outcome(None, "block")]) == (1, 1)


def test_kept_counts_may_stay_spans() -> None:
    outs = [Q.Outcome("Hi [name], call [phone]. [provider] sees you Mon 3pm.", "redact")]
    assert Q.kept([PHI], outs) == (1, 2)
    assert Q.kept([PHI], [Q.Outcome(None, "block")]) == (0, 2)


def test_recall_and_kept_by_type() -> None:
    outs = [Q.Outcome("Hi [name], call 555-0132. Dr. Okoye sees you [date].", "redact")]
    assert Q.recall_by_type([PHI], outs) == {"PERSON": (1, 1), "PHONE_NUMBER": (0, 1)}
    assert Q.recall_by_type([PHI], outs, keep=True) == {
        "APPOINTMENT_DATETIME": (0, 1),
        "PROVIDER_NAME": (1, 1),
    }


def test_precision_by_type_uses_overlap_with_any_labelled_span() -> None:
    outs = [
        Q.Outcome(
            "",
            "redact",
            [
                ("PERSON", 3, 6),  # inside "Ana Ruiz": correct
                ("PERSON", 28, 37),  # "Dr. Okoye" (may stay): still labelled
                ("DATE_TIME", 0, 2),
            ],
        )
    ]  # "Hi": wrong
    assert Q.precision_by_type([PHI], outs) == {"DATE_TIME": (0, 1), "PERSON": (2, 2)}


def test_portal_share_counts_clinical_texts_only() -> None:
    outs = [Q.Outcome(None, "portal"), Q.Outcome("x", "redact"), Q.Outcome("y", "portal")]
    assert Q.portal_share([CLINICAL, PHI, CLEAN], outs) == (1, 1)
    assert Q.portal_share([CLINICAL], [Q.Outcome("x", "redact")]) == (0, 1)


def test_score_aggregates() -> None:
    outs = [
        Q.Outcome(None, "block"),
        Q.Outcome(CLEAN["text"], "allow"),
        Q.Outcome(
            "Your [test result] is high; keep taking metformin.", "redact", [("LAB_RESULT", 5, 15)]
        ),
    ]
    r = Q.score([PHI, CLEAN, CLINICAL], outs)
    assert (r["leaked"], r["must_go_spans"]) == (1, 4)
    assert r["over_scrub"] == 0.0 and r["clean_texts"] == 1
    assert r["recall_by_type"]["MEDICATION"]["recall"] == 0.0
    assert r["precision_by_type"]["LAB_RESULT"]["precision"] == 1.0
    assert r["portal_share"] == 0.0
    assert r["actions"] == {"block": 1, "allow": 1, "redact": 1}
    assert Q.worst_leaks(r, 1) == [("MEDICATION", 1.0, 1)]


def test_leak_examples_lists_surviving_values_by_type() -> None:
    outs = [
        Q.Outcome("Hi [name], call 555-0132. Dr. Okoye sees you Mon 3pm.", "redact"),
        Q.Outcome(CLINICAL["text"], "allow"),
    ]
    assert Q.leak_examples([PHI, CLINICAL], outs, 5) == {
        "LAB_RESULT": ["A1c of 9.2"],
        "MEDICATION": ["metformin"],
        "PHONE_NUMBER": ["555-0132"],
    }


def test_gate() -> None:
    r = {"leak": 0.2, "over_scrub": 0.1}
    assert Q.gate(r, None, None) == 0
    assert Q.gate(r, 0.25, 0.1) == 0
    assert Q.gate(r, 0.1, None) == 1
    assert Q.gate(r, None, 0.05) == 1


@pytest.mark.slow
def test_detector_fallback_redacts_identifiers_and_keeps_admin(detector: Any) -> None:
    run = Q.ours_detector(detector)
    [out] = run(["Pt SSN 912-45-6789, see Dr. Okoye Monday at 3pm."])
    assert out.action == "redact" and out.text is not None
    assert "912-45-6789" not in out.text and "Dr. Okoye" in out.text
    assert ("US_SSN", 7, 18) in out.findings


@pytest.mark.slow
def test_benchmark_runs_end_to_end(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    detector: Any,
) -> None:
    monkeypatch.setattr(Q, "ours", lambda mode: ("detector", Q.ours_detector(detector)))
    corpus = tmp_path / "mini.jsonl"
    full = ex(
        "Hi Ana Ruiz, call (555) 013-2299. Dr. Okoye sees you Mon 3pm.",
        ("Ana Ruiz", "PERSON", False),
        ("(555) 013-2299", "PHONE_NUMBER", False),
        ("Dr. Okoye", "PROVIDER_NAME", True),
        ("Mon 3pm", "APPOINTMENT_DATETIME", True),
    )
    corpus.write_text("\n".join(json.dumps(e) for e in (full, CLEAN, CLINICAL)) + "\n")
    out = tmp_path / "r.json"
    assert Q.main(["--corpus", str(corpus), "--json", str(out), "--examples", "2"]) == 0
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"ours[detector]", "stock"}
    stock = results["stock"]
    assert stock["texts"] == 3 and stock["must_go_spans"] == 4
    # stock Presidio replaces the phone number with <PHONE_NUMBER>
    assert stock["recall_by_type"]["PHONE_NUMBER"]["recall"] == 1.0
    assert "leak" in capsys.readouterr().out
    assert Q.main(["--corpus", str(corpus), "--no-stock", "--max-leak", "1"]) == 0
    # the CI gate trips on a leak: a must-go value no detector can know (a number in words)
    missed = ex("Your reference is seven seven two.", ("seven seven two", "ACCOUNT_NUMBER", False))
    corpus.write_text(corpus.read_text() + json.dumps(missed) + "\n")
    assert Q.main(["--corpus", str(corpus), "--no-stock", "--max-leak", "0"]) == 1
