#!/bin/sh
# bench/match.sh [TREATED CONTROLS] - 1:1 propensity score matching without replacement with a
# 0.2-SD caliper, 6 covariates, the logit model included, against MatchIt, side by side.
# Reading the CSV is left out on both sides. Writes the section "Matching" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
T=${1:-20000}
C=${2:-1000000}
RUNS=${RUNS:-3}
mkdir -p bench/data build/bench
cc -O2 -o build/bench/gen_match bench/gen_match.c -lm
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/x86_64-linux-gnu/openblas-pthread \
    -o build/bench/match_run bench/match_run.c build/libeffekt.a \
    -lreadstat -ljansson -llapacke -lgsl -lopenblas -lpthread -lm
data=bench/data/match_${T}_${C}.csv
[ -f "$data" ] || build/bench/gen_match "$T" "$C" > "$data"
e=$(mktemp); r=$(mktemp)
trap 'rm -f "$e" "$r"' EXIT
Rscript bench/match_r.R "$data" > "$r"
i=0
while [ $i -lt "$RUNS" ]; do build/bench/match_run "$data" >> "$e"; i=$((i + 1)); done
e_s=$(sort -n -k2 "$e" | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
r_s=$(awk '{ print $1 }' "$r")
ratio=$(awk -v a="$r_s" -v b="$e_s" 'BEGIN { printf "%.1f", a / b }')
section=$(cat <<MD
## Matching (issue 6)

Command: \`bench/match.sh $T $C\` (effekt RUNS=$RUNS, median; MatchIt once), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).
Input: $T treated, $C controls, 6 covariates (bench/gen_match.c); logit propensity model, 1:1 nearest neighbour without replacement, caliper 0.2 SD. Reading the CSV is left out on both sides.

| | seconds | treated matched |
|---|---|---|
| effekt (model + matching) | $e_s | $(head -n 1 "$e" | awk '{ print $3 }') |
| MatchIt 4.5.1 matchit() | $r_s | $(awk '{ print $2 }' "$r") |
| **ratio MatchIt / effekt** | **$ratio** (goal: 50; and effekt under 2 s) | |

Where the matched counts differ, it is because MatchIt 4.5.1 as Debian builds it ignores the caliper (its C++ compares distances with the integer abs(); docs/matching.md).
MD
)
scripts/results-section "Matching" "$section"
printf '%s\n' "$section"
