#!/bin/sh
# tests/ref/run/make_refs.sh - remakes the references of tests/cli/run.sh: the small
# Synthetic Denmark of that test, effekt run with microdata = yes, the exported leisure-job
# panel copied here, and R's fit of it (make_refs.R). Run from the project root after
# `make`. Needs R with sandwich (scripts/install-deps --bench).
set -eu
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
build/effekt simulate --out "$w/s" --plans 8 --scale 0.01 --participants-scale 3 --seed 7 >/dev/null
sed 's/^min_n = 50/min_n = 20/; s/^reuse_across_cohorts = yes/reuse_across_cohorts = yes\nmicrodata = yes/' \
    examples/lbf-2011-14.ini > "$w/micro.ini"
build/effekt run "$w/micro.ini" --data-dir "$w/s" --out "$w/o" >/dev/null 2>&1
cp "$w/o/fritidsjob/microdata_matched_panel.csv" tests/ref/run/panel_fritidsjob.csv
Rscript tests/ref/run/make_refs.R
