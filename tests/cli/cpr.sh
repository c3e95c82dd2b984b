# End-to-end tests of `effekt cpr check|keygen|pseudonymise`: check's CSV columns exactly, the
# pseudonyms against Python's hmac + hashlib (an independent HMAC-SHA-256), deterministic per
# key and different across keys; no CPR number and no part of the key (hex, or any 8-byte
# piece of it as 16 hex digits) in any output or message; key file modes; exit codes.
. "$(dirname "$0")/_lib.sh"

# no_secret FILE...: none of the CPR numbers of d.csv, nor any 16-hex piece of the key, in FILE
no_secret() {
    python3 - "$work/k.key" "$@" <<'EOF'
import sys
key = open(sys.argv[1]).read().strip()
cprs = ["070761-4285", "0707614285", "290200-4001", "2902004001", "290200-0001", "2902000001",
        "0101361234", "010136-1234", "310499-1234", "3104991234"]
for path in sys.argv[2:]:
    text = open(path, errors="replace").read().lower()
    for c in cprs:
        assert c not in text, (path, "holds a CPR number")
    for at in range(len(key) - 15):
        assert key[at:at + 16] not in text, (path, "holds part of the key")
EOF
}

run cpr --help; expect "cpr --help" 0 "pseudonymise"
run cpr; expect "no subcommand" 1 "subcommand is required"
run cpr frobnicate; expect "an unknown subcommand" 1 "unknown subcommand"
run cpr check --column cpr; expect "check without a file" 1 "required"
run cpr check x.csv; expect "check without --column" 1 "--column"
run cpr check x.csv --column cpr --bogus; expect "an unknown option" 1
run cpr check x.csv --column cpr --format csv; expect "check --format csv" 1
run cpr pseudonymise x.csv --column cpr --out y.csv; expect "pseudonymise without a key" 1 "--key-file"
run cpr keygen; expect "keygen without a file" 1 "key file"

cat > "$work/d.csv" <<'EOF'
id,cpr,note
1,070761-4285,a
2,0707614285,b
3,290200-4001,c
4,0101361234,d
5,,e
EOF
cat > "$work/bad.csv" <<'EOF'
id,cpr
1,070761-4285
2,290200-0001
3,310499-1234
4,12-34
5,
EOF

run cpr check "$work/bad.csv" --column cpr --out "$work/r.csv"
expect "check with --out" 0 "invalid         4"
check "check's CSV: the stable columns and one row per data row" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert rows[0] == ["row", "valid", "reason", "birth_date", "sex", "mod11_ok"], rows[0]
assert rows[1:] == [["1", "1", "", "1961-07-07", "M", "1"], ["2", "0", "date", "", "", ""],
                    ["3", "0", "date", "", "", ""], ["4", "0", "format", "", "", ""],
                    ["5", "0", "missing", "", "", ""]], rows[1:]' "$work/r.csv"
run cpr check --data "$work/d.csv" --column CPR --format json
expect "check --format json" 0
printf '%s\n' "$out" > "$work/c.json"
check "the JSON summary: 4 valid, 1 missing, 1 mod-11 failure (0101361234)" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["rows"] == 5 and s["valid"] == 4 and s["invalid"] == 1, s
assert s["invalid_by_reason"] == {"missing": 1, "format": 0, "date": 0}, s
assert s["mod11_failures"] == 1 and s["sex"] == {"M": 3, "K": 1}, s' "$work/c.json"
run cpr check "$work/d.csv" --column nope; expect "an unknown column" 2 "nope"
run cpr check "$work/none.csv" --column cpr; expect "a missing file" 4 "none.csv"

# keys
run cpr keygen "$work/k.key"; expect "keygen" 0
check "the key file is mode 0600" test "$(stat -c %a "$work/k.key")" = 600
check "the key file is 64 hex digits and a newline" python3 -c '
import sys
t = open(sys.argv[1]).read()
assert len(t) == 65 and t[64] == "\n" and all(c in "0123456789abcdef" for c in t[:64])' "$work/k.key"
cp "$work/k.key" "$work/k.copy"
run cpr keygen "$work/k.key"; expect "keygen refuses to overwrite" 4 "never overwritten"
check "the refused keygen left the key as it was" cmp -s "$work/k.key" "$work/k.copy"
printf '%s\n%s\n' "$out" "$err" > "$work/keygen.txt"
umask 022
run cpr keygen "$work/k2.key"; expect "keygen under umask 022" 0
check "still mode 0600" test "$(stat -c %a "$work/k2.key")" = 600

# pseudonymise
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/k.key" --out "$work/p.csv"
expect "pseudonymise" 0
printf '%s\n%s\n' "$out" "$err" > "$work/p.log"
check "pseudonyms equal Python's hmac.new(key, digits, sha256), first 16 hex" python3 -c '
import csv, hashlib, hmac, sys
key = bytes.fromhex(open(sys.argv[1]).read().strip())
src = list(csv.DictReader(open(sys.argv[2])))
out = list(csv.DictReader(open(sys.argv[3])))
assert [r["id"] for r in out] == [r["id"] for r in src]
assert [r["note"] for r in out] == [r["note"] for r in src]
assert list(out[0].keys()) == ["id", "cpr", "note"], out[0].keys()
for s, o in zip(src, out):
    d = s["cpr"].replace("-", "")
    want = hmac.new(key, d.encode(), hashlib.sha256).hexdigest()[:16] if d else ""
    assert o["cpr"] == want, (o["cpr"], want)
