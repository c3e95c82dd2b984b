#!/bin/sh
# bench/ind_country.sh - the status indicators of examples/lbf-2011-14.ini (its [indicators]
# and [indicator.*] sections, run alone) on the whole country (Synthetic Denmark at --scale 1,
# about 6 million persons): wall time on a warm page cache and peak memory (goal: under 30 s).
# The peer, side by side in the same run: R data.table::fread of the same columns of the same
# register-years (bench/ind_country_r.R), which an R script computing these indicators has to
# do before anything else. The world is shared with bench/run_country.sh.
# Writes the section "The indicators, whole country" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
world=${TMPDIR:-/tmp}/effekt-bench-country
out=${TMPDIR:-/tmp}/effekt-bench-ind-run
cfg=$(mktemp --suffix=.ini -p "$PWD/examples")
tlog=$(mktemp)
trap 'rm -f "$tlog" "$cfg"; rm -rf "$out"' EXIT
if [ ! -s "$world/truth.csv" ]; then
    rm -rf "$world"
    build/effekt simulate --scale 1 --out "$world" > /dev/null
fi
# [run] of the example, then its indicator sections (no interventions: the indicators alone)
awk '/^\[run\]/ { on = 1 } /^\[files\]/ { on = 0 } on' examples/lbf-2011-14.ini > "$cfg"
awk '/^; ---- Status indicators/ { on = 1 } /^; ---- Funding/ { on = 0 } on' examples/lbf-2011-14.ini >> "$cfg"
run_once() {
    rm -rf "$out"
    /usr/bin/time -f '%e %M' -o "$tlog" build/effekt run "$cfg" --data-dir "$world" \
        --out "$out" > /dev/null
    cat "$tlog"
}
run_once > /dev/null # warms the page cache
r1=$(run_once); r2=$(run_once); r3=$(run_once)
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
secs=$(median "$(echo "$r1" | cut -d' ' -f1)" "$(echo "$r2" | cut -d' ' -f1)" "$(echo "$r3" | cut -d' ' -f1)")
peak=$(printf '%s\n%s\n%s\n' "$r1" "$r2" "$r3" | cut -d' ' -f2 | sort -n | tail -1)
rsecs=$(Rscript bench/ind_country_r.R "$world")
ratio=$(awk -v a="$secs" -v b="$rsecs" 'BEGIN { printf "%.2f", a / b }')
mb=$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')
n_ind=$(grep -c '^\[indicator\.' "$cfg")
files=$(for y in $(seq 2011 2018); do for r in bef udda bfl fravaer ras ind; do echo "$world/$r$y.csv"; done; done
       for y in $(seq 2008 2020); do echo "$world/krim$y.csv"; done)
gb=$(du -cb $files | tail -1 | awk '{ printf "%.1f", $1 / 1e9 }')
section=$(cat <<MD
## The indicators, whole country (issue 10)

Command: \`bench/ind_country.sh\` (the $n_ind indicators of examples/lbf-2011-14.ini, 2011-2018, run alone with \`effekt run\` on \`effekt simulate --scale 1\`), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).

| | |
|---|---|
| registers read: bef, udda, bfl, fravaer, ras, ind 2011-2018; krim 2008-2020 (the events' history) | $gb GB of CSV |
| wall time, warm page cache (median of 3) | **$secs s** (goal: under 30) |
| peak memory | $mb MB |
| R peer (bench/ind_country_r.R): data.table::fread of the same columns of the same files, nThread = 2, warm | $rsecs s |
| **effekt's indicators / R's reading alone** | **$ratio** |

Raw (seconds, KB): $r1 | $r2 | $r3.
MD
)
scripts/results-section "The indicators, whole country" "$section"
echo "$section"
