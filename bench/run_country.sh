#!/bin/sh
# bench/run_country.sh - `effekt run examples/lbf-2011-14.ini` (its interventions; the
# indicators are timed by bench/ind_country.sh) on the whole country
# (Synthetic Denmark at --scale 1, about 6 million persons, 2008-2020): wall time with a cold
# and with a warm page cache, and peak memory (goals: under 60 s warm, under 8 GB). The peer,
# side by side in the same run: R data.table::fread of the same columns of the same
# register-years (bench/run_country_r.R), which an R script doing this evaluation has to do
# before anything else: the ratio shows what the rest of effekt's evaluation costs on top.
# The world is kept in $TMPDIR/effekt-bench-country (11 GB) between runs.
# Writes the section "The evaluation, whole country" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
world=${TMPDIR:-/tmp}/effekt-bench-country
out=${TMPDIR:-/tmp}/effekt-bench-country-run
if [ ! -s "$world/truth.csv" ]; then
    rm -rf "$world"
    build/effekt simulate --scale 1 --out "$world" > /dev/null
fi
tlog=$(mktemp)
cfg=$(mktemp --suffix=.ini -p "$PWD/examples")
trap 'rm -f "$tlog" "$cfg"; rm -rf "$out"' EXIT
# the evaluation alone: the example up to its status indicators (bench/ind_country.sh times those)
awk '/^; ---- Status indicators/ { exit } { print }' examples/lbf-2011-14.ini > "$cfg"
files=$(for y in $(seq 2011 2019); do for r in bef udda bfl fravaer; do echo "$world/$r$y.csv"; done; done)
evict() { # drops the inputs from the page cache (posix_fadvise DONTNEED: no root needed)
    python3 -c 'import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)' $files "$world/deltagelse.csv" "$world/afdelinger.csv"
}
run_once() {
    rm -rf "$out"
    /usr/bin/time -f '%e %M' -o "$tlog" build/effekt run "$cfg" \
        --data-dir "$world" --out "$out" > /dev/null
    cat "$tlog"
}
evict
cold=$(run_once)
warm1=$(run_once); warm2=$(run_once); warm3=$(run_once)
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
wsecs=$(median "$(echo "$warm1" | cut -d' ' -f1)" "$(echo "$warm2" | cut -d' ' -f1)" "$(echo "$warm3" | cut -d' ' -f1)")
peak=$(printf '%s\n%s\n%s\n%s\n' "$cold" "$warm1" "$warm2" "$warm3" | cut -d' ' -f2 | sort -n | tail -1)
csecs=$(echo "$cold" | cut -d' ' -f1)
rsecs=$(Rscript bench/run_country_r.R "$world")
ratio=$(awk -v a="$wsecs" -v b="$rsecs" 'BEGIN { printf "%.2f", a / b }')
mb=$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')
persons=$(awk -F, 'NR > 1 { s += $4 } END { print s }' "$world/omraader.csv")
gb=$(du -cb $files | tail -1 | awk '{ printf "%.1f", $1 / 1e9 }')
section=$(cat <<MD
## The evaluation, whole country (issue 9)

Command: \`bench/run_country.sh\` (\`effekt run\` of examples/lbf-2011-14.ini's interventions, its indicators left out, \`--data-dir WORLD\` on \`effekt simulate --scale 1\`), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).

| | |
|---|---|
| persons on 1 January 2011 | $persons |
| input read: bef, udda, bfl, fravaer 2011-2019 | $gb GB of CSV |
| wall time, cold page cache (inputs evicted with posix_fadvise) | $csecs s |
| wall time, warm page cache (median of 3) | **$wsecs s** (goal: under 60) |
| peak memory | **$mb MB** (goal: under 8192) |
| R peer (bench/run_country_r.R): data.table::fread of the same columns of the same files, nThread = 2, warm | $rsecs s |
| **effekt's whole evaluation / R's reading alone** | **$ratio** |

Raw (seconds, KB): cold $cold; warm $warm1 | $warm2 | $warm3.
MD
)
scripts/results-section "The evaluation, whole country" "$section"
echo "$section"
