# End-to-end tests of `effekt simulate`: usage, exit codes, a bad effects file named with its
# line and column, the calibration report, a file per register and year.
. "$(dirname "$0")/_lib.sh"

run simulate --help; expect "simulate --help" 0 "--participants-scale"
run simulate; expect "missing --out" 1 "--out DIR is required"
run simulate --out "$work/s" --scale 0; expect "--scale 0" 2 "--scale must be in (0, 1]"
run simulate --out "$work/s" --scale abc; expect "--scale not a number" 1 "--scale takes a number"
run simulate --out "$work/s" --dgp fancy; expect "bad --dgp" 1 "--dgp takes realistic or simple"
run simulate --out "$work/s" --format xlsx; expect "bad --format" 1 "--format takes csv, sas or dta"
run simulate --out "$work/s" --seed -3; expect "negative --seed" 1 "--seed takes a whole number"
run simulate --out "$work/s" --almen-scale 2; expect "--almen-scale above 1" 2 "--almen-scale must be in (0, 1]"
run simulate --out "$work/s" --check "$work/s"; expect "--check with --out" 1 "do not go together"

printf 'intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp\nfritidsjob,fritidsjob,all,all,5,1,\n' > "$work/fx.csv"
run simulate --out "$work/never" --plans 2 --scale 0.002 --effects "$work/fx.csv"
expect "effects file: event time outside the window" 2 "fx.csv:2:5: event time 5 is outside"
check "nothing written for a bad effects file" test ! -e "$work/never"

run simulate --out "$work/s" --plans 2 --scale 0.002 --seed 5
expect "small world" 0 "wrote 98 files"
check "a file per register and year" sh -c "for r in bef udda bfl fravaer ras ind krim; do for y in 2008 2014 2020; do [ -s '$work/s/'\$r\$y.csv ] || exit 1; done; done"
check "no temporary files left" no_temp_files "$work/s"
check "truth.csv has INTERFACES.md's header" sh -c "head -1 '$work/s/truth.csv' | grep -qx 'intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp'"
check "every PNR is 10 digits starting 4-9" sh -c "! tail -n +2 '$work/s/bef2015.csv' | cut -d, -f1 | grep -qvE '^[4-9][0-9]{9}\$'"
run simulate --check "$work/s"; expect "calibration report" 0 "0 of 121 figures outside their allowance"
run describe "$work/s/krim2016.csv"; expect "describe reads a register" 0 "GERNINGSDATO"

# a report that fails: a register made unsorted by hand
{ head -1 "$work/s/bef2011.csv"; tail -n +2 "$work/s/bef2011.csv" | sort -r; } > "$work/s/bef2011.tmp"
mv "$work/s/bef2011.tmp" "$work/s/bef2011.csv"
run simulate --check "$work/s"; expect "an unsorted register is named" 2 "bef2011.csv:3:1: the file is not sorted by PNR"
run simulate --check "$work/nowhere"; expect "--check of a missing directory" 4 "omraader.csv"
