#!/bin/sh
# The system packages the build and the tests use, from Debian (never a
# downloaded browser or library):
#   chromium  the browser tests drive Debian's Chromium;
#   pango     the report PDFs (WeasyPrint) lay out text with Pango
#             (libpango-1.0-0, libpangoft2-1.0-0).
# Usage: ensure-chromium.sh [chromium] [pango]   (both when none is named)
# Install what is missing when we may (root with apt-get); otherwise say what
# to do. Pango alone (make site) only warns: a bank with 'rapport_pdf: false'
# builds without it, and the build says the rest in Swedish.
set -e
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
WANTED="${*:-chromium pango}"

has_library() {
    { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q "$1"
}

missing=""
for what in $WANTED; do
    case "$what" in
        chromium) [ -x "$CHROMIUM" ] || missing="$missing chromium" ;;
        pango)
            has_library 'libpango-1\.0\.so\.0' || missing="$missing libpango-1.0-0"
            has_library 'libpangoft2-1\.0\.so\.0' || missing="$missing libpangoft2-1.0-0" ;;
        *) echo "ensure-chromium.sh: okänt paket '$what' (chromium eller pango)" >&2; exit 2 ;;
    esac
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installerar Debians paket:$missing …"
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    exit 0
fi
case "$missing" in
    *chromium*)
        echo "Webbläsartesterna behöver Chromium i $CHROMIUM." >&2
        echo "Installera det (Debian/Ubuntu: sudo apt-get install chromium) eller sätt CHROMIUM=/sökväg." >&2 ;;
esac
case "$missing" in
    *pango*)
        echo "Rapporternas PDF:er behöver systembiblioteket Pango." >&2
        echo "Installera det (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0)" \
             "eller stäng av PDF:erna med 'rapport_pdf: false' under metodbank i mkdocs.yml." >&2 ;;
esac
if [ "$WANTED" = "pango" ]; then
    exit 0  # make site: only a warning (see above)
fi
exit 1
