#!/bin/sh
# tests/browser/check.sh [--measure-only | --no-shots] REPORT.html OUTDIR - the report as headless
# Chromium renders it (issue 13). Measures the page with check.js, injected into a temporary
# copy (the report itself has no script and must keep none): page errors, <svg>s rendered 0x0,
# figures with nothing drawn or an empty data layer, tables or cells wider than their box. Then
# a screenshot of each innermost <section id=ID> alone (OUTDIR/section-ID.png, from a copy whose
# CSS hides the rest; BROWSER_JOBS at a time, default 2) and the report printed to
# OUTDIR/report.pdf (a PDF of at least 2 pages). --no-shots skips the screenshots,
# --measure-only the screenshots and the PDF (tests/cli/browser.sh's faulty fixtures).
# Exit 0: all well; 1: a finding, each printed as "check.sh: REPORT: what"; 2: cannot check
# (no chromium, unreadable report). CHROMIUM names the browser (default: chromium);
# BROWSER_WIDTH the window width for the measuring (default 1200 px).
set -u
shots_on=1 pdf_on=1
case ${1:-} in
--measure-only) shots_on=0 pdf_on=0; shift ;;
--no-shots) shots_on=0; shift ;;
esac
if [ $# -ne 2 ]; then
    echo "usage: tests/browser/check.sh [--measure-only | --no-shots] REPORT.html OUTDIR" >&2
    exit 2
fi
report=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "check.sh: $chromium not found (make check-browser installs it)" >&2
    exit 2
fi
if [ ! -r "$report" ]; then
    echo "check.sh: cannot read $report" >&2
    exit 2
fi
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/effekt-browser-XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
failed=0
fail() { echo "check.sh: $(basename "$report"): $*"; failed=1; }

# chrome LOG ARGS...: one headless run with its own profile, stopped after 120 s should it hang;
# Chromium's own stderr (D-Bus and GPU noise in a container) goes to LOG, shown only when the
# run fails
runs=0
chrome() {
    log=$1; shift
    runs=$((runs + 1))
    timeout 120 "$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run \
        --user-data-dir="$tmp/profile$runs" "$@" 2>"$log"
}

# a copy of the report with HTML inserted early in <head>, and a <base> so that any
# relative reference resolves (or fails) as it would beside the report
copy() { # copy DEST HTML-FILE
    python3 - "$report" "$1" "$2" <<'PY'
import re, sys, urllib.parse, os
src, dest, extra = sys.argv[1:]
t = open(src, encoding="utf-8").read()
add = '<base href="file://%s/">' % urllib.parse.quote(os.path.dirname(src)) + open(extra, encoding="utf-8").read()
# after <meta charset> when there is one: it must stay within the first 1024 bytes
m = re.search(r"<meta\s+charset[^>]*>", t, re.I) or re.search(r"<head\b[^>]*>", t, re.I)
t = t[:m.end()] + add + t[m.end():] if m else add + t
open(dest, "w", encoding="utf-8").write(t)
PY
}

if grep -qi '<script' "$report"; then
    fail "the report holds a <script> (it must stay script-free)"
fi

# 1. measure: check.js writes its findings into <pre id="browser-check">
{ printf '<script>\n'; cat "$here/check.js"; printf '</script>\n'; } > "$tmp/inject.html"
copy "$tmp/check.html" "$tmp/inject.html" || exit 2
chrome "$tmp/dom.log" --window-size=${BROWSER_WIDTH:-1200},900 --virtual-time-budget=10000 --dump-dom \
    "file://$tmp/check.html" > "$tmp/dom.html"
rc=$?
python3 - "$tmp/dom.html" > "$tmp/found" <<'PY'
import html, re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
k = t.rfind('<pre id="browser-check">')  # the last: the page may quote the tag earlier
print(html.unescape(t[k + 24:t.find('</pre>', k)]) if k >= 0 else "ERROR rendering: the page never finished loading (no result from check.js)")
PY
if [ "$rc" -ne 0 ]; then
    fail "chromium --dump-dom exited $rc: $(tail -n 3 "$tmp/dom.log")"
fi
grep '^ERROR ' "$tmp/found" | sed 's/^ERROR //' | while IFS= read -r line; do
    echo "check.sh: $(basename "$report"): $line"
done
grep -q '^ERROR ' "$tmp/found" && failed=1
counts=$(sed -n 's/^COUNT //p' "$tmp/found")

# 2. a screenshot per section: a copy whose CSS hides everything that is neither the section,
# inside it nor around it; the window as tall as the section (at most 12000 px). Chromium
# starts in about 3 s, so BROWSER_JOBS of them run at once.
shots=0
if [ "$shots_on" -eq 1 ]; then
    rm -f "$out"/section-*.png
    jobs=${BROWSER_JOBS:-2} k=0
    grep '^SECTION ' "$tmp/found" > "$tmp/sections"
    while read -r _ id height; do
        sel="[id=\"$id\"]"
        printf '<style>body *:not(%s):not(:has(%s)):not(%s *){display:none!important}</style>\n' \
            "$sel" "$sel" "$sel" > "$tmp/hide-$id.html"
        copy "$tmp/section-$id.html" "$tmp/hide-$id.html" || exit 2
        h=$((height + 160))
        [ "$h" -gt 12000 ] && h=12000
        runs=$((runs + 1))
        timeout 120 "$chromium" --headless --disable-gpu --no-sandbox --hide-scrollbars --no-first-run \
            --user-data-dir="$tmp/profile$runs" --window-size=1200,$h \
            --screenshot="$out/section-$id.png" "file://$tmp/section-$id.html" \
            >/dev/null 2>"$tmp/shot-$id.log" &
        k=$((k + 1))
        [ $((k % jobs)) -eq 0 ] && wait
    done < "$tmp/sections"
    wait
    while read -r _ id _; do
        if [ -s "$out/section-$id.png" ]; then
            shots=$((shots + 1))
        else
            fail "no screenshot of section $id: $(tail -n 3 "$tmp/shot-$id.log")"
        fi
    done < "$tmp/sections"
    [ "$shots" -gt 0 ] || fail "no <section id=...> to screenshot"
fi

# 3. print to PDF: the report itself, as a reader would print it
pages=0
if [ "$pdf_on" -eq 1 ]; then
    rm -f "$out/report.pdf"
    chrome "$tmp/pdf.log" --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "file://$report" >/dev/null
    pages=$(python3 -c '
import re, sys
try:
    b = open(sys.argv[1], "rb").read()
except OSError:
    print(-1); sys.exit()
print(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", b)) if b.startswith(b"%PDF") else -1)' "$out/report.pdf")
    if [ "$pages" -lt 0 ]; then
        fail "no PDF printed (report.pdf missing or not starting with %PDF): $(tail -n 3 "$tmp/pdf.log")"
    elif [ "$pages" -lt 2 ]; then
        fail "the printed PDF has $pages page(s), want at least 2"
    fi
fi

if [ "$failed" -eq 0 ]; then
    made=""
    [ "$shots_on" -eq 1 ] && made="; $shots section screenshots in $out"
    [ "$pdf_on" -eq 1 ] && made="$made; a $pages-page PDF, $out/report.pdf"
    echo "check.sh: $(basename "$report"): rendered without errors ($counts)$made"
fi
exit "$failed"
