#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser). Idempotent: does nothing when
# /usr/bin/chromium already exists. Playwright's own browser download is not used (no network but apt).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: /usr/bin/chromium present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')), skipping"
  exit 0
fi

"$(dirname "$0")/apt-install.sh" install-chromium chromium
/usr/bin/chromium --version
