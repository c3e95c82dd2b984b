#!/bin/sh
# tests/valgrind.sh [BUILD_DIR] - make check-valgrind (issue 14): every unit test program
# BUILD_DIR/tests/test_* (default build/) under valgrind's memcheck, then one small end-to-end
# case: `effekt simulate` of a tiny world, `effekt run` on it, `effekt describe` of one of its
# files and two `effekt glm` fits. Valgrind is 20-50 times slower than the bare program, so
# EFF_TEST_SMALL=1 makes the slow statistical tests run the small worlds of the sanitizer
# build (tests/eff_test.h, eff_test_small) and skip their CPU-time bounds.
#
# Any valgrind error fails: invalid reads and writes, uninitialised values, bad frees, and
# definite or indirect leaks. Suppressions (tests/valgrind.supp) are for third-party noise
# only. Each program's valgrind log is kept in BUILD_DIR/valgrind/NAME.vg, its output in
# NAME.out. Never stops at the first failure; ends with a per-program table and a summary,
# and exits non-zero on any valgrind error or failed test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.." || exit 1 # tests read tests/data/... relative to the project root
dir=$(cd "${1:-build}" && pwd)
logs=$dir/valgrind
rm -rf "$logs" && mkdir -p "$logs"
export OPENBLAS_NUM_THREADS=1 CMOCKA_MESSAGE_OUTPUT=TAP EFF_TEST_SMALL=1 LC_ALL=C

command -v valgrind >/dev/null 2>&1 || { echo "valgrind.sh: valgrind is not installed" >&2; exit 1; }

passed=0      # test cases (and end-to-end steps) that passed
failed=0      # ... that failed
vg_errors=0   # valgrind errors over all programs
bad_programs=""
table=$logs/times.txt
: >"$table"
start=$(date +%s)

# vg NAME COMMAND...: runs COMMAND under memcheck, valgrind's report in $logs/NAME.vg and
# the program's output in $logs/NAME.out; sets rc, secs and errs (valgrind's error count).
vg() {
    name=$1; shift
    t0=$(date +%s)
    valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=no --num-callers=30 \
        --suppressions="$here/valgrind.supp" --log-file="$logs/$name.vg" \
        "$@" >"$logs/$name.out" 2>&1
    rc=$?
    secs=$(($(date +%s) - t0))
    errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) error.*/\1/p' "$logs/$name.vg" | tr -d , | tail -n 1)
    if [ -z "$errs" ]; then
        errs=1 # no summary: valgrind itself did not finish
        echo "FAIL $name: valgrind wrote no error summary (exit $rc)"
        tail -n 20 "$logs/$name.vg"
    fi
    vg_errors=$((vg_errors + errs))
    if [ "$errs" -gt 0 ]; then
        echo "---- $name: $errs valgrind error(s) ($logs/$name.vg)"
        sed '1,/^==[0-9]*== *$/d' "$logs/$name.vg" | head -n 100 # after the preamble
    fi
}

# record NAME OK BAD: one line of the table
record() {
    passed=$((passed + $2))
    failed=$((failed + $3))
    if [ "$3" -gt 0 ] || [ "$errs" -gt 0 ]; then bad_programs="$bad_programs $1"; fi
    printf '%-28s %5ds %4d ok %3d failed %4d valgrind errors\n' "$1" "$secs" "$2" "$3" "$errs" |
        tee -a "$table"
}

# ---- the unit tests ----
for t in "$dir"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    vg "$name" "$t"
    ok=$(grep -c '^ok ' "$logs/$name.out")
    bad=$(grep -c '^not ok ' "$logs/$name.out")
    # 99 is valgrind's own exit code; anything else non-zero without a failing case is a crash
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 99 ] && [ "$bad" -eq 0 ]; then
        bad=1
        echo "FAIL $name: exited $rc without reporting a failing case"
    fi
    if [ "$bad" -gt 0 ]; then
        echo "---- $name: failing cases"
        grep -v '^ok ' "$logs/$name.out" | tail -n 40
    fi
    record "$name" "$ok" "$bad"
done

# ---- one small end-to-end case ----
# step NAME WANT-TEXT COMMAND...: one CLI step; passes when it exits 0 (or 99 with valgrind
# errors, counted apart) and its output holds WANT-TEXT
step() {
    name=$1 want=$2; shift 2
    vg "$name" "$@"
    if { [ "$rc" -eq 0 ] || { [ "$rc" -eq 99 ] && [ "$errs" -gt 0 ]; }; } &&
        grep -qF -- "$want" "$logs/$name.out"; then
        record "$name" 1 0
    else
        echo "---- $name: exit $rc; want 0 and '$want' in its output"
        tail -n 30 "$logs/$name.out"
        record "$name" 0 1
    fi
}

E=$dir/effekt
w=$logs/world
mkdir -p "$w"
# tests/cli/run.sh's and make check-browser's small world
step effekt-simulate "wrote " \
    "$E" simulate --out "$w/s" --plans 8 --scale 0.01 --participants-scale 3 --seed 7
sed -e 's/^min_n = 50/min_n = 20/' -e "s|^seed_figures = .*|seed_figures = $PWD/data/seed-indicators.csv|" \
    examples/lbf-2011-14.ini >"$w/small.ini"
step effekt-run "Indsatsåret" "$E" run "$w/small.ini" --data-dir "$w/s" --out "$w/o"
step effekt-describe "rows," "$E" describe --lang en "$w/s/bef2011.csv"
step effekt-glm-logit "Logit, N = 32" \
    "$E" glm --data tests/ref/glm/spector.csv --y GRADE --x GPA,TUCE,PSI --family logit --lang en
step effekt-glm-cluster "term,estimate" \
    "$E" glm --data tests/ref/glm/sim.csv --y y_cont --x x1,x2,g --cluster cl --format csv

total=$(($(date +%s) - start))
echo "valgrind: $passed passed, $failed failed, $vg_errors valgrind errors; ${total}s wall" |
    tee -a "$table"
if [ -n "$bad_programs" ]; then
    echo "failing:$bad_programs (logs in $logs)"
    exit 1
fi
