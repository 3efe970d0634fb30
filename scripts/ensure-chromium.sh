#!/bin/sh
# Browser tests drive Debian's Chromium (never a downloaded browser).
# Install it when it is missing and we may (root); otherwise say what to do.
set -e
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar Debians chromium för webbläsartesterna …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "Webbläsartesterna behöver Chromium i $CHROMIUM." >&2
echo "Installera det (Debian/Ubuntu: sudo apt-get install chromium) eller sätt CHROMIUM=/sökväg." >&2
exit 1
