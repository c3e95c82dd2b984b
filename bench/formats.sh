#!/bin/sh
# bench/formats.sh [ROWS] - reading a register as .sas7bdat against the same data as CSV
# (both with effekt), and against R's haven::read_sas on the same .sas7bdat, side by side.
# Data: bench/gen_register.c (10 columns: pnr, koen, ages, codes, amounts, a date), 5M rows;
# the .sas7bdat is written by effekt's own ReadStat writer (uncompressed, 64-bit).
# Writes the section "Register formats" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-5000000}
RUNS=${RUNS:-3}
mkdir -p bench/data build/bench
cc -O2 -o build/bench/gen_register bench/gen_register.c -lm
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -o build/bench/regfile_read \
    bench/regfile_read.c build/libeffekt.a -lreadstat -ljansson -lm
csv=bench/data/register_$ROWS.csv
sas=bench/data/register_$ROWS.sas7bdat
[ -f "$csv" ] || build/bench/gen_register "$ROWS" > "$csv"
[ -f "$sas" ] || build/bench/regfile_read --convert "$csv" "$sas"
cat "$csv" "$sas" > /dev/null
c=$(mktemp); s=$(mktemp); h=$(mktemp)
trap 'rm -f "$c" "$s" "$h"' EXIT
i=0
while [ $i -lt "$RUNS" ]; do
    build/bench/regfile_read "$csv" >> "$c"
    build/bench/regfile_read "$sas" >> "$s"
    Rscript bench/read_sas.R "$sas" >> "$h"
    i=$((i + 1))
done
med() { sort -n -k1 "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mc=$(med "$c"); ms=$(med "$s"); mh=$(med "$h")
r1=$(awk -v a="$ms" -v b="$mc" 'BEGIN { printf "%.2f", a / b }')
r2=$(awk -v a="$mh" -v b="$ms" 'BEGIN { printf "%.2f", a / b }')
mb_csv=$(awk -v s="$(stat -c %s "$csv")" 'BEGIN { printf "%.0f", s / 1e6 }')
mb_sas=$(awk -v s="$(stat -c %s "$sas")" 'BEGIN { printf "%.0f", s / 1e6 }')
section=$(cat <<MD
## Register formats (issue 4)

Command: \`bench/formats.sh $ROWS\` (RUNS=$RUNS, median seconds, files in page cache), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).
Input: $ROWS rows x 10 register columns (bench/gen_register.c): CSV $mb_csv MB; the same as .sas7bdat (written by effekt through ReadStat, uncompressed, 64-bit) $mb_sas MB.

| read | median s |
|---|---|
| effekt, CSV | $mc |
| effekt, .sas7bdat (ReadStat) | $ms |
| R haven::read_sas, .sas7bdat | $mh |

**.sas7bdat / CSV with effekt: $r1** (goal: at most about 2). **haven / effekt on the .sas7bdat: $r2.**
Raw seconds: CSV $(tr '\n' ' ' < "$c" | awk '{for(i=1;i<=NF;i+=3) printf "%s ", $i}'); sas7bdat $(tr '\n' ' ' < "$s" | awk '{for(i=1;i<=NF;i+=3) printf "%s ", $i}'); haven $(tr '\n' ' ' < "$h" | awk '{for(i=1;i<=NF;i+=2) printf "%s ", $i}').
MD
)
scripts/results-section "Register formats" "$section"
printf '%s\n' "$section"
