# End-to-end tests of `effekt funding`: the seed's chapter 2 from the plans and estates that
# Synthetic Denmark writes (its totals exactly: n plans x 9.65 million DKK), the JSON keys
# INTERFACES.md names, and bad input named by file and row with exit code 2.
. "$(dirname "$0")/_lib.sh"

run funding --help; expect "funding --help" 0 "--plans FILE"
run funding --plans x.csv; expect "no --estates" 1 "--plans and --estates are required"
run funding --plans x.csv --estates y.csv --threshold 2; expect "a threshold outside [0, 1)" 1 "--threshold"

run simulate --out "$work/s" --plans 8 --scale 0.002 --seed 11
expect "a small world" 0
run funding --plans "$work/s/planer.csv" --estates "$work/s/afdelinger.csv" --format json
expect "funding on Synthetic Denmark" 0
printf '%s\n' "$out" > "$work/f.json"
check "the totals of 8 plans: 8 x 9.65 million DKK, 9.65 million a plan" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
assert f["plans"] == 8 and f["grant_total_dkk"] == 8 * 9.65e6 and f["grant_per_plan_dkk"] == 9.65e6, f
for k in ("estates", "residents", "grant_per_estate_dkk", "grant_per_resident_dkk", "below_cofinancing"):
    assert k in f, k' "$work/f.json"
check "estates and residents as afdelinger.csv has them under a plan" python3 -c '
import csv, json, sys
f = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["plan_id"]]
assert f["estates"] == len(rows) and f["residents"] == sum(int(r["residents"]) for r in rows), f
assert abs(f["grant_per_estate_dkk"] - f["grant_total_dkk"] / len(rows)) < 1e-6' "$work/f.json" "$work/s/afdelinger.csv"
check "no plan of Synthetic Denmark is below 25% co-financing" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
assert f["below_cofinancing"] == [] and all(p["cofin_share"] >= 0.25 for p in f["by_plan"]), f["below_cofinancing"]' "$work/f.json"
run funding --plans "$work/s/planer.csv" --estates "$work/s/afdelinger.csv"
expect "the text table in Danish" 0 "Gennemsnit pr. helhedsplan"

# bad input: the file and row are named, exit 2, nothing written
head -3 "$work/s/planer.csv" > "$work/p.csv"
sed '3s/,[0-9]*$/,-1/' "$work/p.csv" > "$work/neg.csv"
run funding --plans "$work/neg.csv" --estates "$work/s/afdelinger.csv" --out "$work/o.txt"
expect "a negative amount names its row" 2 "neg.csv:3:7: cofin_other_dkk: negative"
check "nothing written by a failed run" test ! -e "$work/o.txt"
run funding --plans "$work/p.csv" --estates "$work/s/afdelinger.csv"
expect "an estate whose plan is not in the plans table" 2 "is not in the plans table"
run funding --plans "$work/s/planer.csv" --estates "$work/none.csv"
expect "a missing file" 4 "none.csv"
