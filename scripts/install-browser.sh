#!/usr/bin/env bash
# Install what the browser tests drive: Debian's chromium (and a font), with apt-get, when it is not
# there yet; and axe-core (the accessibility checker the tests inject into pages), a pinned version
# from the npm registry, into .cache/npm/ of this checkout (gitignored). Playwright never downloads a
# browser of its own here.
#
#   scripts/install-browser.sh          # no-op when both are already installed
#   IOKG_CHROMIUM=/path/to/chromium     # the tests use this executable instead (default below)
#   IOKG_AXE=/path/to/axe.min.js        # the tests inject this axe-core instead (default below)
#
# Fails loudly (non-zero exit, message on stderr) when either cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${IOKG_CHROMIUM:-/usr/bin/chromium}"
#: axe-core's version, pinned: a new release can add rules, so upgrading is a deliberate change here.
AXE_VERSION="4.14.1"
axe_prefix=".cache/npm"
axe="${IOKG_AXE:-$axe_prefix/node_modules/axe-core/axe.min.js}"

fail() {
    echo "install-browser: ERROR: $*" >&2
    exit 1
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
apt_updated=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || fail "no apt-get to install $*; install it and retry"
    if [ -n "$sudo" ]; then
        command -v sudo >/dev/null 2>&1 || fail "installing $* needs root (or sudo)"
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update || fail "apt-get update failed"
        apt_updated=1
    fi
    $sudo apt-get install -y --no-install-recommends "$@" || fail "apt-get install $* failed"
}

# ------------------------------------------------------------------------------------- Chromium
if [ -x "$chromium" ]; then
    echo "install-browser: $chromium is already installed"
else
    echo "install-browser: installing Debian's chromium and fonts-dejavu-core"
    apt_install chromium fonts-dejavu-core
    [ -x "$chromium" ] || fail "chromium was installed but $chromium is not there; set IOKG_CHROMIUM"
    "$chromium" --version || fail "$chromium does not run"
    echo "install-browser: installed $chromium"
fi

# ------------------------------------------------------------------------------------- axe-core
installed_axe() {
    # the version of the axe-core in .cache/npm, or nothing
    sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$axe_prefix/node_modules/axe-core/package.json" 2>/dev/null | head -n 1
}
if [ -n "${IOKG_AXE:-}" ]; then
    [ -f "$IOKG_AXE" ] || fail "IOKG_AXE=$IOKG_AXE is not a file"
    echo "install-browser: axe-core from IOKG_AXE=$IOKG_AXE"
elif [ "$(installed_axe)" = "$AXE_VERSION" ] && [ -f "$axe" ]; then
    echo "install-browser: axe-core $AXE_VERSION is already installed in $axe_prefix"
else
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-browser: installing Debian's npm"
        apt_install npm
    fi
    echo "install-browser: installing axe-core $AXE_VERSION from the npm registry into $axe_prefix"
    mkdir -p "$axe_prefix"
    npm install --prefix "$axe_prefix" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
        "axe-core@$AXE_VERSION" || fail "npm install axe-core@$AXE_VERSION failed"
    [ "$(installed_axe)" = "$AXE_VERSION" ] && [ -f "$axe" ] \
        || fail "axe-core $AXE_VERSION was installed but $axe is not there"
    echo "install-browser: installed axe-core $AXE_VERSION ($axe)"
fi
