#!/usr/bin/env python3
"""Break each promise on purpose, in a scratch copy, and show the tests that guard it go red.

    python scripts/mutation_check.py                 # every mutation
    python scripts/mutation_check.py roles optout    # only these (names or name prefixes)
    python scripts/mutation_check.py --list          # what each one breaks, and its tests
    python scripts/mutation_check.py --baseline ...  # also run the tests unmutated (must be green)

Each mutation is one literal edit of the product (the text it replaces must occur exactly once,
or the mutation is reported as stale), applied to a fresh copy of the working tree (tracked
files, as they are on disk); then the promise's tests run there. "red" means they failed, which
is the point; "SURVIVED" means the promise can break without any test noticing — a defect in the
suite. Exit status 1 when a mutation survived or went stale.

A habit, not a gate: run it after changing a guard or its tests, and add a mutation here with
every new promise (README, THREAT_MODEL.md, config/*.md).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    promise: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS = (
    Mutation(
        "roles-operator-adds-users",
        "only admin creates admin users (README: roles; config/POLICY.md: every admin route)",
        "proxy/admin/api/users.py",
        '    "/admin/api/users",\n    roles=roles(),\n    summary="Add a user',
        '    "/admin/api/users",\n    roles=roles("operator"),\n    summary="Add a user',
        ("tests/admin/test_role_table.py",),
    ),
    Mutation(
        "roles-operator-adds-users-over-http",
        "only admin creates admin users: the HTTP matrix expects the documented table",
        "proxy/admin/api/users.py",
        '    "/admin/api/users",\n    roles=roles(),\n    summary="Add a user',
        '    "/admin/api/users",\n    roles=roles("operator"),\n    summary="Add a user',
        ("tests/admin/test_role_matrix.py",),
    ),
    Mutation(
        "optout-twilio-only",
        "a send to an opted-out recipient is refused for every provider, in its own shape",
        "proxy/optout/enforce.py",
        "    app = request.app\n    key = app[appkeys.PSEUDONYM_KEY]\n",
        '    if provider.name != "twilio":\n        return None\n'
        "    app = request.app\n    key = app[appkeys.PSEUDONYM_KEY]\n",
        (
            "tests/providers/test_every_provider.py::test_child_detector_redacts_and_opted_out"
            "_recipient_is_refused",
        ),
    ),
    Mutation(
        "hot-reload-ignores-new-policy",
        "a published policy applies to the next send (audited and stored, and live)",
        "proxy/policy/holder.py",
        "            old, self._policy = self._policy, policy\n            log.info(\n"
        '                "policy %s replaced by %s (%s by %s)"',
        "            old = self._policy\n            log.info(\n"
        '                "policy %s replaced by %s (%s by %s)"',
        ("tests/admin/test_hot_reload.py::test_publishing_while_sending_loses_no_request",),
    ),
    Mutation(
        "child-detector-fails-open",
        "a dead detector child means nothing is sent (503 in the provider's shape)",
        "proxy/detection/isolated.py",
        "            await asyncio.to_thread(self._restart)\n"
        '            raise DetectorChildFailed("the detector child died") from None',
        "            await asyncio.to_thread(self._restart)\n"
        "            return True, [[] for _ in request[0]]",
        (
            "tests/providers/test_every_provider.py::test_a_dead_child_fails_closed_then_a_new_one"
            "_serves",
        ),
    ),
    Mutation(
        "allow-list-matches-a-word-of-an-entry",
        "an allowed name matches whole ('Saint Mary Hospital' never lets 'Mary' through)",
        "models/allow.py",
        "        return bool(words) and words in self.names\n",
        "        return bool(words) and any(words in n for n in self.names)\n",
        ("tests/policy/test_allow_list.py",),
    ),
    Mutation(
        "allow-list-excuses-a-finding-around-an-entry",
        "an allowed name inside a longer finding never excuses the finding",
        "models/detector.py",
        "                and not allowed_whole(norm.text, r.start, r.end, allowed)",
        "                and not any(r.start < e and s < r.end for s, e in allowed)",
        ("tests/policy/test_allow_list.py",),
    ),
    Mutation(
        "allow-list-accepts-short-entries",
        "policy check refuses allow-list entries too short or too common, with the reason",
        "proxy/policy/parse.py",
        "            problem = allow_entry_problem(kind, v)\n",
        "            problem = None\n",
        ("tests/policy/test_allow_list.py",),
    ),
    Mutation(
        "policy-ignores-unknown-top-level-keys",
        "an unknown top-level policy key stops start-up (a typo never runs on defaults)",
        "proxy/policy/parse.py",
        '    top = check_keys(doc, "", doc.data, _TOP_KEYS)\n',
        "    top = doc.data if isinstance(doc.data, dict) else {}\n",
        ("tests/policy/test_policy_startup.py",),
    ),
    Mutation(
        "idempotency-forgets-gateway-errors",
        "a retried key keeps answering the 502/504 it first got (never a second send)",
        "proxy/outbound/handler.py",
        "            sent.append(e.sent)\n",
        "            sent.append(False)\n",
        (
            "tests/hardening/test_idempotency.py::test_a_504_is_what_every_retry_of_that_key_gets",
            "tests/hardening/test_idempotency.py::test_a_502_after_the_provider_got_the_text_is"
            "_what_every_retry_gets",
        ),
    ),
    Mutation(
        "idempotency-never-releases",
        "a key refused before anything was sent is released: the retry is inspected afresh",
        "proxy/outbound/handler.py",
        "            await _idempotency_release(request, claim, request_id)\n",
        "            pass\n",
        (
            "tests/hardening/test_idempotency.py::test_a_released_key_is_inspected_afresh_on_retry",
            "tests/hardening/test_idempotency.py::test_a_blocked_send_releases_its_key_for_a"
            "_corrected_text",
        ),
    ),
    Mutation(
        "phone-numbers-leak",
        "README's leak figures hold on the committed corpora (CI quality gate)",
        "proxy/policy/decide.py",
        "        if rule.action == Action.ALLOW or f.score < rule.min_score:\n",
        "        if rule.action == Action.ALLOW or f.score < rule.min_score"
        ' or f.type == "PHONE_NUMBER":\n',
        ("tests/bench/test_quality_gate.py",),
    ),
    Mutation(
        "property-tests-unseeded",
        "property tests draw the same examples in every run (seeded profile)",
        "tests/conftest.py",
        'hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))\n',
        "",
        ("tests/test_hypothesis_profile.py",),
    ),
)


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [p for p in out.split("\0") if p]


def scratch_copy(files: list[str]) -> Path:
    dest = Path(tempfile.mkdtemp(prefix="phi-mutation-"))
    for rel in files:
        src = ROOT / rel
        if not src.exists() or src.is_dir():
            continue  # deleted in the working tree, or a submodule
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, target)
    ci_modules = ROOT / ".ci" / "node_modules"  # Prism, for tests that need it
    if ci_modules.exists():
        (dest / ".ci" / "node_modules").symlink_to(ci_modules.resolve())
    return dest


def apply(tree: Path, m: Mutation) -> str | None:
    """Apply ``m`` in ``tree``; an error message when it no longer applies."""
    path = tree / m.path
    text = path.read_text(encoding="utf-8")
    count = text.count(m.old)
    if count != 1:
        return f"stale: the text to replace occurs {count} times in {m.path}"
    path.write_text(text.replace(m.old, m.new), encoding="utf-8")
    return None


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (tests/.+?)(?: - .*)?$", proc.stdout, re.M)
    summary = failed[0] if failed else proc.stdout.strip().splitlines()[-1:]
    return proc.returncode, str(summary), time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("only", nargs="*", help="mutation names or prefixes (default: all)")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--baseline", action="store_true", help="first run the tests unmutated")
    ap.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or any(m.name.startswith(o) for o in args.only)]
    if args.list:
        for m in chosen:
            print(f"{m.name}\n  promise: {m.promise}\n  breaks:  {m.path}\n"
                  f"  tests:   {' '.join(m.tests)}")  # fmt: skip
        return 0
    files = tracked_files()
    bad = 0
    rows = []
    for m in chosen:
        if args.baseline:
            tree = scratch_copy(files)
            code, summary, secs = run_tests(tree, m.tests)
            if not args.keep:
                shutil.rmtree(tree, ignore_errors=True)
            if code != 0:
                print(f"{m.name}: baseline NOT GREEN ({summary}); skipping", flush=True)
                bad += 1
                continue
        tree = scratch_copy(files)
        problem = apply(tree, m)
        if problem:
            result, summary, secs = "STALE", problem, 0.0
        else:
            code, summary, secs = run_tests(tree, m.tests)
            result = "red" if code == 1 else ("SURVIVED" if code == 0 else f"error (exit {code})")
        if result != "red":
            bad += 1
        if not args.keep:
            shutil.rmtree(tree, ignore_errors=True)
        rows.append((m, result, summary, secs))
        print(f"{m.name}: {result} in {secs:.0f}s — {summary}", flush=True)
    print("\n| promise | test | mutation | result |\n|---|---|---|---|")
    for m, result, summary, _ in rows:
        print(f"| {m.promise} | `{summary if result == 'red' else ' '.join(m.tests)}` | "
              f"`{m.name}` ({m.path}) | {result} |")  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
