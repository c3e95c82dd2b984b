# validate/mc12_summary.py COHORT.csv[.gz] ZERO.csv[.gz] - the tables of issue 12's Monte
# Carlo (validate/mc12.sh; rows from build/effekt-mc, validate/mc.c), as markdown:
#   1. the identity: max |pooled linear delta_e - stacked Callaway-Sant'Anna ATT_e| over
#      every replication of boern_unge__identity (both designs);
#   2. cohort-specific effects (COHORT): mean error and its Monte Carlo SE of
#        - the pooled model on its own scale: log odds for fritidsjob against the planted log
#          odds weighted by the cohorts' sizes among those observed at e; percentage points
#          for absence against the realised ATT_e (truth att_pp);
#        - the model's ATT_e in pp, Callaway-Sant'Anna and the naive TWFE event study on the
#          unmatched sample, each in pp against the realised ATT_e of the cohorts observed at e
#          within the register years, weighted by their participants (truth_att_pp_weighted;
#          truth.csv's all-cohort att_pp also counts the 2017 cohort at e = 2, in 2019, after
#          the registers end);
#   3. nothing planted (ZERO): coverage of 0 by the wild cluster bootstrap's 90% interval
#      (by plan) and by the sandwich's 90% interval (by plan), on the model's scale, per cell
#      and pooled; the bootstrap's and the sandwich's rejection rates at 10% of the
#      pre-period effect (the pre-trend test with one pre-period).
import csv, gzip, math, sys
from collections import defaultdict

Z90 = 1.6448536269514722


def load(path):
    f = gzip.open(path, 'rt') if path.endswith('.gz') else open(path)
    rows = list(csv.DictReader(f))
    reps = {r["rep"] for r in rows}
    failed = {r["rep"] for r in rows if r["intervention"] == "run failed"}
    return [r for r in rows if r["intervention"] != "run failed" and r["estimated"] == "1"], reps, failed


def num(r, k):
    try:
        v = float(r[k])
        return v if math.isfinite(v) else None
    except (KeyError, ValueError):
        return None


def mean_se(xs):
    n = len(xs)
    if n == 0:
        return float("nan"), float("nan"), 0
    m = sum(xs) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1)) if n > 1 else float("nan")
    return m, sd / math.sqrt(n), n


def cells(rows, iv_filter):
    out = defaultdict(list)
    for r in rows:
        if iv_filter(r["intervention"]):
            out[(r["intervention"], r["subgroup"], int(r["event_time"]))].append(r)
    return sorted(out.items())


def identity(rows_list):
    worst, n = 0.0, 0
    for rows in rows_list:
        for r in rows:
            if r["intervention"] != "boern_unge__identity":
                continue
            a, b = num(r, "estimate"), num(r, "cs_estimate")
            if a is not None and b is not None:
                worst = max(worst, abs(a - b))
                n += 1
    print("### 1. Pooled linear event study = stacked Callaway-Sant'Anna (balanced 1:1 pairs)\n")
    print(f"{n} (replication, event time) pairs; largest |difference| = {worst:.3g} pp.\n")


def bias(rows, reps):
    print("### 2. Cohort-specific effects (2014 > 2017), unbalanced windows: mean error\n")
    print(f"{len(reps)} replications. Each estimator against its own target; "
          "MC SE in parentheses.\n")
    print("| cell | pooled model (own scale) | model ATT_e, pp | Callaway-Sant'Anna, pp "
          "| naive TWFE, pp | target pp |")
    print("|---|---|---|---|---|---|")
    for (iv, sg, e), rs in cells(rows, lambda iv: "__" not in iv):
        linear = iv == "boern_unge"
        if linear:
            tl = "truth_att_pp_weighted" if "truth_att_pp_weighted" in rs[0] else "truth_att_pp"
            pooled = [num(r, "estimate") - num(r, tl) for r in rs
                      if num(r, "estimate") is not None and num(r, tl) is not None]
            scale = "pp"
        else:
            pooled = [num(r, "estimate") - num(r, "truth_log_odds_weighted") for r in rs
                      if num(r, "estimate") is not None and num(r, "truth_log_odds_weighted") is not None]
            scale = "log odds"
        tcol = "truth_att_pp_weighted" if "truth_att_pp_weighted" in rs[0] else "truth_att_pp"
        def err(col):
            return [num(r, col) - num(r, tcol) for r in rs
                    if num(r, col) is not None and num(r, tcol) is not None]
        target = mean_se([num(r, tcol) for r in rs if num(r, tcol) is not None])[0]
        cols = [mean_se(pooled), mean_se(err("att_pp")), mean_se(err("cs_estimate")),
                mean_se(err("naive_twfe"))]
        txt = " | ".join(f"{m:+.3f} ({s:.3f})" if n else "-" for m, s, n in cols)
        print(f"| {iv} {sg} e={e:+d} | {txt.replace(' | ', f' {scale} | ', 1)} | {target:.2f} |")
    print()


def coverage(rows, reps):
    print("### 3. Nothing planted, area x year shocks: 90% intervals clustered by plan\n")
    print(f"{len(reps)} replications; the truth is 0 on every scale (log odds for the logit "
          "models, pp for absence).\n")
    print("| cell | wild bootstrap covers | sandwich covers | n |")
    print("|---|---|---|---|")
    pooled = {"wild": [0, 0], "sandwich": [0, 0]}
    pre = defaultdict(lambda: [0, 0, 0])
    for (iv, sg, e), rs in cells(rows, lambda iv: "__" not in iv):
        w = [r for r in rs if num(r, "wild_ci_low") is not None and num(r, "wild_ci_high") is not None]
        s = [r for r in rs if num(r, "ci90_low") is not None]
        wc = sum(num(r, "wild_ci_low") <= 0 <= num(r, "wild_ci_high") for r in w)
        sc = sum(num(r, "ci90_low") <= 0 <= num(r, "ci90_high") for r in s)
        pooled["wild"][0] += wc; pooled["wild"][1] += len(w)
        pooled["sandwich"][0] += sc; pooled["sandwich"][1] += len(s)
        print(f"| {iv} {sg} e={e:+d} | {100 * wc / max(len(w), 1):.1f}% | "
              f"{100 * sc / max(len(s), 1):.1f}% | {len(w)} |")
        if e < -1:
            p = pre[(iv, sg)]
            p[0] += sum(num(r, "wild_p") < 0.10 for r in w if num(r, "wild_p") is not None)
            p[1] += sum(not (num(r, "ci90_low") <= 0 <= num(r, "ci90_high")) for r in s)
            p[2] += len(w)
    w, s = pooled["wild"], pooled["sandwich"]
    print(f"| **pooled** | **{100 * w[0] / max(w[1], 1):.1f}%** | "
          f"**{100 * s[0] / max(s[1], 1):.1f}%** | {w[1]} |\n")
    print("Pre-period effect (e = -2: the pre-trend test) rejected at 10%:\n")
    print("| cell | wild bootstrap | sandwich | n |")
    print("|---|---|---|---|")
    for (iv, sg), (wr, sr, n) in sorted(pre.items()):
        print(f"| {iv} {sg} | {100 * wr / max(n, 1):.1f}% | {100 * sr / max(n, 1):.1f}% | {n} |")
    print()


cohort, cohort_reps, cohort_failed = load(sys.argv[1])
zero, zero_reps, zero_failed = load(sys.argv[2])
identity([cohort, zero])
bias(cohort, cohort_reps)
coverage(zero, zero_reps)
if cohort_failed or zero_failed:
    print(f"Failed replications: cohort {sorted(cohort_failed)}, zero {sorted(zero_failed)}\n")
