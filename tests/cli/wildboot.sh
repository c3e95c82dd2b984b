# End-to-end tests of `effekt glm --vcov wild`: the bootstrap columns in text, JSON and CSV,
# enumeration, seeds, the interval agreeing with the p-value, and bad input.
. "$(dirname "$0")/_lib.sh"
data="$(cd "$(dirname "$0")/.." && pwd)/ref/wild/wild_data.csv"   # 8 clusters

run glm --help; expect "help names the options" 0 "--boot-weights W"
run glm --data "$data" --y y --x x1 --vcov wild --cluster cl --boot-weights mammen
expect "unknown --boot-weights" 1 "--boot-weights takes rademacher or webb, not 'mammen'"
run glm --data "$data" --y y --x x1 --vcov wild --cluster cl --reps 0
expect "--reps 0" 1 "--reps takes a whole number from 1"
run glm --data "$data" --y y --x x1 --cluster cl --reps 99
expect "--reps without --vcov wild" 1 "--reps belongs to the wild bootstrap"
run glm --data "$data" --y y --x x1 --vcov wild
expect "wild without --cluster" 1 "--vcov wild needs --cluster COL"

# one cluster: exit 2, the message says why, and --out is left unwritten
awk -F, 'NR == 1 || $1 == 3' "$data" > "$work/one.csv"
run glm --data "$work/one.csv" --y y --x x1 --vcov wild --cluster cl --out "$work/one.out"
expect "one cluster" 2 "single cluster"
check "no output after a failure" sh -c "[ ! -e '$work/one.out' ] && [ -z \"\$(ls -A '$work' | grep '^\.')\" ]"

# Rademacher with 2^8 = 256 <= 9999: all sign vectors, so p is a multiple of 1/256; the
# interval by inversion holds 0 exactly when p(0) >= 0.05, and holds the estimate
run glm --data "$data" --y y --x x1,x2,x3 --vcov wild --cluster cl --boot-weights rademacher \
    --format json
expect "json" 0
check "json: enumerated draws, p on the 1/256 grid, interval agrees with p" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
b = d["bootstrap"]
assert d["vcov"] == "wild" and b["method"] == "wcr" and b["enumerated"] is True, b
assert b["reps"] == 256 and b["weights"] == "rademacher" and b["n_clusters"] == 8, b
for c in d["coefficients"]:
    p, lo, hi = c["boot_p"], c["boot_ci_low"], c["boot_ci_high"]
    assert abs(p * 256 - round(p * 256)) < 1e-9, c
    assert lo < c["estimate"] < hi, c
    assert (lo <= 0 <= hi) == (p >= 0.05), c
    assert c["stars"] == ("**" if p < 0.05 else "*" if p < 0.10 else ""), c
' "$out"

# the same seed gives the same bytes, another seed other draws (Webb: no enumeration)
run glm --data "$data" --y y --x x1,x2 --vcov wild --cluster cl --boot-weights webb --reps 499 --seed 5 --format csv
first=$out
run glm --data "$data" --y y --x x1,x2 --vcov wild --cluster cl --boot-weights webb --reps 499 --seed 5 --format csv
check "same seed, same output" [ "$first" = "$out" ]
check "csv has the bootstrap columns" sh -c "printf '%s\n' \"\$1\" | head -n 1 | grep -q ',stars,boot_p,boot_ci_low,boot_ci_high,boot_reps,boot_weights,boot_enumerated,boot_method$'" _ "$out"
check "csv rows say 499 webb draws" sh -c "printf '%s\n' \"\$1\" | sed -n 2p | grep -q ',499,webb,0,wcr$'" _ "$out"
run glm --data "$data" --y y --x x1,x2 --vcov wild --cluster cl --boot-weights webb --reps 499 --seed 6 --format csv
check "another seed, other p-values" [ "$first" != "$out" ]

# logit: the score bootstrap, odds ratios in the text table
run glm --data "$data" --y yb --x x1,x2,x3 --family logit --vcov wild --cluster cl --lang en
expect "logit text" 0 "Wild cluster bootstrap (restricted score bootstrap): 9999 Webb draws, seed 1"
check "logit text: the boot columns" sh -c "printf '%s\n' \"\$1\" | grep -q 'boot p odds ratio \[boot 95% CI\]'" _ "$out"
check "logit text: stars by the bootstrap p" sh -c "printf '%s\n' \"\$1\" | grep -q '(bootstrap p)'" _ "$out"
