# The report in headless Chromium (issue 13, tests/browser/check.sh): first each failure mode on
# a fixture that has exactly that fault (tests/browser/fixtures/), then the report of a small
# world. Skipped, and said so, when chromium is not installed (make check-browser installs
# it); run once, in the first build tests/run is given (Chromium does not depend on it).
# BROWSER_REPORT=FILE checks that report instead of making a world (make check-browser).
. "$(dirname "$0")/_lib.sh"

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
    ok "browser check # SKIP chromium not installed (make check-browser installs it)"
    exit 0
fi
case $EFFEKT in
*/asan/*) ok "browser check # SKIP run once, in the gcc build"; exit 0 ;;
esac
check=tests/browser/check.sh fx=tests/browser/fixtures

# expect_fail FIXTURE TEXT [MODE]: check.sh exits 1 on FIXTURE and names the fault
expect_fail() {
    name=$1 text=$2 mode=${3:---measure-only}
    sh "$check" "$mode" "$fx/$name.html" "$work/$name" > "$work/$name.out" 2>&1
    echo $? > "$work/$name.rc"
}
# the faulty pages measured two at a time: Chromium takes about 3 s to start
set -- empty-svg "empty figure: svg 1 in #one draws nothing" \
       empty-data "empty figure: svg 1 in #one has axes but an empty data layer" \
       zero-svg "rendering: svg 1 in #one renders 0x0" \
       overflow-table "table overflow: table 1 in #one (\"Tabel 1\") is" \
       overflow-cell "cell \"seed_figures_fra_den_oprindelige_rapport\" scrollWidth" \
       broken-resource "rendering: resource img" \
       one-page "the printed PDF has 1 page(s), want at least 2"
k=0
for f in empty-svg empty-data zero-svg overflow-table overflow-cell broken-resource one-page; do
    case $f in one-page) m=--no-shots ;; *) m=--measure-only ;; esac
    expect_fail "$f" "" "$m" &
    k=$((k + 1)); [ $((k % 2)) -eq 0 ] && wait
done
wait
while [ $# -ge 2 ]; do
    f=$1 text=$2; shift 2
    if [ "$(cat "$work/$f.rc")" = 1 ] && grep -qF -- "$text" "$work/$f.out"; then
        ok "check.sh fails on $f.html: $text"
    else
        not_ok "check.sh fails on $f.html: $text" "exit $(cat "$work/$f.rc")" "$(cat "$work/$f.out")"
    fi
done

# the good page: measured and printed (3 pages); with a screenshot per section when make
# check-browser runs this (BROWSER_REPORT set), to keep make check short
shots=--no-shots; [ -n "${BROWSER_REPORT:-}" ] && shots=""
sh "$check" $shots "$fx/good.html" "$work/good" > "$work/good.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && head -c 4 "$work/good/report.pdf" | grep -q '%PDF' && grep -q '3-page PDF' "$work/good.out" \
        && { [ -n "$shots" ] || { [ -s "$work/good/section-one.png" ] && [ -s "$work/good/section-two.png" ]; }; }; then
    ok "check.sh passes good.html${shots:+ (no screenshots)}: its PDF has 3 pages"
else
    not_ok "check.sh passes good.html" "exit $rc" "$(cat "$work/good.out")"
fi

# the report of a small world (tests/cli/run.sh's recipe); its screenshots in make check-browser
report=${BROWSER_REPORT:-}
if [ -z "$report" ]; then
    run simulate --out "$work/s" --plans 8 --scale 0.01 --participants-scale 3 --seed 7
    sed -e 's/^min_n = 50/min_n = 20/' -e "s|^seed_figures = .*|seed_figures = $PWD/data/seed-indicators.csv|" \
        examples/lbf-2011-14.ini > "$work/small.ini"
    run run "$work/small.ini" --data-dir "$work/s" --out "$work/o"
    expect "a small world's report" 0
    report=$work/o/report.html
fi
sh "$check" --no-shots "$report" "$work/report" > "$work/report.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
    ok "the report renders in Chromium: $(sed -n 's/.*rendered without errors (\(.*\)).*/\1/p' "$work/report.out"), printed to PDF"
else
    not_ok "the report renders in Chromium, tables in their boxes, every figure drawn" "exit $rc" "$(cat "$work/report.out")"
fi
