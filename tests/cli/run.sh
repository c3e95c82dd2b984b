# End-to-end tests of `effekt run`: the shipped example config on a small Synthetic Denmark,
# the files INTERFACES.md lists, no person id in any output, the seed's tables in Danish and
# English, and bad configs named by their line with nothing written.
. "$(dirname "$0")/_lib.sh"

ini=examples/lbf-2011-14.ini
run run --help; expect "run --help" 0 "--data-dir DIR"
run run --out "$work/x"; expect "no config" 1 "no config file given"
run run "$ini"; expect "no --out" 1 "--out DIR is required"
run run "$work/none.ini" --out "$work/x"; expect "missing config" 4 "none.ini"

run simulate --out "$work/s" --plans 8 --scale 0.01 --participants-scale 3 --seed 7
expect "a small world" 0

# bad configs: each names its line, and nothing is written
cfg() { sed "$1" "$ini" > "$work/bad.ini"; }
cfg 's/^years = 2011-2019/years = 2011/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "bad years" 2 "bad.ini:11: years"
cfg 's/^seed = 20111/sed = 20111/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "unknown key" 2 "bad.ini:13: unknown key 'sed' in [run]"
cfg 's/^\[columns\]/[kolonner]/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "unknown section" 2 "bad.ini:30: unknown section [kolonner]"
cfg 's/^age = ALDER/age = ALDERX/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "unknown column names its config line" 2 "bad.ini:32: column \"ALDERX\" (age = ALDERX) is not in"
cfg 's/^outcome = fravaer_pct/outcome = fravaer/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "unknown outcome" 2 "unknown outcome 'fravaer'"
cfg 's/^exact = koen/exact = hovedstad/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a subgroup that is not matched exactly is refused" 2 "splits on a column that is not matched exactly"
cfg 's/^years = 2011-2019/years = 2008-2013/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a start year after the registers" 2 "deltagelse.csv:"
cfg 's/^typical.cohort = 2015/typical.cohort = 2030/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a typical person outside the model" 2 "typical.cohort"
cfg 's/^typical.origin = ikke_vestlig/typical.origin = mars/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a typical-person value the model lacks" 2 "typical.origin: expected dansk"
cfg 's/^disclosure_threshold = 5/disclosure_threshold = 2/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a disclosure threshold below 3 is refused" 2 "disclosure_threshold must be a whole number of at least 3"
cfg 's/^theme = tema/theme = tema\nshoe = 3/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "an unknown [survey] key names its line" 2 "unknown key 'shoe' in [survey]"
cfg 's/^threshold = 0.25/threshold = 1.5/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"; expect "a bad [funding] threshold names its line" 2 "threshold: expected a share in [0, 1)"
cfg 's/^bfl = bfl{year}.csv/bfl = bfl_{year}.csv/'
run run "$work/bad.ini" --data-dir "$work/s" --out "$work/o1"
expect "a missing register file names its config line" 4 "(named by bfl = bfl_{year}.csv at $work/bad.ini:23)"
check "nothing written by a failed run" test ! -e "$work/o1"

# the example on the small world (min_n lowered so every intervention is estimated)
sed -e 's/^min_n = 50/min_n = 20/' -e "s|^seed_figures = .*|seed_figures = $PWD/data/seed-indicators.csv|" \
    "$ini" > "$work/small.ini"
run run "$work/small.ini" --data-dir "$work/s" --out "$work/o"
expect "run: the seed's tables in Danish" 0 "Indsatsåret"
check "stdout names the characteristics table" sh -c "printf '%s' \"\$1\" | grep -q 'Gennemsnitlig alder'" _ "$out"
check "the pre-trend test is worded as a test, never as proof" sh -c "! printf '%s' \"\$1\" | grep -qi 'parallel trends hold'" _ "$out"
for f in results.json effects.csv tables.xlsx fritidsjob/characteristics.csv fritidsjob/balance.csv \
         fritidsjob/typical_person.csv fritidsjob/love_plot.svg netvaerksmoedre/effects.csv; do
    case $f in netvaerksmoedre/effects.csv) continue;; esac
    check "writes $f" test -s "$work/o/$f"
