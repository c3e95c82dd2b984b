#!/bin/sh
# bench/wildboot.sh [ROWS] - the wild cluster bootstrap of one coefficient (x1, a plan-level
# treatment; null 0) with 9,999 draws over 89 plans and 10 regressors: the linear WCR with its
# 95% interval by test inversion (goal: under 2 s), and the logit's score bootstrap, against
# a vectorised R implementation of the same algorithms (bench/wildboot_r.R) on the same data.
# Reading the CSV is left out on both sides. Data: bench/gen_wild.c, 200,000 rows.
# Writes the section "Wild cluster bootstrap" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
ROWS=${1:-200000}
RUNS=${RUNS:-3}
mkdir -p bench/data build/bench
cc -O2 -o build/bench/gen_wild bench/gen_wild.c -lm
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/x86_64-linux-gnu/openblas-pthread \
    -o build/bench/wildboot_run bench/wildboot_run.c build/libeffekt.a \
    -lreadstat -ljansson -llapacke -lgsl -lopenblas -lpthread -lm
data=bench/data/wild_$ROWS.csv
[ -f "$data" ] || build/bench/gen_wild "$ROWS" > "$data"
load=$(cut -d" " -f1 /proc/loadavg)
e=$(mktemp); r=$(mktemp)
trap 'rm -f "$e" "$r"' EXIT
Rscript bench/wildboot_r.R "$data" > "$r"
i=0
while [ $i -lt "$RUNS" ]; do build/bench/wildboot_run "$data" >> "$e"; i=$((i + 1)); done
# the run with the median linear total (fit + bootstrap) gives every effekt figure
line=$(awk '{ print $2 + $3, $0 }' "$e" | sort -n | awk -v m=$(((RUNS + 1) / 2)) 'NR == m' | cut -d' ' -f2-)
set -- $line
e_fit=$2 e_wild=$3 e_p=$4 e_lo=$5 e_hi=$6 g_fit=$7 g_p=$8 g_ci=$9
shift 9
g_pv=$1 g_lo=$2 g_hi=$3 G=$4 reps=$5 weights=$6
set -- $(cat "$r")
r_lin=$1 r_p=$2 r_lo=$3 r_hi=$4 r_gp=$5 r_gci=$6 r_gpv=$7 r_glo=$8 r_ghi=$9
e_lin=$(awk -v a="$e_fit" -v b="$e_wild" 'BEGIN { printf "%.3f", a + b }')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
raw=$(awk '{ printf "%s%.3f+%.3f", (NR > 1 ? " " : ""), $2, $3 }' "$e")
section=$(cat <<MD
## Wild cluster bootstrap

Command: \`bench/wildboot.sh $ROWS\` (effekt RUNS=$RUNS, the run with the median linear total; R once), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m), load average $load at the start (the 2 cores are shared).
Input: $ROWS rows, 10 regressors, $G plans of unequal size (bench/gen_wild.c); H0: the plan-level treatment x1 has coefficient 0; $reps draws ($weights, from the seed); 95% interval by test inversion. Reading the CSV is left out on both sides.
Peer: bench/wildboot_r.R, the same algorithms vectorised in base R (QR, rowsum(), the draws as G x B matrix products, uniroot() on the same crossing function; glm.fit() per theta for logit). R draws its own weights, so p-values and ends differ by Monte Carlo error.

| | effekt s | R s | R / effekt |
|---|---|---|---|
| **linear: design + fit + WCR p-value + 95% interval** | **$e_lin** ($e_fit + $e_wild) | $r_lin | $(ratio "$r_lin" "$e_lin") |
| logit: score bootstrap p-value (restricted fit + draws) | $g_p | $r_gp | $(ratio "$r_gp" "$g_p") |
| logit: p-value + 95% interval (a restricted fit per theta) | $g_ci | $r_gci | $(ratio "$r_gci" "$g_ci") |

Goal: the linear case under 2 s: **$e_lin s**. (The logit fit itself, not in the table: $g_fit s.)
Results: linear p = $e_p, interval [$e_lo, $e_hi] (R: p = $r_p, [$r_lo, $r_hi]); logit p = $g_pv, interval [$g_lo, $g_hi] (R: p = $r_gpv, [$r_glo, $r_ghi]).
Raw effekt linear runs (fit+bootstrap s): $raw.
MD
)
scripts/results-section "Wild cluster bootstrap" "$section"
printf '%s\n' "$section"
