#!/usr/bin/env bash
# Sets up everything the tests need on a fresh machine with Python 3.11+, then runs them.
#   bash scripts/test.sh            # the whole suite
#   bash scripts/test.sh -k build   # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The browser tests drive Debian's Chromium (no browser download is needed or possible).
if [ -f scripts/install-browser.sh ]; then
    bash scripts/install-browser.sh
fi

# The remote-store tests run iokg against Virtuoso Open Source (Debian's package).
bash scripts/install-virtuoso.sh
# The benchmark's smoke test drives the servers with wrk, Debian's native load generator.
bash scripts/install-bench.sh

# Lint first: a change that ruff flags (pyproject.toml, [tool.ruff]) fails here, before the tests run.
.venv/bin/ruff check src tests

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exits 5 when nothing was collected: that is a failure here, not a pass.
exit $status
