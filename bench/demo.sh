#!/bin/sh
# bench/demo.sh - the main job's time (issue 13): `make demo` run twice, the first to install
# and compile whatever is missing, the second timed (it simulates Synthetic Denmark at the
# default scale, runs examples/lbf-2011-14.ini to the report, and runs the single tools).
# Goal: the second run under a minute. There is no peer: no other tool does this job end to
# end; bench/run_country.sh compares the evaluation itself with R. Writes bench/RESULTS.md.
set -eu
cd "$(dirname "$0")/.."
make demo > /dev/null 2>&1
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o build/demo.rss make demo > build/demo.log 2>&1
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
rss=$(tail -1 build/demo.rss)
load=$(cut -d' ' -f1 /proc/loadavg)
section="## make demo (issue 13)

Command: \`bench/demo.sh\` (the second of two \`make demo\` runs), $(date +%F), nproc $(nproc), $(uname -m), load average $load at the end.
The job: \`effekt simulate\` (Synthetic Denmark, default scale), \`effekt simulate --check\`, \`effekt run examples/lbf-2011-14.ini\` (three interventions with their robustness results, 16 indicators, funding, the survey; report.html, tables.xlsx, results.json), the single tools on small inputs, and since issue 14 \`effekt cpr check|keygen|pseudonymise\` on a participant list and \`scripts/scan-ids\` over the outputs. No peer: nothing else does this job end to end (bench/run_country.sh compares the evaluation with R).

| | seconds | peak memory of the largest step, MB |
|---|---|---|
| second \`make demo\` | **$(printf '%.1f' "$secs")** | $((rss / 1024)) |

Goal: under 60 s: **$(printf '%.1f' "$secs") s**."
scripts/results-section "make demo (issue 13)" "$section"
echo "$section"
