# tests/cli/_lib.sh - helpers (files starting with _ are not run as tests) for end-to-end tests of the built binary ($EFFEKT). Each check
# prints "ok N - name" or "not ok N - name" (TAP), which tests/run counts.
set -u
: "${EFFEKT:?set EFFEKT to the binary under test}"
n=0
work=$(mktemp -d "${TMPDIR:-/tmp}/effekt-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for line in "$@"; do echo "#   $line"; done; }

# run ARGS...: runs effekt, keeping stdout in $out, stderr in $err and the exit code in $rc
run() {
    "$EFFEKT" "$@" >"$work/stdout" 2>"$work/stderr"
    rc=$?
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
}

# expect NAME CODE [TEXT_IN_STDERR_OR_STDOUT]
expect() {
    name=$1 code=$2 text=${3:-}
    if [ "$rc" -ne "$code" ]; then
        not_ok "$name" "exit $rc, want $code" "stderr: $err"
    elif [ -n "$text" ] && ! printf '%s\n%s\n' "$out" "$err" | grep -qF -- "$text"; then
        not_ok "$name" "output lacks: $text" "stdout: $out" "stderr: $err"
    else
        ok "$name"
    fi
}

# check NAME COMMAND...: passes when the command succeeds
check() {
    name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# no_temp_files DIR: no hidden ".name.XXXXXX" leftovers of an atomic write
no_temp_files() { [ -z "$(find "$1" -maxdepth 1 -name '.*.??????' 2>/dev/null)" ]; }