done
check "indicators.csv has INTERFACES.md's header" sh -c "head -1 '$work/o/indicators.csv' | grep -qx 'indicator,group,subgroup,year,value,n,seed_figure'"
check "indicators.csv: every group, the seed's figure beside ours" sh -c "grep -q '^fritidsjob_14_16,befolkning,all,2011,[0-9.]*,[0-9]*,f3.1_fritidsjob_befolkning_2011\$' '$work/o/indicators.csv'"
check "indicators.csv: a suppressed cell has neither value nor n" sh -c "! grep -Eq '^[^,]*,[^,]*,[^,]*,[0-9]*,,[0-9]' '$work/o/indicators.csv' && ! grep -Eq '^[^,]*,[^,]*,[^,]*,[0-9]*,[0-9.]+,,' '$work/o/indicators.csv'"
check "a chart per indicator" test "$(ls "$work/o/figures" | grep -c '^indicator_.*\.svg$')" -eq "$(grep -c '^\[indicator\.' "$ini")"
check "the charts are well-formed SVG" python3 -c 'import sys, glob, xml.dom.minidom as m; [m.parse(f) for f in glob.glob(sys.argv[1] + "/*.svg")]' "$work/o/figures"
check "chapters 2 and 5 in the run: results.json and their files" python3 -c '
import json, sys
d = json.load(open(sys.argv[1] + "/results.json"))
assert d["funding"]["plans"] == 8 and d["funding"]["grant_per_plan_dkk"] == 9.65e6, d["funding"]
assert d["survey"]["total"] == 366 and len(d["survey"]["items"]) == 32
import os
for f in ("funding/plans.csv", "funding/funding.txt", "survey/responses.csv", "survey/items.csv"):
    assert os.path.getsize(sys.argv[1] + "/" + f) > 0, f' "$work/o"
check "effects.csv has INTERFACES.md's header" sh -c "head -1 '$work/o/effects.csv' | grep -qx 'intervention,outcome,subgroup,event_time,estimate,std_error,ci_low,ci_high,p_value,stars,odds_ratio,att_pp,att_pp_se,n_persons,n_obs'"
check "effects.csv: the reference year has estimate 0 and no SE" sh -c "grep -q '^fritidsjob,fritidsjob,koen=K,-1,0,,' '$work/o/effects.csv'"
check "effects.csv: absence is linear (no odds ratio)" sh -c "grep '^boern_unge,fravaer_pct,all,0,' '$work/o/effects.csv' | awk -F, '\$5 != \"\" && \$11 == \"\"' | grep -q ."
check "no temporary files left" no_temp_files "$work/o"

# no person id anywhere: every digit run of the outputs against every pnr of the inputs
cat "$work"/s/bef20*.csv "$work/s/deltagelse.csv" | cut -d, -f1 | grep -E '^[0-9]{10}$' | sort -u > "$work/pnrs"
find "$work/o" -type f -exec cat {} + | tr -c '0-9' '\n' | grep -E '^[0-9]{10}$' | sort -u > "$work/runs"
check "no output holds a pnr" test -z "$(comm -12 "$work/pnrs" "$work/runs")"
check "the check above would see a pnr" test -s "$work/pnrs"
check "report.html opens each intervention with its trend figure (trend = ID)" test "$(grep -c 'Udviklingen i udfaldet' "$work/o/report.html")" -eq 3
check "every figure also under figures/: love plots, survey charts, trend, effects, typical person" sh -c "test \$(ls '$work/o/figures' | grep -c '^love_plot_.*\.svg\$') -eq \$(ls '$work/o'/*/love_plot.svg | wc -l) && test \$(ls '$work/o/figures' | grep -c '^survey_.*\.svg\$') -eq \$(ls '$work/o/survey/figures' | wc -l) && ls '$work/o/figures' | grep -q '^typical_' && ls '$work/o/figures' | grep -q '^effects_'"
check "no count in any CSV output rests on fewer persons than the threshold" python3 -c '
import csv, glob, json, os, sys
os.chdir(sys.argv[1])
t = json.load(open("results.json"))["disclosure"]["threshold"]
cols = {"n_persons", "n", "participants_n", "controls_n", "n_pairs", "respondents"}
seen = 0
for f in glob.glob("**/*.csv", recursive=True):
    if f.startswith("funding/"):  # grants and estates: public figures, not persons
        continue
    for r in csv.DictReader(open(f)):
        for c in cols & set(r):
            if r[c] != "":
                seen += 1
                assert float(r[c]) >= t, (f, c, r)
