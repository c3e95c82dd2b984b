#!/bin/sh
# validate/mc.sh N DGP EFFECTS [CONFIG] - Monte Carlo of the evaluation on Synthetic Denmark
# through files: N replications (seeds 1000+1 .. 1000+N) of `effekt simulate --dgp DGP
# --effects EFFECTS` at the seed's sizes (participants x 1; 5% of the rest, 25% of the other
# social housing as the control pool), each evaluated with CONFIG (default
# tests/data/run/recovery.ini), the estimates collected in validate/mc-DGP-EFFECTS.csv and
# summarised by validate/mc_summary.py (coverage of the 90% intervals per cell, the
# pre-trend test's rejections at 10%, bias with its Monte Carlo SE, fits not estimated).
# Not in CI. Slow: about 30 s a replication on 2 cores (issue 9 asks for an in-memory
# replication mode, not built yet).
set -eu
cd "$(dirname "$0")/.."
N=${1:?replications}; DGP=${2:-realistic}; EFFECTS=${3:-seed}
CONFIG=${4:-tests/data/run/recovery.ini}
out=validate/mc-$DGP-$EFFECTS.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "rep,intervention,subgroup,event_time,estimate,std_error,att_pp,att_pp_se,truth_log_odds,truth_att_pp,pretrend_p,estimated" > "$out.tmp"
rep=1
while [ "$rep" -le "$N" ]; do
    rm -rf "$work/s" "$work/o"
    build/effekt simulate --seed $((1000 + rep)) --dgp "$DGP" --effects "$EFFECTS" \
        --almen-scale 0.25 --out "$work/s" > /dev/null
    if build/effekt run "$CONFIG" --data-dir "$work/s" --out "$work/o" > /dev/null 2>"$work/err"; then
        python3 validate/mc_collect.py "$rep" "$work/s/truth.csv" "$work/o/results.json" >> "$out.tmp"
    else
        echo "$rep,run failed,,,,,,,,,,0" >> "$out.tmp"
    fi
    rep=$((rep + 1))
done
mv "$out.tmp" "$out"
python3 validate/mc_summary.py "$out" "$DGP" "$EFFECTS" "$N"
