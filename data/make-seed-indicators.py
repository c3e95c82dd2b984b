#!/usr/bin/env python3
"""data/make-seed-indicators.py - writes data/seed-indicators.csv: the seed report's published
figures (../shared/reference/seed-figures.csv, by id) placed on the indicator cells of
examples/lbf-2011-14.ini (indicator, group, subgroup, year), for the report's "seed beside ours".

The placement (which year a figure without one belongs to, which definition) is the one
data/calibration.csv settles for Synthetic Denmark; its keys are mapped to the indicator ids
below. The value is the one the seed prints (seed-figures.csv), not the calibration target
(they differ where seed-notes.md corrects a misprint). Run from the project root:
    python3 data/make-seed-indicators.py ../shared/reference/seed-figures.csv
"""
import csv
import sys

MEASURES = {  # calibration key prefix -> indicator id, subgroup columns
    "leisure": ("fritidsjob_14_16", []),
    "absence": ("fravaer_12_14", []),
    "womenedu": ("kvinder_uddannelse_30_49", []),
    "poverty": ("boernefattigdom_0_6", ["herkomst"]),
    "suspicions": ("mistanker_10_14", []),
    "charges": ("sigtelser_15_20", []),
    "absence10": ("fravaer_over_10pct", ["herkomst"]),
    "exitexam": ("afgangsproeve", ["herkomst"]),
    "edu1720": ("uddannelse_17_20", ["koen", "herkomst"]),
    "neet": ("neet_16_24", []),
    "employment": ("beskaeftigelse_25_50", ["herkomst"]),
    "vocational": ("erhvervskompetence", []),
}
# keys without a year: their cell
FIXED = {"neet_persist.udsat": ("neet_persistens_16_24", "udsat", "all", "2015")}


def main():
    seed = {r["id"]: r["value"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
    rows = []
    for r in csv.DictReader(open("data/calibration.csv", encoding="utf-8")):
        parts = r["key"].split(".")
        if r["key"] in FIXED and r["seed_id"] in seed:
            rows.append([*FIXED[r["key"]], r["seed_id"], seed[r["seed_id"]]])
            continue
        if parts[0] not in MEASURES or not r["seed_id"] or r["seed_id"] not in seed:
            continue
        indicator, cols = MEASURES[parts[0]]
        group, values, year = parts[1], parts[2:-1], parts[-1]
        if values and len(values) != len(cols):
            continue
        cols = cols if values else []  # no subgroup values: the figure is for all
        sub = "&".join(f"{c}={v}" for c, v in zip(cols, values)) or "all"
        rows.append([indicator, group, sub, year, r["seed_id"], seed[r["seed_id"]]])
    with open("data/seed-indicators.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator", "group", "subgroup", "year", "seed_figure", "seed_value"])
        w.writerows(rows)
    print(f"data/seed-indicators.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
