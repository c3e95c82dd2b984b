# End-to-end privacy (issue 14). tests/cli/cpr_world.py turns a small Synthetic Denmark's person
# ids into valid CPR numbers (from each person's birth date and sex), as the raw extracts and a
# secretariat's participant list would hold them. Then:
#   1. effekt run on the CPR world: every CSV output byte for byte the run on the original ids,
#      and no CPR-shaped string in any output or message (scripts/scan-ids);
#   2. the participant list typed with dashes and every register pseudonymised under a fresh key
#      (effekt cpr keygen; cpr pseudonymise --column PNR,MOR_ID,FAR_ID): the pseudonymised files
#      hold 16-hex ids and no CPR number, the lists link (every CSV output of effekt run again
#      identical), and no run output, log or message holds a CPR-shaped string or any 8-byte
#      piece of the key (raw, hex in either case, base64 at any alignment);
#   3. the scan can fail: it finds a planted CPR number and each form of a key piece, and passes
#      over ten digits that are no date or that touch another digit.
. "$(dirname "$0")/_lib.sh"
scan=scripts/scan-ids
logs="$work/logs"
mkdir -p "$logs"

run simulate --out "$work/s" --plans 8 --scale 0.01 --participants-scale 3 --seed 7
expect "simulate a small world" 0
sed -e 's/^min_n = 50/min_n = 20/' -e "s|^seed_figures = .*|seed_figures = $PWD/data/seed-indicators.csv|" \
    examples/lbf-2011-14.ini > "$work/small.ini"
check "the CPR world" python3 tests/cli/cpr_world.py "$work/s" "$work/c"

# run_world NAME DIR: effekt run on DIR into $work/o-NAME, its messages kept in $logs
run_world() {
    "$EFFEKT" run "$work/small.ini" --data-dir "$2" --out "$work/o-$1" \
        >"$logs/run-$1.out" 2>"$logs/run-$1.err"
    rc=$?
    out=$(cat "$logs/run-$1.out"); err=$(tail -3 "$logs/run-$1.err")
}
# same_csv A B: every CSV under A is in B with the same bytes, and there are some
same_csv() {
    (cd "$1" && find . -name '*.csv') | sort > "$work/csvs"
    [ -s "$work/csvs" ] || return 1
    while read -r f; do cmp -s "$1/$f" "$2/$f" || { echo "# differs: $f"; return 1; }; done < "$work/csvs"
}

run_world ids "$work/s"; expect "effekt run on the original ids" 0
run_world cpr "$work/c"; expect "effekt run on the CPR world" 0
check "the CPR world's CSV outputs are the original's, byte for byte" same_csv "$work/o-ids" "$work/o-cpr"
check "the CPR world's participants are counted (not all lost in linkage)" \
    grep -q 'matchet [1-9]' "$logs/run-cpr.out"

# a secretariat's list: DDMMYY-SSSS
sed 's/^\([0-9]\{6\}\)\([0-9]\{4\}\),/\1-\2,/' "$work/c/deltagelse.csv" > "$work/deltagere.csv"
run cpr check "$work/deltagere.csv" --column pnr --out "$work/deltagere-check.csv"
printf '%s\n%s\n' "$out" "$err" > "$logs/check.log"
expect "cpr check: every number of the list is valid" 0 "invalid         0"
run cpr keygen "$work/projekt.key"; printf '%s\n%s\n' "$out" "$err" > "$logs/keygen.log"
expect "cpr keygen" 0

