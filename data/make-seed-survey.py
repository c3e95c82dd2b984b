#!/usr/bin/env python3
"""data/make-seed-survey.py - writes data/seed-figures-survey.csv: the seed report's chapter-5
rows of ../shared/reference/seed-figures.csv (Table 5.1's responses, Tables 5.2 and 5.3's
shares), for tests/cli/survey.sh. Run from the project root:
    python3 data/make-seed-survey.py ../shared/reference/seed-figures.csv
"""
import csv
import sys

rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["chapter"] == "5"]
with open("data/seed-figures-survey.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "source", "indicator", "group", "subgroup", "value"])
    for r in rows:
        w.writerow([r["id"], r["source"], r["indicator"], r["group"], r["subgroup"], r["value"]])
print(f"data/seed-figures-survey.csv: {len(rows)} rows")
