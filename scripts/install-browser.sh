#!/usr/bin/env bash
# Install the browser the browser tests drive: Debian's chromium (and a font), with apt-get,
# when it is not there yet. Playwright never downloads a browser of its own here.
#
#   scripts/install-browser.sh          # no-op when the browser is already installed
#   IOKG_CHROMIUM=/path/to/chromium     # the tests use this executable instead (default below)
#
# Fails loudly (non-zero exit, message on stderr) when the browser cannot be installed.
set -euo pipefail

chromium="${IOKG_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$chromium" ]; then
    echo "install-browser: $chromium is already installed"
    exit 0
fi

fail() {
    echo "install-browser: ERROR: $*" >&2
    exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
    fail "no Chromium at $chromium and no apt-get to install Debian's chromium; install one and set IOKG_CHROMIUM"
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "installing chromium needs root (or sudo)"
    sudo="sudo"
fi

echo "install-browser: installing Debian's chromium and fonts-dejavu-core"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update || fail "apt-get update failed"
$sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    || fail "apt-get install chromium fonts-dejavu-core failed"

[ -x "$chromium" ] || fail "chromium was installed but $chromium is not there; set IOKG_CHROMIUM"
"$chromium" --version || fail "$chromium does not run"
echo "install-browser: installed $chromium"