mkdir -p "$work/p"
pseudo_ok=1
for f in "$work"/c/*; do
    b=$(basename "$f")
    cols=$(head -1 "$f" | tr ',' '\n' | grep -x 'PNR\|pnr\|MOR_ID\|FAR_ID' | paste -sd, -)
    case $b in deltagelse.csv) f="$work/deltagere.csv" ;; esac
    if [ -z "$cols" ]; then cp "$f" "$work/p/$b"; continue; fi
    "$EFFEKT" cpr pseudonymise "$f" --column "$cols" --key-file "$work/projekt.key" \
        --out "$work/p/$b" >>"$logs/pseudonymise.log" 2>&1 || { pseudo_ok=0; echo "# failed: $b"; }
done
check "cpr pseudonymise: every register and the participant list" [ "$pseudo_ok" = 1 ]
check "the pseudonymised files hold 16-hex ids and none of the CPR numbers" python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
cprs = set()
for line in open(f"{work}/c/bef2015.csv"):
    cprs.update(v for v in line.rstrip("\n").split(",") if re.fullmatch(r"[0-9]{10}", v))
cprs |= {c[:6] + "-" + c[6:] for c in cprs}
assert len(cprs) > 1000, len(cprs)
for name in ("deltagelse.csv", "bef2015.csv"):
    rows = [l.rstrip("\n").split(",") for l in open(f"{work}/p/{name}")]
    ids = [j for j, h in enumerate(rows[0]) if h in ("PNR", "pnr", "MOR_ID", "FAR_ID")]
    for r in rows[1:]:
        assert not cprs.intersection(r), name
        for j in ids:
            assert r[j] == "" or re.fullmatch(r"[0-9a-f]{16}", r[j]), (name, "not a pseudonym")
PY
run_world pseudo "$work/p"; expect "effekt run on the pseudonymised world" 0
check "the pseudonymised world's CSV outputs are the original's, byte for byte" \
    same_csv "$work/o-ids" "$work/o-pseudo"

check "no CPR-shaped string and no piece of the key in any output or message" \
    "$scan" --key "$work/projekt.key" "$work/o-cpr" "$work/o-pseudo" "$logs" \
    "$work/deltagere-check.csv"
check "no piece of the key in the pseudonymised files" \
    "$scan" --key "$work/projekt.key" --key-only "$work/p/deltagelse.csv" "$work/p/bef2015.csv"

# The scan itself: each kind of leak is found, and near misses are not.
mkdir -p "$work/leak"
python3 - "$work/projekt.key" "$work/leak" <<'PY'
import base64, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
d = sys.argv[2]
open(f"{d}/cpr-dash.txt", "w").write("id 070761-4285 here\n")
open(f"{d}/cpr-ten.csv", "w").write("a,2902004001,b\n")        # 29 Feb 2000: a leap day
open(f"{d}/hex.txt", "w").write("x" + key[3:11].hex() + "y\n")
open(f"{d}/hexup.txt", "w").write(key[20:28].hex().upper() + "\n")
open(f"{d}/b64.txt", "w").write(base64.b64encode(key[1:]).decode()[8:20] + "\n")
open(f"{d}/raw.bin", "wb").write(b"\0" + key[24:32] + b"\0")
open(f"{d}/hash32.txt", "w").write("9d0101851234cd00aaaabbbbccccdddd\n")  # not a hash shape
open(f"{d}/clean.txt", "w").write("2902000001 12345678901 310499-1234 9d0101851234cd00\n")
PY
for f in cpr-dash.txt cpr-ten.csv hash32.txt hex.txt hexup.txt b64.txt raw.bin; do
    "$scan" --key "$work/projekt.key" "$work/leak/$f" >"$work/scan.out" 2>&1
    check "the scan finds the leak in $f" [ $? -eq 1 ]
done
"$scan" --key "$work/projekt.key" "$work/leak/clean.txt" >"$work/scan.out" 2>&1
check "the scan passes over ten digits that are no date, touch a digit, or sit in a 16-hex id" \
    [ $? -eq 0 ]
check "the scan's report does not repeat what it found" sh -c \
    "\"$scan\" \"$work/leak/cpr-dash.txt\" | grep -q 'byte 3: a CPR-shaped string' &&
     ! \"$scan\" \"$work/leak/cpr-dash.txt\" | grep -q 070761"
