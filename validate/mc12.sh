#!/bin/sh
# validate/mc12.sh N - issue 12's Monte Carlo: N replications of validate/mc12.ini (the seed's
# design on the registers 2011-2018: unbalanced windows) in two designs at once, one per core:
#   cohort   simple DGP (no person effects, so the planted log odds are the logit's target),
#            cohort-specific planted effects (validate/effects-cohort.csv: larger for 2014
#            than for 2017): the bias of the pooled model, Callaway-Sant'Anna and the naive
#            TWFE event study, each against its own target;
#   zero     nothing planted, area x year shocks (realistic DGP): the coverage of the wild
#            cluster bootstrap's 90% intervals (by plan) beside the sandwich's (by plan);
# and, in both, the identity of the pooled linear event study and the stacked
# Callaway-Sant'Anna aggregate (boern_unge__identity). Writes validate/mc12-DESIGN.csv.gz
# and prints the tables (validate/mc12_summary.py). Not in CI: about 9 s per replication.
set -eu
cd "$(dirname "$0")/.."
N=${1:?replications}
make -s build/effekt-mc
bin=build/effekt-mc.mc12
cp build/effekt-mc "$bin" # a frozen copy: rebuilding meanwhile changes nothing
"$bin" --config validate/mc12.ini --dgp simple --effects file:validate/effects-cohort.csv \
    --reps "$N" --out validate/mc12-cohort.csv 2> validate/mc12-cohort.log &
"$bin" --config validate/mc12.ini --dgp realistic --effects zero \
    --reps "$N" --out validate/mc12-zero.csv 2> validate/mc12-zero.log &
wait
rm -f "$bin"
gzip -f validate/mc12-cohort.csv validate/mc12-zero.csv
python3 validate/mc12_summary.py validate/mc12-cohort.csv.gz validate/mc12-zero.csv.gz
