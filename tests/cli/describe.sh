# End-to-end tests of `effekt describe`: output, options, exit codes, located messages,
# atomic --out, signals and a full disk.
. "$(dirname "$0")/_lib.sh"

cat > "$work/bef2011.csv" <<'CSV'
PNR,KOEN,ALDER,FOED_DAG,indkomst
0400000017,M,34,1977-03-12,312450.5
4000000025,K,29,1982-07-01,
4000000033,K,61,1950-01-30,198000
CSV

run --version;                   expect "--version" 0 "effekt 0."
run --help;                      expect "--help lists describe" 0 "describe"
run describe --help;             expect "describe --help says no disclosure control" 0 "not disclosure-controlled"
run;                             expect "no command is a usage error" 1
run frobnicate;                  expect "unknown command" 1 "unknown command 'frobnicate'"
run describe --bogus x.csv;      expect "unknown option" 1 "unknown option '--bogus'"
run describe;                    expect "no file" 1 "no file given"
run describe --format xml "$work/bef2011.csv"; expect "bad --format" 1 "--format takes text, json or csv"
run describe a.csv b.csv;        expect "two files" 1 "give one file"
run describe --type alder=float "$work/bef2011.csv"; expect "bad --type" 1 "--type takes COL=TYPE"

run describe --lang en "$work/bef2011.csv"
expect "describe text" 0 "3 rows, 5 columns"
check "pnr is text with 3 categories" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^PNR +string +0 .* 3$'" _ "$out"
check "date range shown as dates" sh -c "printf '%s\n' \"\$1\" | grep -q '1950-01-30 *1982-07-01'" _ "$out"
run describe "$work/bef2011.csv"
expect "Danish headings by default" 0 "3 rækker, 5 kolonner"

run describe --data "$work/bef2011.csv" --format json
expect "json" 0
check "json parses and has the counts" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["rows"] == 3 and d["columns_count"] == 5, d
c = {x["name"]: x for x in d["columns"]}
assert c["indkomst"]["missing"] == 1 and c["indkomst"]["mean"] == 255225.25, c["indkomst"]
assert c["PNR"]["min"] is None and c["FOED_DAG"]["min"] == "1950-01-30"
' "$out"
run describe --format csv "$work/bef2011.csv"
expect "csv" 0 "column,type,missing,min,max,mean,categories,decimal_comma"

printf 'beloeb;navn\n1,5;x\n2,25;y\n' > "$work/komma.csv"
run describe --lang en "$work/komma.csv"
expect "decimal comma is reported" 0 "(decimal comma)"

# Bad input: located message, non-zero exit, nothing written.
bad() { # bad NAME CONTENT CODE TEXT [OPTIONS...]
    case_name=$1 content=$2 code=$3 want=$4; shift 4
    printf "$content" > "$work/$case_name.csv"
    echo "previous" > "$work/$case_name.out"
    run describe "$@" --out "$work/$case_name.out" "$work/$case_name.csv"
    expect "bad input: $case_name" "$code" "$want"
    check "bad input: $case_name leaves the old output" grep -qx previous "$work/$case_name.out"
}
bad ragged 'a,b,c\n1,2,3\n4,5\n' 2 "ragged.csv:3:3: expected 3 fields, found 2"
bad unterminated 'a,b\n1,"open\n2,3\n' 2 "unterminated.csv:2:2: unterminated quoted field"
bad nul 'a,b\n1,x\0000y\n' 2 "nul.csv:2:2: NUL byte"
bad forced 'id,income\n1,100\n2,n/a\n' 2 'forced.csv:3:2: column "income": expected a number, found "n/a"' --type income=double
bad empty '' 2 "empty.csv: the file is empty"
bad header_only 'a,b\n' 2 "header_only.csv:1: the file has a header but no data rows"
bad duplicate 'pnr,x,PNR\n1,2,3\n' 2 'duplicate.csv:1:3: duplicate column name "PNR" (also column 1)'
bad long 'a\n1\n22222222222222222222222222222222222222222222222222222222222222222222222222222\n' 2 "long.csv:3: line is longer than the limit of 64 bytes" --max-line-bytes 64
check "no temp files after failures" no_temp_files "$work"

run describe "$work/missing.csv"
expect "missing file exits 4" 4 "missing.csv: cannot open the file: No such file or directory"
run describe --out "$work/no/such/dir/out.txt" "$work/bef2011.csv"
expect "unwritable output exits 4" 4 "cannot create output"

run describe --out "$work/desc.txt" --lang en "$work/bef2011.csv"
expect "--out writes the file" 0
check "--out content" grep -q "3 rows, 5 columns" "$work/desc.txt"
check "--out leaves no temp file" no_temp_files "$work"

