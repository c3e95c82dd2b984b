# End-to-end tests of `effekt glm`: the Spector logit, JSON and CSV output, bad input.
. "$(dirname "$0")/_lib.sh"
spector="$(cd "$(dirname "$0")/.." && pwd)/ref/glm/spector.csv"
sim="$(cd "$(dirname "$0")/.." && pwd)/ref/glm/sim.csv"

run glm --help;                      expect "glm --help" 0 "--vcov"
run glm --data "$spector" --y GRADE; expect "--x is required" 1 "--data, --y and --x are required"
run glm --data "$spector" --y GRADE --x GPA --family probit; expect "bad --family" 1 "--family takes gaussian or logit"
run glm --data "$spector" --y GRADE --x GPA --vcov cluster; expect "cluster without column" 1 "--vcov cluster needs --cluster"

run glm --data "$spector" --y GRADE --x GPA,TUCE,PSI --family logit --lang en
expect "Spector logit" 0 "Logit, N = 32"
check "GPA row with stars" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^GPA +2\.82611 +1\.26294 +2\.238 +0\.02524 \*\*'" _ "$out"

run glm --data "$spector" --y GRADE --x GPA,TUCE,PSI --family logit --format json
expect "json" 0
check "json keys and Spector estimates" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["n"] == 32 and d["family"] == "logit" and d["converged"] and d["dropped"] == []
c = {x["term"]: x for x in d["coefficients"]}
assert abs(c["GPA"]["estimate"] - 2.82611259489) < 1e-9, c["GPA"]
assert abs(c["(Intercept)"]["std_error"] - 4.9313242136) < 1e-8
assert abs(d["loglik"] + 12.8896342221) < 1e-9 and "odds_ratio" in c["PSI"]
' "$out"
run glm --data "$sim" --y y_cont --x x1,x2,g --cluster cl --format csv
expect "csv" 0 "term,estimate,std_error,statistic,p_value,ci_low,ci_high,odds_ratio,stars"

printf 'y,x,c,k\n0,1,1,5\n2,2,1,5\n1,3,2,5\n0,4,2,5\n' > "$work/nonbin.csv"
run glm --data "$work/nonbin.csv" --y y --x x --family logit
expect "non-binary logit outcome" 2 "must be 0 or 1"
printf 'y,x\n3,1\n3,2\n3,3\n' > "$work/const.csv"
run glm --data "$work/const.csv" --y y --x x
expect "constant outcome" 2 "outcome is constant"
printf 'y,x\n1,\n2,\n' > "$work/empty.csv"
run glm --data "$work/empty.csv" --y y --x x
expect "no rows after missing" 2 "no rows left"
run glm --data "$spector" --y GRADE --x GPA,NOPE
expect "unknown column" 2 'no column "NOPE"'
printf 'y,a,b\n1,1,5\n0,2,3\n' > "$work/wide.csv"
run glm --data "$work/wide.csv" --y y --x a,b
expect "more regressors than observations" 2 "3 coefficients but only 2 complete rows"
printf 'y,x\n1,1\n,2\n0,2\n1,3\n0,5\n1,1e400\n' > "$work/inf.csv"
run glm --data "$work/inf.csv" --y y --x x
expect "infinite regressor named by its data row" 2 'regressor "x" is not finite in data row 6'
run glm --data "$work/nonbin.csv" --y y --x x --cluster k
expect "single cluster" 2 "single cluster"
printf 'y,x\n0,1\n0,2\n1,3\n1,4\n' > "$work/sep.csv"
run glm --data "$work/sep.csv" --y y --x x --family logit
expect "separation" 2 'complete separation: regressor "x"'
