#!/bin/sh
# validate/results.sh - the tables of validate/RESULTS.md from the four designs' CSVs
# (validate/mc-*.csv, made by validate/mc.sh; committed gzipped): prints markdown; the prose around it is
# written by hand from these numbers.
set -eu
cd "$(dirname "$0")/.."
for design in "realistic seed" "simple seed" "realistic zero" "realistic seed-with-pretrends"; do
    set -- $design
    for f in validate/mc-$1-$2.csv validate/mc-$1-$2.csv.gz; do
        if [ -f "$f" ]; then python3 validate/mc_summary.py "$f" "$1" "$2"; break; fi
    done
done