run describe "$work/bef2011.csv" 2>/dev/null
check "no progress bar when stderr is not a terminal" sh -c "! grep -q \"\$(printf '\r')\" \"$work/stderr\""

# On a terminal, a progress bar goes to stderr (script(1) gives the command a pty).
python3 -c 'import random
print("a,b,c")
for i in range(400000): print("%d,%d.5,x%d" % (i, i, i % 7))' > "$work/big.csv"
if command -v script >/dev/null 2>&1; then
    script -qec "$EFFEKT describe $work/big.csv >/dev/null" /dev/null > "$work/tty.txt" 2>&1
    check "progress bar on a terminal" grep -q '% of' "$work/tty.txt"
else
    ok "progress bar on a terminal # SKIP no script(1)"
fi

# Signals: describe reads from a FIFO that never finishes; the signal stops it cleanly.
for sig in INT TERM; do
    want=130; [ $sig = TERM ] && want=143
    rm -f "$work/fifo"; mkfifo "$work/fifo"
    echo "previous" > "$work/sig.out"
    "$EFFEKT" describe --out "$work/sig.out" "$work/fifo" 2>"$work/sig.err" &
    pid=$!
    exec 3>"$work/fifo"          # open the writer: effekt's open() returns
    printf 'a,b\n1,2\n' >&3
    i=0; while [ $i -lt 50 ] && ! ls -a "$work" | grep -q '^\.sig\.out\.'; do sleep 0.1; i=$((i+1)); done
    kill -$sig $pid
    wait $pid; rc=$?
    exec 3>&-
    if [ $rc -eq $want ] && grep -qx previous "$work/sig.out" && no_temp_files "$work"; then
        ok "SIG$sig: exit $want, old output intact, no temp file"
    else
        not_ok "SIG$sig" "exit $rc (want $want)" "$(cat "$work/sig.err")" "$(ls -a "$work")"
    fi
done

# A full disk: a 32 KiB tmpfs (needs root and mount; skipped, and said so, otherwise).
mkdir -p "$work/small"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=32k tmpfs "$work/small" 2>/dev/null; then
    python3 -c 'print(",".join("c%d" % i for i in range(3000))); print(",".join(str(i) for i in range(3000)))' > "$work/wide.csv"
    echo "previous" > "$work/small/desc.txt"
    run describe --out "$work/small/desc.txt" "$work/wide.csv"
    expect "full disk exits 4" 4 "the disk is full"
    check "full disk keeps the old output" grep -qx previous "$work/small/desc.txt"
    check "full disk leaves no temp file" no_temp_files "$work/small"
    umount "$work/small"
else
    ok "full disk # SKIP needs root and tmpfs"
fi

# Register formats: SAS with its catalogue, Stata, SPSS; bad files.
data=$(cd "$(dirname "$0")/../data" && pwd)
run describe --lang en "$data/sas/hadley.sas7bdat"
expect "describe sas7bdat" 0 "8 rows, 7 columns"
check "value labels from formats.sas7bcat shown" sh -c "printf '%s\n' \"\$1\" | grep -q 'values WORKSHOP: 1 = R; 2 = SAS'" _ "$out"
check "variable label shown" sh -c "printf '%s\n' \"\$1\" | grep -q 'The instructor was well prepared'" _ "$out"
run describe --lang en "$data/sas/datetime.sas7bdat"
check "datetimes shown as dates" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^VAR1 +date .*2015-02-02'" _ "$out"
run describe --lang en "$data/stata/types.dta"
expect "describe dta" 0 "format dta"
run describe --format json "$data/spss/labelled-num.sav"
check "sav value labels in JSON" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["format"] == "sav" and d["delimiter"] is None
vl = [c["value_labels"] for c in d["columns"] if c["value_labels"]]
assert vl and vl[0]["values"][0]["label"], vl
' "$out"
head -c 3000 "$data/sas/hadley.sas7bdat" > "$work/trunc.sas7bdat"
run describe "$work/trunc.sas7bdat"
expect "truncated sas7bdat" 2 "trunc.sas7bdat: ReadStat: Unable to read from file (a read came up short"
: > "$work/empty.dta"
run describe "$work/empty.dta"
expect "empty dta" 2 "empty.dta: the file is empty"
run describe "$data/bad/unsupported_compression.sas7bdat"
expect "unsupported compression" 2 "unsupported compression"
run describe --catalog "$data/sas/tagged-na.sas7bcat" "$data/sas/hadley.sas7bdat"
expect "catalogue that does not match" 2 "does not match"