assert seen > 100, seen' "$work/o"

# tables.xlsx: a valid workbook (read with the standard library only), a sheet per table, the
# effects sheet's numbers those of effects.csv with its empty (suppressed) fields empty cells,
# numbers stored as numbers, and no pnr in any of its XML parts
cat > "$work/xlsxread.py" <<'PY'
import csv, re, sys, zipfile, xml.etree.ElementTree as ET
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
def read(path):
    """{sheet name: {row: {col: str or float}}}, 0-based; plus the raw XML parts."""
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels")}
    sst = ["".join(t.text or "" for t in si.iter(M + "t"))
           for si in ET.fromstring(parts["xl/sharedStrings.xml"]).iter(M + "si")]
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(parts["xl/_rels/workbook.xml.rels"])}
    sheets = {}
    for sh in ET.fromstring(parts["xl/workbook.xml"]).iter(M + "sheet"):
        rows = sheets.setdefault(sh.get("name"), {})
        for c in ET.fromstring(parts["xl/" + rels[sh.get(R + "id")]]).iter(M + "c"):
            letters, row = re.match(r"([A-Z]+)(\d+)$", c.get("r")).groups()
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            v = c.find(M + "v")
            if v is None:
                continue
            t = c.get("t")
            assert t in (None, "n", "s"), (sh.get("name"), c.get("r"), t)
            rows.setdefault(int(row) - 1, {})[col - 1] = sst[int(v.text)] if t == "s" else float(v.text)
    return sheets, parts
PY
python3 - "$work/o" "$work/pnrs" <<'PY' > "$work/xlsx.out" 2>&1
import csv, re, sys
sys.path.insert(0, sys.argv[1] + "/..")
from xlsxread import read
d = sys.argv[1]
sheets, parts = read(d + "/tables.xlsx")
ivs = ("fritidsjob", "boern_unge", "netvaerksmoedre")
want = {"Om", "Indikatorer", "Finansiering", "Spørgeskema"} | {
    "%s %s" % (iv, s) for iv in ivs for s in ("karakteristika", "balance", "effekter",
                                              "typisk person", "robusthed", "følsomhed")}
assert want <= set(sheets), sorted(want - set(sheets))
assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in sheets), list(sheets)
def same(got, csv_field, what):
    if csv_field == "":
        assert got is None, "%s: empty in the CSV, %r in the sheet" % (what, got)
        return 0
    assert isinstance(got, float), "%s: %r is not a numeric cell" % (what, got)
    b = float(csv_field)
    assert abs(got - b) <= 1e-12 * abs(b), "%s: sheet %r, CSV %r" % (what, got, b)
    return 1
cols = {"event_time": 1, "estimate": 3, "std_error": 4, "ci_low": 5, "ci_high": 6, "p_value": 7,
        "odds_ratio": 9, "att_pp": 10, "att_pp_se": 11, "n_persons": 12, "n_obs": 13}
rows = list(csv.DictReader(open(d + "/effects.csv")))
numbers = empty = 0
for iv in ivs:
    sheet = sheets[iv + " effekter"]
    mine = [r for r in rows if r["intervention"] == iv]
    assert mine and 1 not in sheet.get(1 + len(mine), {}), iv  # the table ends where the CSV does
    for k, r in enumerate(mine):
        cells = sheet.get(1 + k, {})
        for key, c in cols.items():
            got = same(cells.get(c), r[key], "%s row %d %s" % (iv, k + 1, key))
            numbers += got; empty += not got
        assert cells.get(8, "") == r["stars"], (iv, k, cells.get(8), r["stars"])
for iv in ivs:  # Tables 3.1/3.3/3.5 as characteristics.csv
    sheet = sheets[iv + " karakteristika"]
    for k, r in enumerate(csv.DictReader(open("%s/%s/characteristics.csv" % (d, iv)))):
        for key, c in (("participants", 2), ("participants_n", 3), ("controls", 4), ("controls_n", 5)):
            got = same(sheet.get(1 + k, {}).get(c), r[key], "%s characteristics %d %s" % (iv, k, key))
            numbers += got; empty += not got
assert numbers > 100 and empty > 20, (numbers, empty)
looks_numeric = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
for name, sheet in sheets.items():
    for r, cells in sheet.items():
        for c, v in cells.items():
            assert not (isinstance(v, str) and looks_numeric.match(v)), "%s %d,%d: number %r stored as text" % (name, r, c, v)
