# validate/mc_collect.py REP TRUTH RESULTS - one replication's rows for validate/mc.sh.
import csv, json, sys
rep, truth_path, results_path = sys.argv[1:]
truth = {}
for r in csv.DictReader(open(truth_path)):
    if r["cohort"] == "all":
        truth[(r["intervention"], r["subgroup"], int(r["event_time"]))] = r
res = json.load(open(results_path))
w = csv.writer(sys.stdout)
def num(v):
    return "" if v is None else repr(v)
for iv, body in res["interventions"].items():
    for sg in body["effects"]:
        pre = sg["pretrend"]
        for e in sg["effects"]:
            if e["event_time"] == -1:
                continue
            t = truth.get((iv, sg["subgroup"], e["event_time"]), {})
            w.writerow([rep, iv, sg["subgroup"], e["event_time"], num(e["estimate"]),
                        num(e["std_error"]), num(e["att_pp"]), num(e["att_pp_se"]),
                        t.get("log_odds", ""), t.get("att_pp", ""),
                        num(pre["p"]) if pre else "", int(bool(sg["estimated"] and e["estimable"]))])