assert out[0]["cpr"] == out[1]["cpr"] and out[0]["cpr"] != out[2]["cpr"]' "$work/k.key" "$work/d.csv" "$work/p.csv"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/k.key" --out "$work/p2.csv"
check "the same key: the same file" cmp -s "$work/p.csv" "$work/p2.csv"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/k2.key" --out "$work/p3.csv"
check "another key: other ids" python3 -c '
import csv, sys
a = [r["cpr"] for r in csv.DictReader(open(sys.argv[1]))]
b = [r["cpr"] for r in csv.DictReader(open(sys.argv[2]))]
assert all(x != y for x, y in zip(a, b) if x), (a, b)' "$work/p.csv" "$work/p3.csv"

run cpr pseudonymise "$work/bad.csv" --column cpr --key-file "$work/k.key" --out "$work/pb.csv"
expect "an invalid value: exit 2, named by file, line and column" 2 "bad.csv:3:2"
printf '%s\n%s\n' "$out" "$err" > "$work/pb.log"
check "nothing written by the failed run" test ! -e "$work/pb.csv"
check "no temp files left" no_temp_files "$work"
run cpr pseudonymise "$work/bad.csv" --column cpr --key-file "$work/k.key" \
    --out "$work/pb.csv" --allow-invalid
expect "--allow-invalid" 0 "1 not CPR-shaped"
printf '%s\n%s\n' "$out" "$err" > "$work/pa.log"
check "--allow-invalid: impossible dates hashed, the rest empty" python3 -c '
import csv, sys
c = [r["cpr"] for r in csv.DictReader(open(sys.argv[1]))]
assert [len(x) for x in c] == [16, 16, 16, 0, 0], c' "$work/pb.csv"

# several columns in one pass: a mother's id and her own row get the same pseudonym
cat > "$work/fam.csv" <<'CSV'
PNR,MOR_ID,FAR_ID
0707614285,290200-4001,
2902004001,,0707614285
CSV
run cpr pseudonymise "$work/fam.csv" --column PNR,MOR_ID,FAR_ID --key-file "$work/k.key" \
    --out "$work/fam-p.csv"
expect "pseudonymise --column PNR,MOR_ID,FAR_ID" 0 "FAR_ID: 2 rows, 1 pseudonymised, 1 empty"
printf '%s\n%s\n' "$out" "$err" > "$work/fam.log"
check "every id column pseudonymised, each number to one id across columns and dashes" python3 -c '
import csv, sys
r = list(csv.reader(open(sys.argv[1])))
assert r[0] == ["PNR", "MOR_ID", "FAR_ID"], r[0]
(a, m, f), (b, m2, f2) = r[1], r[2]
assert len(a) == len(b) == 16 and a != b and m == b and f2 == a and f == m2 == "", r' "$work/fam-p.csv"
run cpr pseudonymise "$work/fam.csv" --column PNR,,FAR_ID --key-file "$work/k.key" --out "$work/x.csv"
expect "an empty name in the --column list: exit 2" 2 "empty or over-long column name"
run cpr pseudonymise "$work/fam.csv" --column PNR,nope --key-file "$work/k.key" --out "$work/x.csv"
expect "an unknown column in the list: exit 2, nothing written" 2 "nope"
check "nothing written" test ! -e "$work/x.csv"
run cpr check "$work/0707614285.csv" --column cpr
expect "a message naming a file called by a CPR number masks it" 4 "XXXXXXXXXX.csv"
printf '%s\n%s\n' "$out" "$err" > "$work/masked.log"
run cpr check "$work/d.csv" 070761-4285 --column cpr
expect "a usage message quoting a CPR number masks it" 1 "'XXXXXX-XXXX'"
printf '%s\n%s\n' "$out" "$err" >> "$work/masked.log"

chmod 0644 "$work/k.key"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/k.key" --out "$work/p4.csv"
expect "a key file readable by others: exit 2, naming the file" 2 "k.key"
printf '%s\n%s\n' "$out" "$err" > "$work/mode.log"
check "nothing written with a refused key" test ! -e "$work/p4.csv"
chmod 0640 "$work/k.key"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/k.key" --out "$work/p4.csv"
expect "a key file readable by the group: exit 2" 2 "group or others"
chmod 0600 "$work/k.key"
run cpr pseudonymise "$work/none.csv" --column cpr --key-file "$work/k.key" --out "$work/p4.csv"
expect "pseudonymise: a missing file" 4 "none.csv"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/none.key" --out "$work/p4.csv"
expect "pseudonymise: a missing key file" 4 "none.key"
printf 'not a key\n' > "$work/bad.key"; chmod 0600 "$work/bad.key"
run cpr pseudonymise "$work/d.csv" --column cpr --key-file "$work/bad.key" --out "$work/p4.csv"
expect "a malformed key file: exit 2" 2 "64 hex digits"

check "no CPR number and no part of the key in any output or message" no_secret \
    "$work/r.csv" "$work/c.json" "$work/keygen.txt" "$work/p.csv" "$work/p.log" \
    "$work/pb.log" "$work/pb.csv" "$work/pa.log" "$work/mode.log" "$work/fam-p.csv" \
    "$work/fam.log" "$work/masked.log"