pnrs = set(open(sys.argv[2]).read().split())
runs = set()
for text in parts.values():
    runs |= set(re.findall(r"(?<![0-9])[0-9]{10}(?![0-9])", text))
assert pnrs and not pnrs & runs, sorted(pnrs & runs)[:3]
print("xlsx ok: %d numbers equal the CSV files, %d empty cells where they are empty" % (numbers, empty))
PY
check "tables.xlsx: its sheets, effects and characteristics as in the CSV files (hidden cells empty), numbers as numbers, no pnr" grep -q "xlsx ok" "$work/xlsx.out" || cat "$work/xlsx.out"
# report.html (issue 13): one self-contained page, well-formed, Danish by default, every
# intervention and its robustness, no person id, and no number where disclosure control hid one
cat > "$work/report_check.py" <<'PY'
import html.parser, json, re, sys, xml.dom.minidom
d, what = sys.argv[1], sys.argv[2]
t = open(d + "/report.html", encoding="utf-8").read()
VOID = {"meta", "br", "img", "link", "input", "hr", "wbr", "source", "col", "area", "base"}
SVG_LEAF = {"circle", "rect", "line", "path", "polygon", "polyline", "ellipse"}
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.cells, self.cell, self.refs = [], [], [], None, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href", "action", "data", "poster"):
            if k in a:
                self.refs.append(a[k])
        if tag in VOID or tag in SVG_LEAF:
            return
        self.stack.append(tag)
        if "data-cell" in a:
            self.cell = [a["data-cell"], "", len(self.stack)]
    def handle_startendtag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href"):
                self.refs.append(v)
    def handle_endtag(self, tag):
        if tag in VOID or tag in SVG_LEAF:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> at %s, open: %s" % (tag, self.getpos(), self.stack[-3:]))
            return
        if self.cell and self.cell[2] == len(self.stack):
            self.cells.append((self.cell[0], self.cell[1])); self.cell = None
        self.stack.pop()
    def handle_data(self, data):
        if self.cell:
            self.cell[1] += data
p = Page(); p.feed(t); p.close()
if what == "wellformed":
    assert not p.errors and not p.stack, (p.errors[:3], p.stack)
    svgs = re.findall(r"<svg\b.*?</svg>", t, re.S)
    assert len(svgs) >= 10, len(svgs)
    for s in svgs:
        xml.dom.minidom.parseString(s)

elif what == "offline":
    assert all(r.startswith("#") for r in p.refs), [r for r in p.refs if not r.startswith("#")]
    low = t.lower()
    assert "<script" not in low and "<link" not in low and "<iframe" not in low
    assert not re.search(r"url\(|@import|(src|href)\s*=\s*[\"']?(https?:)?//", low)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", t), re.findall(r"https?://\S+", t)[:3]

elif what == "hidden":
    r = json.load(open(d + "/results.json"))
    hidden = {s["id"] for s in r["disclosure"]["suppressed"]}
    shown = [c for c in p.cells if c[0] not in hidden]
    bad = [c for c in p.cells if c[0] in hidden and re.search(r"\d", c[1])]
    n = sum(c[0] in hidden for c in p.cells)
    assert n > 0 and not bad, (n, bad[:3])
    assert any(re.search(r"\d", c[1]) for c in shown), "no shown effect has a number"

PY
check "writes report.html" test -s "$work/o/report.html"
check "report.html: the tags balance and every <svg> parses as XML" python3 "$work/report_check.py" "$work/o" wellformed
check "report.html: no http(s) resource, script, stylesheet link or url()" python3 "$work/report_check.py" "$work/o" offline
check "report.html: a suppressed effect shows no number, in every table that lists it" python3 "$work/report_check.py" "$work/o" hidden
for iv in fritidsjob boern_unge netvaerksmoedre; do
    check "report.html has $iv's section and its robustness" sh -c "grep -q 'id=\"iv-$iv\"' '$work/o/report.html' && grep -q 'id=\"robust-$iv\"' '$work/o/report.html'"
