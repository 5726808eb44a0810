#!/usr/bin/env bash
# Installs what the browser tests need (Chromium, CJK fonts) when it is missing,
# using the system's package manager. Safe to run again: it does nothing when
# everything is present.
set -euo pipefail

have_browser() { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; }
have_fonts() { fc-list 2>/dev/null | grep -iE 'Noto Sans CJK|WenQuanYi' >/dev/null; } # not grep -q: with pipefail, SIGPIPE would fail the check

if have_browser && have_fonts; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: no apt-get here; install Chromium and a CJK font yourself, or unset ZHIJIA_TEST_BROWSER" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-test-deps: not root and no sudo; cannot install Chromium" >&2; exit 0; fi
fi
echo "install-test-deps: installing chromium and fonts-noto-cjk…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
have_browser && echo "install-test-deps: $(chromium --version 2>/dev/null || true)"
