#!/usr/bin/env bash
# The browser tests drive Debian's Chromium in its headless build, the package
# chromium-headless-shell (Playwright cannot download its own here). It is the same
# Chromium as the chromium package, without the desktop browser around the page: the
# browser tests' Chromium CPU time fell from 62 s to 27 s with it (README, "Tests").
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/lib/chromium/chromium-headless-shell}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium-headless-shell for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium-headless-shell >/dev/null
  exit 0
fi
echo "The browser tests need Chromium's headless shell at $CHROMIUM." >&2
echo "Install it with: sudo apt-get install chromium-headless-shell (or set CHROMIUM_PATH)." >&2
exit 1
