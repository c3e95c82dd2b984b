# validate/mc_summary.py CSV DGP EFFECTS N - the Monte Carlo tables of validate/mc.sh, as
# markdown: per cell the coverage of the 90% interval (simple DGP: of the planted log odds
# ratio; realistic: of ATT_e in pp; absence: of the planted shift), the mean error and its
# Monte Carlo SE, fits not estimated; pooled coverage; the pre-trend test's rejection rate.
import csv, math, sys
from collections import defaultdict
path, dgp, effects, n = sys.argv[1:]
z = 1.6448536269514722
cells = defaultdict(list)
pre = defaultdict(dict)
failed = 0
for r in csv.DictReader(open(path)):
    if r["intervention"] == "run failed":
        failed += 1
        continue
    key = (r["intervention"], r["subgroup"], int(r["event_time"]))
    linear = r["truth_log_odds"] == "" and r["intervention"] == "boern_unge"
    use_att = dgp != "simple" or linear
    if r["estimated"] != "1":
        cells[key].append(None)
        continue
    est = float(r["att_pp"] if use_att else r["estimate"])
    se = float(r["att_pp_se"] if use_att else r["std_error"])
    truth = 0.0 if effects == "zero" else float((r["truth_att_pp"] if use_att else r["truth_log_odds"]) or 0)
    cells[key].append((est - truth, se))
    if r["pretrend_p"]:
        pre[(r["intervention"], r["subgroup"])][r["rep"]] = float(r["pretrend_p"])
print(f"### {dgp} DGP, effects {effects}: {n} replications ({failed} runs failed)\n")
print("| intervention | subgroup | e | covered (90%) | mean error | MC SE | mean SE | not estimated |")
print("|---|---|---|---|---|---|---|---|")
hit = tot = 0
for key in sorted(cells):
    v = [x for x in cells[key] if x is not None]
    miss = len(cells[key]) - len(v)
    if not v:
        print(f"| {key[0]} | {key[1]} | {key[2]} | | | | | {miss} |")
        continue
    cov = sum(abs(d) <= z * s for d, s in v) / len(v)
    hit += sum(abs(d) <= z * s for d, s in v)
    tot += len(v)
    mean = sum(d for d, _ in v) / len(v)
    sd = math.sqrt(sum((d - mean) ** 2 for d, _ in v) / max(1, len(v) - 1))
    print(f"| {key[0]} | {key[1]} | {key[2]} | {100 * cov:.1f}% | {mean:.3f} | {sd / math.sqrt(len(v)):.3f} | {sum(s for _, s in v) / len(v):.3f} | {miss} |")
print(f"\nPooled coverage of the 90% intervals: {100 * hit / max(1, tot):.1f}% over {tot} cell-replications.\n")
print("| intervention | subgroup | pre-trend test rejects at 10% |")
print("|---|---|---|")
for k in sorted(pre):
    ps = list(pre[k].values())
    print(f"| {k[0]} | {k[1]} | {100 * sum(p < 0.1 for p in ps) / len(ps):.1f}% of {len(ps)} |")
