#!/bin/sh
# validate/mc.sh N DGP EFFECTS [FIRST] - N replications of the in-memory Monte Carlo
# (validate/mc.c, build/effekt-mc: Synthetic Denmark at the seed's sizes, evaluated with
# validate/mc.ini) into validate/mc-DGP-EFFECTS.csv, then its tables (validate/mc_summary.py).
# With FIRST, replications FIRST..FIRST+N-1 are appended to the file (seeds 1000 + number).
# Not in CI. One replication takes about 10 s on one core; run two designs at once on two.
# EFFEKT_MC=PATH runs that binary (a frozen copy, so that rebuilding meanwhile changes nothing).
set -eu
cd "$(dirname "$0")/.."
N=${1:?replications}; DGP=${2:-realistic}; EFFECTS=${3:-seed}; FIRST=${4:-1}
out=validate/mc-$DGP-$EFFECTS.csv
bin=${EFFEKT_MC:-}
if [ -z "$bin" ]; then make -s build/effekt-mc; bin=build/effekt-mc; fi
"$bin" --dgp "$DGP" --effects "$EFFECTS" --reps "$N" --first "$FIRST" \
    --out "$out.part" 2> "validate/mc-$DGP-$EFFECTS.log"
if [ "$FIRST" -gt 1 ] && [ -f "$out" ]; then
    tail -n +2 "$out.part" >> "$out"
    rm "$out.part"
else
    mv "$out.part" "$out"
fi
python3 validate/mc_summary.py "$out" "$DGP" "$EFFECTS"
