#!/usr/bin/env bash
# Virtuoso Open Source, one of the remote SPARQL stores tests/test_remote*.py run iokg against
# (Debian's package; the tests start their own server in a temporary directory). Needs root.
set -euo pipefail
if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq virtuoso-opensource >/dev/null
# the package's own service is not needed: the tests start theirs on loopback ports
if command -v service >/dev/null; then service virtuoso-opensource-7 stop >/dev/null 2>&1 || true; fi
