# validate/mc_summary.py CSV DGP EFFECTS - the tables of one Monte Carlo design (rows from
# build/effekt-mc, validate/mc.c), as markdown for validate/RESULTS.md:
#   - per cell (intervention or variant x subgroup x event time): the coverage of the 90%
#     interval of the target, the mean error with its Monte Carlo SE, the SD of the estimates
#     against their mean SE, and fits not estimated (never dropped: counted);
#   - pooled coverage, per variant; issue 9's bounds checked (87.5-92.5% pooled, 82-97% per
#     cell; with nothing planted, |mean| <= 3 MC SE per cell);
#   - the pre-trend test's rejections at 10% (its size, or its power when pre-trends are
#     planted), the cells hidden by disclosure control, and the replications whose model was
#     refused (separation, no convergence).
# Targets: the simple DGP's planted log odds ratios (absence: the planted shift in pp); the
# realistic DGP's ATT_e in pp (truth.csv att_pp); with nothing planted, 0 on both scales.
import csv, gzip, math, sys
from collections import defaultdict

path, dgp, effects = sys.argv[1:4]
Z90 = 1.6448536269514722
rows = list(csv.DictReader(gzip.open(path, 'rt') if path.endswith('.gz') else open(path)))
reps = sorted({int(r["rep"]) for r in rows})
failed_runs = sorted({int(r["rep"]) for r in rows if r["intervention"] == "run failed"})
rows = [r for r in rows if r["intervention"] != "run failed"]


def base(iv):
    return iv.split("__")[0]


def variant(iv):
    return iv.split("__")[1] if "__" in iv else "main"


def scales(r):
    """(scale name, estimate column, se column, truth) pairs this row is judged on."""
    linear = r["truth_log_odds"] == "" and base(r["intervention"]) == "boern_unge"
    if effects == "zero":
        out = [("pp", "att_pp", "att_pp_se", 0.0)]
        if not linear:
            out.append(("log odds", "estimate", "std_error", 0.0))
        return out
    if dgp == "simple" and not linear:
        return [("log odds", "estimate", "std_error", float(r["truth_log_odds"] or 0))]
    return [("pp", "att_pp", "att_pp_se", float(r["truth_att_pp"] or 0))]


cells = defaultdict(list)      # (iv, subgroup, e, scale) -> [(error, se)]
missing = defaultdict(lambda: defaultdict(int))  # (iv, subgroup) -> kind -> count
pre = defaultdict(dict)        # (iv, subgroup) -> rep -> p
fits_refused = defaultdict(set)  # (iv, subgroup) -> reps whose model was not estimated
for r in rows:
    key = (r["intervention"], r["subgroup"])
    if r["estimated"] != "1":
        kind = r["failure"] or "other"
        if kind in ("hidden", "not_estimable"):  # one cell
            missing[key][kind + " cells"] += 1
        else:  # the subgroup's fit: once per replication
            fits_refused[key].add(r["rep"])
        continue
    for name, est, se, truth in scales(r):
        cells[key + (int(r["event_time"]), name)].append((float(r[est]) - truth, float(r[se])))
    if r["pretrend_p"]:
        pre[key][r["rep"]] = float(r["pretrend_p"])

print(f"### {dgp} DGP, effects {effects}: {len(reps)} replications "
      f"({len(failed_runs)} runs failed)\n")
print("| intervention | subgroup | e | scale | covered (90%) | mean error | MC SE | SD | mean SE | n |")
print("|---|---|---|---|---|---|---|---|---|---|")
pooled = defaultdict(lambda: [0, 0])
out_of_bounds, biased = [], []
for key in sorted(cells, key=lambda k: (base(k[0]), variant(k[0]) != "main", k)):
    v = cells[key]
    hits = sum(abs(d) <= Z90 * s for d, s in v)
    cov = hits / len(v)
    mean = sum(d for d, _ in v) / len(v)
    sd = math.sqrt(sum((d - mean) ** 2 for d, _ in v) / max(1, len(v) - 1))
    mcse = sd / math.sqrt(len(v))
    mse = sum(s for _, s in v) / len(v)
    pooled[variant(key[0])][0] += hits
    pooled[variant(key[0])][1] += len(v)
    if not 0.82 <= cov <= 0.97:
        out_of_bounds.append(key)
    if effects == "zero" and abs(mean) > 3 * mcse:
        biased.append(key)
    print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {100 * cov:.1f}% | {mean:.3f} | "
          f"{mcse:.3f} | {sd:.3f} | {mse:.3f} | {len(v)} |")

print()
for name, (hits, n) in sorted(pooled.items()):
    cov = 100 * hits / max(1, n)
    verdict = "within" if 87.5 <= cov <= 92.5 else "OUTSIDE"
    print(f"- Pooled coverage of the 90% intervals, {name}: **{cov:.1f}%** over {n} "
          f"cell-replications ({verdict} 87.5-92.5%).")
for name in sorted(pooled):
    bad = [k for k in out_of_bounds if variant(k[0]) == name]
    print(f"- Cells outside 82-97%, {name}: {len(bad)}" + (": " + "; ".join(
        f"{base(k[0])} {k[1]} e={k[2]} ({k[3]})" for k in bad) if bad else "") + ".")
    if effects == "zero":
        bad = [k for k in biased if variant(k[0]) == name]
        print(f"- Cells with |mean error| > 3 MC SE, {name}: {len(bad)}" + (": " + "; ".join(
            f"{base(k[0])} {k[1]} e={k[2]} ({k[3]})" for k in bad) if bad else "") + ".")
print()
what = "power" if effects == "seed-with-pretrends" else "size"
print(f"| intervention | subgroup | pre-trend test rejects at 10% ({what}) | not estimated |")
print("|---|---|---|---|")
for k in sorted(set(pre) | set(missing) | set(fits_refused), key=lambda k: (base(k[0]), variant(k[0]) != "main", k)):
    ps = list(pre.get(k, {}).values())
    rate = f"{100 * sum(p < 0.1 for p in ps) / len(ps):.1f}% of {len(ps)}" if ps else ""
    miss = ", ".join(f"{n} {kind}" for kind, n in sorted(missing.get(k, {}).items()))
    if fits_refused.get(k):
        miss += (", " if miss else "") + f"{len(fits_refused[k])} fits refused"
    print(f"| {k[0]} | {k[1]} | {rate} | {miss} |")
print()
