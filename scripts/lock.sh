#!/usr/bin/env bash
# Regenerate requirements.lock (runtime) and requirements-test.lock (test extras) from
# pyproject.toml's ranges, in a throwaway virtualenv. Commit both files.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
"$tmp/venv/bin/pip" install --quiet .
"$tmp/venv/bin/pip" freeze --exclude phi-proxy | sort > requirements.lock
"$tmp/venv/bin/pip" install --quiet ".[test]"
"$tmp/venv/bin/pip" freeze --exclude phi-proxy | sort | comm -13 requirements.lock - > requirements-test.lock
echo "locked $(wc -l < requirements.lock) runtime and $(wc -l < requirements-test.lock) test packages"
