# End-to-end tests of `effekt csdid`: R did's mpdta results as did prints them (README:
# ATT(g,t), the dynamic aggregation, the pre-test), the three output formats, the bands, and
# bad input named by file and line with exit code 2.
. "$(dirname "$0")/_lib.sh"

mpdta="$PWD/tests/ref/csdid/mpdta.csv"
base="--data $mpdta --y lemp --time year --id countyreal --group first.treat"

run csdid --help; expect "csdid --help" 0 "--base-period B"
run csdid --data x.csv; expect "missing columns" 1 "--data, --y, --time, --id and --group are required"
run csdid $base --method probit; expect "a bad --method" 1 "--method takes dr, reg or ipw"
run csdid $base --control sometimes; expect "a bad --control" 1 "--control takes never or notyet"
run csdid $base --reps -3; expect "a bad --reps" 1 "--reps takes a whole number"

run csdid $base --method reg --format json --reps 999 --seed 7
expect "mpdta, outcome regression" 0
printf '%s\n' "$out" > "$work/m.json"
check "did's ATT(g,t), dynamic effects, overall and pre-test to the printed digits" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
att = {(a["group"], a["time"]): a["att"] for a in r["att_gt"]}
pub = {(2004, 2004): -0.0105, (2004, 2005): -0.0704, (2004, 2006): -0.1373, (2004, 2007): -0.1008,
       (2006, 2004): 0.0065, (2006, 2005): -0.0028, (2006, 2006): -0.0046, (2006, 2007): -0.0412,
       (2007, 2004): 0.0305, (2007, 2005): -0.0027, (2007, 2006): -0.0311, (2007, 2007): -0.0261}
assert len(att) == 12 and all(round(att[k], 4) == v for k, v in pub.items()), att
dyn = [round(a["estimate"], 4) for a in r["aggregate"]]
assert dyn == [0.0305, -0.0006, -0.0245, -0.0199, -0.0510, -0.1373, -0.1008], dyn
assert [a["event_time"] for a in r["aggregate"]] == [-3, -2, -1, 0, 1, 2, 3]
assert round(r["overall"]["estimate"], 4) == -0.0772
assert abs(r["overall"]["std_error"] / 0.0219 - 1) < 0.10
assert round(r["pretest_p"], 5) == 0.16812
for a in r["aggregate"]:
    assert a["band_low"] < a["ci_low"] < a["estimate"] < a["ci_high"] < a["band_high"], a' "$work/m.json"

run csdid $base --aggregate group --format csv --reps 0
expect "group aggregation as CSV" 0 "kind,group,time,event_time,estimate,std_error"
check "group overall -0.031 and no bands without draws" python3 -c '
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(sys.argv[1])))
o = [r for r in rows if r["kind"] == "overall"][0]
assert round(float(o["estimate"]), 3) == -0.031 and o["band_low"] == "", o
assert len([r for r in rows if r["kind"] == "att_gt"]) == 12' "$out"

run csdid $base --x lpop --format text
expect "doubly robust with a covariate (did: dynamic overall -0.0803539498)" 0 "overall   -0.0803539"

# bad input: a unit whose cohort changes is named by its line; no never-treated units
printf 'id,year,g,y\n1,2001,2002,1\n1,2002,2002,2\n1,2003,2003,2\n2,2001,0,1\n2,2002,0,1\n2,2003,0,1\n' > "$work/changes.csv"
run csdid --data "$work/changes.csv" --y y --time year --id id --group g
expect "a cohort changing within a unit" 2 "changes.csv:4: the unit's cohort changes over time"
printf 'id,year,g,y\n1,2001,2002,1\n1,2002,2002,2\n2,2001,2003,1\n2,2002,2003,1\n2,2003,2003,3\n1,2003,2002,2\n' > "$work/nonever.csv"
run csdid --data "$work/nonever.csv" --y y --time year --id id --group g
expect "no never-treated units" 2 "no never-treated units"
run csdid --data "$work/nonever.csv" --y y --time year --id id --group g --control notyet
expect "not-yet-treated controls instead" 0
printf 'id,year,g,y\n1,2001,2002,1\n1,2002,2002,2\n2,2001,2002,1\n3,2001,0,1\n3,2002,0,2\n' > "$work/holes.csv"
run csdid --data "$work/holes.csv" --y y --time year --id id --group g
expect "an unbalanced panel: a warning with the count" 0 "1 units not observed in every period were dropped"
run csdid --data "$work/nope.csv" --y y --time year --id id --group g
expect "a missing file" 4 "nope.csv"
run csdid $base --out "$work/out.json" --format json
expect "--out writes the file" 0
check "the file is JSON, no temp files left" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/out.json"
check "no temp files" no_temp_files "$work"
echo "1..$n"
