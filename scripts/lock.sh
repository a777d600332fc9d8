#!/usr/bin/env bash
# Upgrade the lock on purpose: resolve pyproject.toml's ranges afresh in a throwaway venv and
# write every direct and transitive version into requirements.lock. Run `make test` after.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --upgrade setuptools
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation -e ".[test,spark]"
{
    echo "# Every package Patron and its tests install, at the versions the suite last passed with."
    echo "# make run and make test install from it (pip -c); scripts/lock.sh (make lock) upgrades it."
    "$work/venv/bin/pip" freeze --all --exclude-editable --disable-pip-version-check | grep -v '^pip==' | LC_ALL=C sort -f
} >requirements.lock
echo "requirements.lock written; now run: make test"
