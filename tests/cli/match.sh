# End-to-end tests of `effekt match`: lalonde against MatchIt's balance, outputs, bad input.
. "$(dirname "$0")/_lib.sh"
ref="$(cd "$(dirname "$0")/.." && pwd)/ref/match"
cov=age,educ,race,married,nodegree,re74,re75

run match --help; expect "match --help" 0 "--caliper-units"
run match --data "$ref/lalonde.csv" --treat treat; expect "missing --out" 1 "are required"
run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --out "$work/m.csv" --order biggest
expect "bad --order" 1 "--order takes largest"
run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --out "$work/m.csv" --order random --seed -1
expect "negative --seed" 1 "--seed takes a whole number"
run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --out "$work/m.csv" --order random --seed " -1"
expect "negative --seed after a space" 1 "--seed takes a whole number"
run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --out "$work/m.csv" --ratio 101
expect "--ratio above 100" 1 "from 1 to 100"

run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --score ps --out "$work/m.csv" \
    --balance "$work/b.csv" --love-plot "$work/love.svg" --lang en
expect "lalonde 1:1" 0 "matched             185        185"
check "matched rows: 370 with distance, weights, subclass" sh -c \
    "[ \$(wc -l < '$work/m.csv') -eq 371 ] && head -1 '$work/m.csv' | grep -q ',distance,weights,subclass$'"
check "balance as MatchIt's summary (age after matching)" python3 -c '
import csv, sys
ours = {(r["covariate"].replace("=", ""), r["sample"]): r for r in csv.DictReader(open(sys.argv[1]))}
for r in csv.DictReader(open(sys.argv[2])):
    o = ours[(r["var"], r["sample"])]
    for a, b in (("mean_treated", "mean_t"), ("mean_control", "mean_c"), ("smd", "smd"), ("ecdf_max", "ecdf_max")):
        assert abs(float(o[a]) - float(r[b])) <= 1e-9 * (1 + abs(float(r[b]))), (r["var"], a, o[a], r[b])
' "$work/b.csv" "$ref/lalonde_default.balance.csv"
check "love plot is well-formed SVG" python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag.endswith("svg") and len(root.findall(".//{http://www.w3.org/2000/svg}circle")) >= 20
' "$work/love.svg"

run match --data "$ref/lalonde.csv" --treat treat --covariates $cov --format json --replace --ratio 2 \
    --out "$work/pairs.csv"
check "json counts" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); c = d["counts"]
assert c["treated"] == 185 and c["matched_treated"] == 185 and d["balance"], c
' "$out"
check "pairs file with replacement" sh -c "head -1 '$work/pairs.csv' | grep -qx 'subclass,treated,control,control_weight'"

printf 'treat,x,p\n1,1,0.5\n0,2,0.1\n0,3,0.9\n1,4,0.6\n' > "$work/far.csv"
run match --data "$work/far.csv" --treat treat --score p --caliper 0.01 --caliper-units raw --out "$work/none.csv"
expect "caliper too tight: warning, exit 0" 0 "nothing is matched"

printf 'treat,x,k\n0,1,5\n0,2,5\n0,3,5\n' > "$work/nt.csv"
run match --data "$work/nt.csv" --treat treat --covariates x --out "$work/o.csv"
expect "no treated units" 2 "no treated rows"
printf 'treat,x,k\n0,1,5\n2,2,5\n1,3,5\n' > "$work/bad.csv"
run match --data "$work/bad.csv" --treat treat --covariates x --out "$work/o.csv"
expect "treatment not 0/1" 2 "must be 0 or 1"
printf 'treat,x,k\n0,1,5\n1,2,5\n1,3,5\n0,4,5\n' > "$work/const.csv"
run match --data "$work/const.csv" --treat treat --covariates x,k --out "$work/o.csv"
expect "constant covariate" 2 'covariate "k" is constant'
printf 'treat,x\n0,1\n0,2\n1,3\n1,4\n' > "$work/sep.csv"
run match --data "$work/sep.csv" --treat treat --covariates x --out "$work/o.csv"
expect "separation in the propensity model" 2 "separation"
check "failed runs leave no output" test ! -e "$work/o.csv"
check "failed runs leave no temp file" no_temp_files "$work"

# Rows are units: one person in two start cohorts is matched in each, and counted.
printf 'id,cohort,treat,p\nA,2014,1,0.5\nA,2015,1,0.5\nB,2014,0,0.5\nB,2015,0,0.5\nC,2014,0,0.4\nC,2015,0,0.4\n' > "$work/cohorts.csv"
run match --data "$work/cohorts.csv" --treat treat --score p --exact cohort --id id --out "$work/c.csv" --lang en
expect "persons matched in more than one stratum" 0 "2 persons matched in more than one stratum"