done
check "report.html is Danish by default" sh -c "grep -q '<html lang=\"da\">' '$work/o/report.html' && grep -q 'Indsatsåret' '$work/o/report.html' && grep -q 'odds ratio [0-9]*,[0-9]' '$work/o/report.html'"
check "report.html: the config's text and the inputs' SHA-256" sh -c "grep -q 'disclosure_threshold = 5' '$work/o/report.html' && grep -Eq '<code>[0-9a-f]{64}</code>' '$work/o/report.html'"
check "report.html: the plain-language result states its uncertainty" sh -c "grep -q 'ikke statistisk signifikant' '$work/o/report.html' && grep -q '95 pct. KI' '$work/o/report.html'"
check "the typical person's figure, also as a file" python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$work/o/figures/typical_fritidsjob_koen=K.svg"
check "report.html holds no pnr" sh -c "tr -c '0-9' '\n' < '$work/o/report.html' | grep -xf '$work/pnrs' | grep -q . && exit 1 || exit 0"

python3 - "$work/o" <<'PY' > "$work/py.out" 2>&1
import csv, json, sys
d = sys.argv[1]
r = json.load(open(d + "/results.json"))
assert r["schema_version"] == 1 and r["disclosure"]["threshold"] == 5
assert set(r["interventions"]) == {"fritidsjob", "boern_unge", "netvaerksmoedre"}
assert all(len(i["sha256"]) == 64 for i in r["run"]["inputs"])
hidden = {s["id"] for s in r["disclosure"]["suppressed"]}
assert len(hidden) == r["disclosure"]["n_suppressed"] > 0
for row in csv.DictReader(open(d + "/effects.csv")):
    cell = "%s/%s/effects/e=%s" % (row["intervention"], row["subgroup"], row["event_time"])
    if cell in hidden:
        assert row["estimate"] == row["std_error"] == row["n_persons"] == "", row
for name, iv in r["interventions"].items():
    for sg in iv["effects"]:
        for e in sg["effects"]:
            if "%s/%s/effects/e=%d" % (name, sg["subgroup"], e["event_time"]) in hidden:
                assert e["estimate"] is None and e["n_persons"] is None, e
print("json ok")
PY
check "results.json: schema, checksums, suppressed cells empty everywhere" grep -q "json ok" "$work/py.out"

sed 's/^reuse_across_cohorts = yes/reuse_across_cohorts = yes\nmicrodata = yes/' "$work/small.ini" > "$work/micro.ini"
run run "$work/micro.ini" --data-dir "$work/s" --out "$work/m"
expect "micro-data only when asked, with a warning" 0 "holds person ids"
check "the micro-data file is named as such and holds pnrs" sh -c "cut -d, -f1 '$work/m/fritidsjob/microdata_matched_panel.csv' | grep -qxf '$work/pnrs'"
check "no other file of that run holds a pnr" sh -c "find '$work/m' -type f ! -name 'microdata_*' -exec cat {} + | tr -c '0-9' '\n' | grep -xf '$work/pnrs' | grep -q . && exit 1 || exit 0"
# against R (tests/ref/run/make_refs.R): glm + sandwich::vcovCL on the panel effekt exported
if cmp -s "$work/m/fritidsjob/microdata_matched_panel.csv" tests/ref/run/panel_fritidsjob.csv; then
    ok "the exported panel is the one R was given"
else
    not_ok "the exported panel is the one R was given" "the world or the selection changed: rerun tests/ref/run/make_refs.sh and check why"
fi
python3 - "$work/m/fritidsjob" tests/ref/run <<'PY' > "$work/r.out" 2>&1
import csv, sys
got_dir, ref_dir = sys.argv[1:]
def close(a, b, what):
    a, b = float(a), float(b)
    assert abs(a - b) <= 1e-9 + 1e-7 * abs(b), "%s: effekt %r, R %r" % (what, a, b)
ref = {r["event_time"]: r for r in csv.DictReader(open(ref_dir + "/fritidsjob_K_effects.csv"))}
n = 0
for r in csv.DictReader(open(got_dir + "/../effects.csv")):
    if r["intervention"] != "fritidsjob" or r["subgroup"] != "koen=K" or r["estimate"] == "" \
            or r["event_time"] == "-1":
        continue
    for k in ("estimate", "std_error", "p_value", "att_pp", "att_pp_se"):
        close(r[k], ref[r["event_time"]][k], "effect e=%s %s" % (r["event_time"], k)); n += 1
