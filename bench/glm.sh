#!/bin/sh
# bench/glm.sh [ROWS] - logit with cluster-robust variance, 20 regressors, against R's glm +
# sandwich::vcovCL on the same data, side by side. Reading the CSV is timed apart on both
# sides and left out: effekt times design + fit + variance (bench/glm_fit.c), R times glm()
# and vcovCL() (bench/glm_r.R). Data: bench/gen_logit.c, 2M rows, 1,000 clusters.
# Writes the section "Logit" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-2000000}
RUNS=${RUNS:-3}
mkdir -p bench/data build/bench
cc -O2 -o build/bench/gen_logit bench/gen_logit.c -lm
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/x86_64-linux-gnu/openblas-pthread \
    -o build/bench/glm_fit bench/glm_fit.c build/libeffekt.a \
    -lreadstat -ljansson -llapacke -lgsl -lopenblas -lpthread -lm
data=bench/data/logit_$ROWS.csv
[ -f "$data" ] || build/bench/gen_logit "$ROWS" > "$data"
e=$(mktemp); e1=$(mktemp); r=$(mktemp)
trap 'rm -f "$e" "$e1" "$r"' EXIT
Rscript bench/glm_r.R "$data" >> "$r"
i=0
while [ $i -lt "$RUNS" ]; do
    build/bench/glm_fit "$data" 0 >> "$e"
    build/bench/glm_fit "$data" 1 >> "$e1"
    i=$((i + 1))
done
med() { sort -n -k"$2" "$1" | awk -v f="$2" '{ v[NR] = $f } END { print v[int((NR + 1) / 2)] }'; }
e_fit=$(med "$e" 2); e1_fit=$(med "$e1" 2)
r_fit=$(awk '{ print $1 + $2 }' "$r"); r_glm=$(awk '{ print $1 }' "$r"); r_vc=$(awk '{ print $2 }' "$r")
ratio=$(awk -v a="$r_fit" -v b="$e_fit" 'BEGIN { printf "%.1f", a / b }')
mem=$(head -n 1 "$e" | awk '{ printf "%.0f MB peak RSS after the fit, %.0f MB with the table loaded: %.0f MB more, %.2fx the %.0f MB design", $5, $4, $5 - $4, ($5 - $4) / $6, $6 }')
agree=$(paste "$e" "$r" | head -n 1 | awk '{ printf "x1: effekt %s (se %s), R %s (se %s)", $7, $8, $11, $12 }')
section=$(cat <<MD
## Logit (issue 5)

Command: \`bench/glm.sh $ROWS\` (effekt RUNS=$RUNS, median; R once), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).
Input: $ROWS rows, y ~ 20 regressors, cluster-robust variance over 1,000 clusters (bench/gen_logit.c). Reading the CSV is left out on both sides.

| | seconds |
|---|---|
| effekt: design + logit fit + cluster variance, $(nproc) threads | $e_fit |
| effekt: the same on 1 thread | $e1_fit |
| R: glm(family = binomial) + sandwich::vcovCL | $r_fit ($r_glm + $r_vc) |
| **ratio R / effekt** | **$ratio** (goal: 20) |

Memory: $mem.
Estimates agree: $agree.
MD
)
scripts/results-section "Logit" "$section"
printf '%s\n' "$section"
