#!/bin/sh
# bench/sim.sh [SCALE] - Synthetic Denmark for the whole country (--scale 1): wall time, peak
# memory and bytes of `effekt simulate` (goal: under 3 minutes, under 2 GB), against the
# peer bench/sim_r.R (R data.table: one vectorised bef-like register-year of the same
# persons, written by fwrite on 2 threads), side by side, as write throughput.
# Writes the section "Synthetic Denmark" of bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
SCALE=${1:-1}
out=${TMPDIR:-/tmp}/effekt-bench-sim
rm -rf "$out"
mkdir -p build/bench
tlog=$(mktemp)
trap 'rm -f "$tlog"; rm -rf "$out"' EXIT
/usr/bin/time -f '%e %M' -o "$tlog" build/effekt simulate --scale "$SCALE" --out "$out" > /dev/null
read -r secs kb < "$tlog"
bytes=$(du -sb "$out" | cut -f1)
persons=$(awk -F, 'NR > 1 { s += $4 } END { print s }' "$out/omraader.csv")
rm -rf "$out"
mkdir -p "$out"
rline=$(Rscript bench/sim_r.R "$persons" "$out/bef2011.csv")
rsecs=$(echo "$rline" | cut -d' ' -f1); rbytes=$(echo "$rline" | cut -d' ' -f2)
e_mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1e6 / s }')
r_mbs=$(awk -v b="$rbytes" -v s="$rsecs" 'BEGIN { printf "%.1f", b / 1e6 / s }')
ratio=$(awk -v a="$e_mbs" -v b="$r_mbs" 'BEGIN { printf "%.2f", a / b }')
gb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e9 }')
mb=$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')
section=$(cat <<MD
## Synthetic Denmark (issue 7)

Command: \`bench/sim.sh $SCALE\` (\`effekt simulate --scale $SCALE\`, CSV, default threads), $(date -u +%Y-%m-%d), nproc $(nproc), $(uname -m).

| | |
|---|---|
| persons on 1 January 2011 | $persons |
| files, bytes | 98, $gb GB |
| wall time | **$secs s** (goal: under 180) |
| peak memory | **$mb MB** (goal: under 2048) |
| effekt write throughput, all registers | $e_mbs MB/s |
| R peer (bench/sim_r.R): one bef-like register-year of the same persons, vectorised data.table + fwrite(nThread = 2) | $rsecs s, $r_mbs MB/s |
| **throughput ratio effekt / R** | **$ratio** |

The R peer draws independent columns (no households, no calibration, no person-year logic), so
the ratio understates what effekt does per byte.
MD
)
scripts/results-section "Synthetic Denmark" "$section"
printf '%s\n' "$section"