ref = {r["event_time"]: r for r in csv.DictReader(open(ref_dir + "/fritidsjob_K_typical.csv"))}
for r in csv.DictReader(open(got_dir + "/typical_person.csv")):
    if r["treated"] == "":
        continue
    for k in ("treated", "treated_low", "treated_high", "control", "control_low", "control_high",
              "did_pp", "did_pp_se"):
        close(r[k], ref[r["event_time"]][k], "typical e=%s %s" % (r["event_time"], k)); n += 1
assert n >= 45, n
print("R agrees on %d numbers" % n)
PY
check "effects and typical person agree with R glm + vcovCL to 1e-7" grep -q "R agrees" "$work/r.out" || cat "$work/r.out"
# issue 12's robustness results, recomputed here from the exported matched panel: the stacked
# Callaway-Sant'Anna aggregate (difference of mean changes per cohort, cohort-share weights)
# and the Rosenbaum bounds of the pairs (exact signed-rank distribution by tie groups)
python3 - "$work/m" <<'PY' > "$work/rob.out" 2>&1
import csv, math, sys
from collections import defaultdict
d = sys.argv[1]
panel = list(csv.DictReader(open(d + "/fritidsjob/microdata_matched_panel.csv")))
girls = [r for r in panel if r["female"] == "1"]
y = {(r["pnr"], r["cohort"], int(r["event_time"])): float(r["fritidsjob"]) for r in girls}
units = {(r["pnr"], r["cohort"]): (r["treated"] == "1", r["matched_set"]) for r in girls}
rob = [r for r in csv.DictReader(open(d + "/fritidsjob/robustness.csv")) if r["subgroup"] == "koen=K"]
assert {r["method"] for r in rob} == {"callaway_santanna", "callaway_santanna_overall",
                                      "wild_cluster_bootstrap"}, {r["method"] for r in rob}
eff = {int(r["event_time"]): r for r in csv.DictReader(open(d + "/effects.csv"))
       if r["intervention"] == "fritidsjob" and r["subgroup"] == "koen=K"}
cohorts = sorted({c for _, c in units})
n_treated = {g: sum(t for (p, c), (t, _) in units.items() if c == g) for g in cohorts}
checked = 0
for r in rob:
    if r["method"] != "callaway_santanna" or r["estimate"] == "" or r["event_time"] == "-1":
        continue
    e = int(r["event_time"]); num = den = 0.0
    for g in cohorts:
        ch = {True: [], False: []}
        for (p, c), (t, _) in units.items():
            if c == g and (p, c, e) in y and (p, c, -1) in y:
                ch[t].append(y[(p, c, e)] - y[(p, c, -1)])
        if ch[True] and ch[False]:
            att = sum(ch[True]) / len(ch[True]) - sum(ch[False]) / len(ch[False])
            num += n_treated[g] * att; den += n_treated[g]
    want = 100 * num / den
    assert abs(float(r["estimate"]) - want) < 1e-9, (e, r["estimate"], want)
    checked += 1
for r in rob:
    if r["method"] == "wild_cluster_bootstrap" and r["estimate"] not in ("", "0"):
        e = int(r["event_time"])
        assert abs(float(r["estimate"]) - float(eff[e]["estimate"])) < 1e-12
        assert 0 <= float(r["p_value"]) <= 1
        # an end is empty when the restricted logit cannot be fitted that far out (wildboot.h)
        assert r["ci_low"] == "" or float(r["ci_low"]) < float(r["estimate"])
        assert r["ci_high"] == "" or float(r["estimate"]) < float(r["ci_high"])
        checked += 1

def upper_tail(ranks, t_obs, p):
    groups = defaultdict(int)
    for rk in ranks: groups[rk] += 1
    dist = {0: 1.0}
    for rk, m in groups.items():
        pmf = [math.comb(m, k) * p ** k * (1 - p) ** (m - k) for k in range(m + 1)]
        new = defaultdict(float)
        for s, q in dist.items():
            for k, pk in enumerate(pmf):
                new[s + k * rk] += q * pk
        dist = new
    return sum(q for s, q in dist.items() if s >= t_obs)

sens = [r for r in csv.DictReader(open(d + "/fritidsjob/sensitivity.csv")) if r["subgroup"] == "koen=K"]
sets = defaultdict(dict)
for (p, c), (t, s) in units.items():
    sets[s][t] = (p, c)
