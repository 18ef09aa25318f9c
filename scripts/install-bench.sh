#!/usr/bin/env bash
# Install the native load generator the benchmark drives: Debian's wrk, with apt-get, when it is
# not there yet (the Python side, Oxigraph's server, comes with the `bench` or `test` extra).
#
#   scripts/install-bench.sh          # no-op when wrk is already installed
#   IOKG_WRK=/path/to/wrk             # the benchmark uses this executable instead of `wrk` on PATH
#
# Fails loudly (non-zero exit, message on stderr) when wrk cannot be installed.
set -euo pipefail

wrk="${IOKG_WRK:-wrk}"

if command -v "$wrk" >/dev/null 2>&1; then
    echo "install-bench: $(command -v "$wrk") is already installed"
    exit 0
fi

fail() {
    echo "install-bench: ERROR: $*" >&2
    exit 1
}

command -v apt-get >/dev/null 2>&1 \
    || fail "no wrk and no apt-get to install Debian's wrk; install wrk (https://github.com/wg/wrk) and set IOKG_WRK"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "installing wrk needs root (or sudo)"
    sudo="sudo"
fi

echo "install-bench: installing Debian's wrk"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update || fail "apt-get update failed"
$sudo apt-get install -y --no-install-recommends wrk || fail "apt-get install wrk failed"

command -v "$wrk" >/dev/null 2>&1 || fail "wrk was installed but $wrk is not on PATH; set IOKG_WRK"
echo "install-bench: installed $(command -v "$wrk")"
