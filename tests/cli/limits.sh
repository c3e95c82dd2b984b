# Hostile and corrupt input within a memory limit (issue 14): a line of a gigabyte, a gigabyte
# of NUL bytes, SAS, SPSS and Stata headers that claim billions of rows or a row of 2 GiB. Each
# is exit 2 with a message naming the file, within 1 GiB of address space (ulimit -v) and a
# minute: a message, never an out-of-memory kill. Under AddressSanitizer, whose shadow memory
# alone is terabytes of address space, the limit is ASan's hard_rss_limit_mb=1024 instead.
. "$(dirname "$0")/_lib.sh"
limit_kb=1048576

# limit: the shell command that caps the memory of what it execs
if sh -c 'ulimit -v $1 && exec "$0" --version' "$EFFEKT" $limit_kb >/dev/null 2>&1; then
    limit="ulimit -v $limit_kb"
else
    limit="export ASAN_OPTIONS=hard_rss_limit_mb=1024:\${ASAN_OPTIONS:-}"
fi

# limited SECONDS ARGS...: effekt under the limit, as run() does
limited() {
    secs=$1; shift
    ( eval "$limit"; exec timeout "$secs" "$EFFEKT" "$@" ) >"$work/stdout" 2>"$work/stderr"
    rc=$?
    out=$(cat "$work/stdout"); err=$(cat "$work/stderr")
}

# a line of a gigabyte, through a pipe, so no gigabyte touches the disk
( printf 'a,b\n1,'; head -c 1073741824 /dev/zero | tr '\0' x ) | {
    ( eval "$limit"; exec timeout 60 "$EFFEKT" describe /dev/stdin ) >"$work/stdout" 2>"$work/stderr"
    echo $? > "$work/rc"; cat >/dev/null; }
rc=$(cat "$work/rc"); out=$(cat "$work/stdout"); err=$(cat "$work/stderr")
expect "a gigabyte line: exit 2 at its line, the 1 MiB limit named" 2 \
    "/dev/stdin:2: line is longer than the limit of 1048576 bytes"

printf 'a,b\n1,2\n' > "$work/nul.csv"
truncate -s 1G "$work/nul.csv" # sparse: a gigabyte of NUL bytes on no disk
limited 60 describe "$work/nul.csv"
expect "a gigabyte of NUL bytes: exit 2" 2 "nul.csv:3: line is longer than the limit"

python3 - "$work" <<'PY'
import struct, sys
work = sys.argv[1]
sas = bytearray(open("tests/data/sas/hadley.sas7bdat", "rb").read())
at = sas.find(b"\xf7\xf7\xf7\xf7")  # the row size subheader (32-bit layout, little-endian)
assert sas[32] != 0x33 and struct.unpack("<II", sas[at + 20:at + 28])[1] == 8
rows = bytearray(sas); rows[at + 24:at + 28] = struct.pack("<I", 0xFFFFFFFF)
open(f"{work}/rows.sas7bdat", "wb").write(rows)
wide = bytearray(sas); wide[at + 20:at + 24] = struct.pack("<I", 0x7FFFFFFF)
open(f"{work}/wide.sas7bdat", "wb").write(wide)
sav = bytearray(open("tests/data/spss/iris.sav", "rb").read())
assert sav[:4] == b"$FL2" and struct.unpack("<i", sav[80:84])[0] == 150
sav[80:84] = struct.pack("<i", 0x7FFFFFFF)
open(f"{work}/cases.sav", "wb").write(sav)
dta = bytearray(open("tests/data/stata/iris.dta", "rb").read())
tag = dta.find(b"<N>")
assert tag > 0 and struct.unpack("<Q", dta[tag + 3:tag + 11])[0] == 150, dta[:120]
dta[tag + 3:tag + 11] = struct.pack("<Q", 10**9)
open(f"{work}/rows.dta", "wb").write(dta)
PY
limited 60 describe "$work/rows.sas7bdat"
expect "SAS: billions of rows claimed: exit 2, named" 2 "rows.sas7bdat: ReadStat"
limited 60 describe "$work/wide.sas7bdat"
expect "SAS: a 2 GiB row claimed: exit 2 (not out of memory), named" 2 "over ReadStat's 16 MiB limit"
limited 60 describe "$work/cases.sav"
expect "SPSS: billions of cases claimed: exit 2, named" 2 "cases.sav: ReadStat"
limited 60 describe "$work/rows.dta"
expect "Stata: a billion rows claimed: exit 2, named" 2 "rows.dta: ReadStat"