for e in sorted({int(r["event_time"]) for r in sens}):
    sign = 1 if float(eff[e]["estimate"]) >= 0 else -1
    diffs = []
    for pair in sets.values():
        if True in pair and False in pair:
            (pt, ct), (pc, cc) = pair[True], pair[False]
            keys = [(pt, ct, e), (pt, ct, -1), (pc, cc, e), (pc, cc, -1)]
            if all(k in y for k in keys):
                diffs.append(sign * ((y[keys[0]] - y[keys[1]]) - (y[keys[2]] - y[keys[3]])))
    nz = sorted((abs(x), x > 0) for x in diffs if x != 0)
    ranks, i = [], 0  # doubled average ranks
    while i < len(nz):
        j = i
        while j < len(nz) and nz[j][0] == nz[i][0]: j += 1
        ranks += [i + 1 + j] * (j - i); i = j
    t_obs = sum(rk for rk, (_, pos) in zip(ranks, nz) if pos)
    rows = {r["gamma"]: r for r in sens if int(r["event_time"]) == e}
    assert len(rows) == 21 and all(r["test"] == "wilcoxon" for r in rows.values())
    for gamma in ("1.0", "1.5", "2.0", "3.0"):
        gm = float(gamma)
        up, lo = upper_tail(ranks, t_obs, gm / (1 + gm)), upper_tail(ranks, t_obs, 1 / (1 + gm))
        assert abs(float(rows[gamma]["p_upper"]) - up) < 1e-9 * max(up, 1e-300) + 1e-14, (e, gamma, rows[gamma]["p_upper"], up)
        assert abs(float(rows[gamma]["p_lower"]) - lo) < 1e-9 * max(lo, 1e-300) + 1e-14, (e, gamma, rows[gamma]["p_lower"], lo)
        checked += 1
    ups = [float(rows["%.1f" % (1 + k / 10)]["p_upper"]) for k in range(21)]
    assert all(a <= b for a, b in zip(ups, ups[1:]))
assert checked >= 10, checked
print("robustness agrees on %d numbers" % checked)
PY
check "robustness.csv and sensitivity.csv recomputed from the matched panel" grep -q "robustness agrees" "$work/rob.out" || cat "$work/rob.out"
check "robustness.csv has its header; sensitivity.csv starts with the issue's columns" sh -c "head -1 '$work/o/fritidsjob/robustness.csv' | grep -qx 'intervention,outcome,subgroup,method,event_time,estimate,std_error,ci_low,ci_high,band_low,band_high,p_value' && head -1 '$work/o/fritidsjob/sensitivity.csv' | grep -q '^event_time,gamma,p_lower,p_upper'"
run run "$work/small.ini" --data-dir "$work/s" --out "$work/o" --lang en
expect "run --lang en" 0 "Year of participation"
check "report.html in English with --lang en" sh -c "grep -q '<html lang=\"en\">' '$work/o/report.html' && grep -q 'Year of participation' '$work/o/report.html' && ! grep -q 'Indsatsåret' '$work/o/report.html'"
check "tables.xlsx in English with --lang en" python3 -c '
import sys; sys.path.insert(0, sys.argv[1]); from xlsxread import read
s, _ = read(sys.argv[2])
assert {"About", "fritidsjob effects", "fritidsjob typical person", "Indicators", "Funding", "Survey"} <= set(s), list(s)
assert s["fritidsjob effects"][0][3] == "Estimate (log odds)" and s["fritidsjob effects"][1][0] == "boys"' "$work" "$work/o/tables.xlsx"
mkdir -p "$work/ox/tables.xlsx/full" # a directory where the workbook should go: the rename fails
run run "$work/small.ini" --data-dir "$work/s" --out "$work/ox"
expect "tables.xlsx that cannot be renamed into place: exit 4, named" 4 "tables.xlsx"
check "no temporary workbook left behind" no_temp_files "$work/ox"
run run "$work/small.ini" --data-dir "$work/s" --out "$work/o" --format json
check "run --format json prints results.json" python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["schema_version"] == 1 and len(d["indicators"]) > 0' "$work/stdout"
touch "$work/file"
run run "$work/small.ini" --data-dir "$work/s" --out "$work/file/o"; expect "an unwritable --out" 4 "file/o"
