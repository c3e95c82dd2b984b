# End-to-end tests of `effekt survey`: Synthetic Denmark's survey file reproduces the seed's
# Table 5.1 (its rows: 103, 57, 124, 82; seed-notes 6) and Tables 5.2-5.3 within sampling
# error, the files and charts are written, a small theme is hidden, and bad input is named by
# file, row and column with exit code 2.
. "$(dirname "$0")/_lib.sh"

items=cross_sector_collab,roles_responsibilities,holistic_collab,outreach_collab,knowledge_needs,new_perspectives,other_disciplines,new_methods
run survey --help; expect "survey --help" 0 "--dont-know MODE"
run survey --data x.csv --theme tema; expect "no --items" 1 "--data, --theme, --items and --out are required"
run survey --data x.csv --theme tema --items a --out "$work/x" --dont-know maybe
expect "a bad --dont-know" 1 "--dont-know takes exclude or include"

run simulate --out "$work/s" --plans 2 --scale 0.001 --seed 5
expect "a small world (the survey is whole)" 0
run survey --data "$work/s/survey.csv" --theme tema --items "$items" --out "$work/o" --format json
expect "survey on Synthetic Denmark" 0
printf '%s\n' "$out" > "$work/s.json"
check "Table 5.1: the seed's rows" python3 -c '
import json, sys
r = {x["theme"]: x["respondents"] for x in json.load(open(sys.argv[1]))["responses"]}
assert r == {"skolegang_uddannelse": 103, "beskaeftigelse": 57,
             "foraeldrekompetencer_boerns_trivsel": 124, "kriminalitetsforebyggelse": 82}, r' "$work/s.json"
check "Tables 5.2-5.3 within sampling error (4 binomial SEs) of the seed's" python3 -c '
import csv, json, math, sys
seed = {(r["subgroup"], r["group"]): float(r["value"]) / 100 for r in csv.DictReader(open(sys.argv[2]))
        if r["indicator"] == "survey_high_share" and r["source"].startswith("Tabel 5.")}
cells = json.load(open(sys.argv[1]))["items"]
assert len(seed) == 32 and len(cells) == 32
for c in cells:
    p = seed[(c["item"], c["theme"])]
    se = math.sqrt(p * (1 - p) / c["n"])
    assert abs(c["share_high"] - p) <= 4 * se, (c, p)
    assert c["ci_low"] <= c["share_high"] <= c["ci_high"]' "$work/s.json" "$PWD/data/seed-figures-survey.csv"
check "writes responses.csv and items.csv" test -s "$work/o/responses.csv" -a -s "$work/o/items.csv"
check "a stacked bar chart per item, well-formed" python3 -c 'import sys, glob, xml.dom.minidom as m
files = glob.glob(sys.argv[1] + "/survey_*.svg"); assert len(files) == 8
[m.parse(f) for f in files]' "$work/o/figures"

# a theme below the threshold is hidden, and the total that would give it away
head -13 "$work/s/survey.csv" > "$work/small.csv"
tail -2 "$work/s/survey.csv" >> "$work/small.csv"
run survey --data "$work/small.csv" --theme tema --items "$items" --out "$work/o2"
expect "a small theme" 0
check "the small theme and the total are not written" sh -c "! grep -q kriminalitet '$work/o2/responses.csv' && ! grep -q '^total' '$work/o2/responses.csv' && ! grep -q kriminalitet '$work/o2/items.csv'"

# bad input
sed '3s/,i høj grad,/,måske,/' "$work/s/survey.csv" > "$work/bad.csv"
run survey --data "$work/bad.csv" --theme tema --items "$items" --out "$work/o3"
expect "an answer not on the scale names its row" 2 "bad.csv:3:"
run survey --data "$work/s/survey.csv" --theme tema --items "$items" --out "$work/o3" --themes skolegang_uddannelse,beskaeftigelse,foraeldrekompetencer_boerns_trivsel,kriminalitetsforebyggelse,sport
expect "a theme with no respondents" 2 "theme 'sport' has no respondents"
