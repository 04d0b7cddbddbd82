#!/usr/bin/env bash
# check.sh MODULE_DIR before|after
#
# Runs `go test -race -count=1 ./...` in a race-proof module and exits 0 when the
# outcome matches the mode:
#   before  the module as written (hazard present): the tests must FAIL, and fail
#           because a test failed, the race detector reported a DATA RACE or the
#           runtime aborted on a concurrent map access. A build or setup failure
#           is not a pass for "before".
#   after   the module with defuse's fix applied: the tests must PASS.
# On a mismatch it prints the go test output and exits 1; usage errors exit 2.
set -u

usage() {
	echo "usage: $0 MODULE_DIR before|after" >&2
	exit 2
}

[ $# -eq 2 ] || usage
dir=$1
mode=$2
case "$mode" in
before | after) ;;
*) usage ;;
esac
if [ ! -f "$dir/go.mod" ]; then
	echo "check.sh: $dir: no go.mod" >&2
	exit 2
fi
if ! command -v go >/dev/null 2>&1; then
	echo "check.sh: go not found in PATH" >&2
	exit 2
fi

out=$(
	cd "$dir" &&
		GOTOOLCHAIN=local GOPROXY=off GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" \
			go test -race -count=1 -timeout=120s ./... 2>&1
)
status=$?

mismatch() {
	echo "check.sh: $dir ($mode): $1" >&2
	printf '%s\n' "$out" >&2
	exit 1
}

if [ "$mode" = after ]; then
	[ $status -eq 0 ] || mismatch "go test failed (exit $status), want pass"
	exit 0
fi

# before
[ $status -ne 0 ] || mismatch "go test passed, want a failure"
if printf '%s\n' "$out" | grep -qE '\[(build|setup) failed\]|^# '; then
	mismatch "go test did not build, want a test failure"
fi
if printf '%s\n' "$out" | grep -q '^panic: test timed out'; then
	mismatch "go test timed out (a deadlock?), want a test failure"
fi
if ! printf '%s\n' "$out" | grep -qE 'WARNING: DATA RACE|fatal error: concurrent map|^--- FAIL: |^panic: '; then
	mismatch "go test failed (exit $status) without a race report or a test failure"
fi
exit 0
