#!/usr/bin/env python3
"""Writes data/effects-seed.csv (truth.csv's columns plus seed_id) from the seed report's
Tables 3.2, 3.4 and 3.6 as ../shared/reference/seed-figures.csv holds them. Odds ratios
become log odds ratios; Table 3.4's absence values are percentage points (seed-notes 10).
Run from the project root: python3 data/make-effects-seed.py"""
import csv, math, sys
src = sys.argv[1] if len(sys.argv) > 1 else '../shared/reference/seed-figures.csv'
rows = {r['id']: r for r in csv.DictReader(open(src))}
out = open('data/effects-seed.csv', 'w')
out.write("intervention,outcome,subgroup,cohort,event_time,log_odds,att_pp,seed_id\n")
def sid(prefix, e):
    return f"{prefix}_e{e:+d}".replace('e+0', 'e0')
def add(iv, oc, sg, e, seed_id, kind):
    v = float(rows[seed_id]['value'])
    if kind == 'or':
        out.write(f"{iv},{oc},{sg},all,{e},{math.log(v)!r},,{seed_id}\n")
    else:
        out.write(f"{iv},{oc},{sg},all,{e},,{v!r},{seed_id}\n")
for sg, name in (('koen=M', 'boys'), ('koen=K', 'girls')):
    for e in (-2, 0, 1, 2):
        add('fritidsjob', 'fritidsjob', sg, e, sid(f"t3.2_fritidsjob_{name}", e), 'or')
for e in (-2, 0, 1, 2):
    add('boern_unge', 'fravaer_pct', 'all', e, sid("t3.4_absence", e), 'pp')
for e in (-3, -2, 0, 1, 2):
    add('netvaerksmoedre', 'i_uddannelse', 'all', e, sid("t3.6_netvaerk", e), 'or')
