#!/bin/sh
# bench/csv.sh [ROWS] - effekt's CSV reader against data.table::fread (one thread each),
# side by side in one run, on a 12-column numeric CSV (bench/gen_numeric.c, 10M rows ~ 1 GB).
# Each tool reads the file RUNS times, alternating; the file is in the page cache first.
# Writes the figures to bench/RESULTS.md (section "CSV reader").
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-10000000}
RUNS=${RUNS:-5}
mkdir -p bench/data build/bench
cc -O2 -o build/bench/gen_numeric bench/gen_numeric.c -lm
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o build/bench/csv_read bench/csv_read.c \
    build/libeffekt.a -ljansson -lm
data=bench/data/numeric_$ROWS.csv
[ -f "$data" ] || build/bench/gen_numeric "$ROWS" > "$data"
cat "$data" > /dev/null
mb=$(awk -v s="$(stat -c %s "$data")" 'BEGIN { printf "%.0f", s / 1e6 }')
eff=$(mktemp); fr=$(mktemp)
trap 'rm -f "$eff" "$fr"' EXIT
i=0
while [ $i -lt "$RUNS" ]; do
    build/bench/csv_read "$data" >> "$eff"
    Rscript bench/csv_vs_fread.R "$data" >> "$fr"
    i=$((i + 1))
done
# median and best of MB/s (field 2 in both files); effekt's memory from its first run
med() { sort -n -k2 "$1" | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }'; }
best() { sort -n -k2 "$1" | tail -n 1 | awk '{ print $2 }'; }
e_med=$(med "$eff"); e_best=$(best "$eff"); f_med=$(med "$fr"); f_best=$(best "$fr")
ratio=$(awk -v a="$e_med" -v b="$f_med" 'BEGIN { printf "%.2f", a / b }')
mem=$(head -n 1 "$eff" | awk '{ printf "%.0f MB peak RSS for %.0f MB of column data (%.2fx)", $3, $4, $3 / $4 }')
section=$(cat <<MD
## CSV reader (issue 3)

Command: \`bench/csv.sh $ROWS\` (RUNS=$RUNS, alternating, file in page cache), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).
Input: $ROWS rows x 12 numeric columns (6 integer, 6 double), $mb MB, from bench/gen_numeric.c.

| reader | median MB/s | best MB/s |
|---|---|---|
| effekt (\`eff_csv_read\`, 1 thread) | $e_med | $e_best |
| data.table::fread (nThread = 1) | $f_med | $f_best |
| **ratio effekt / fread (median)** | **$ratio** | |

Memory: $mem.
Raw runs (seconds MB/s ...): effekt: $(awk '{ printf "%s/%s ", $1, $2 }' "$eff"); fread: $(awk '{ printf "%s/%s ", $1, $2 }' "$fr").
MD
)
scripts/results-section "CSV reader" "$section"
printf '%s\n' "$section"
