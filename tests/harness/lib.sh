# SPDX-License-Identifier: GPL-2.0
# Helpers for host-side tests of the guest harness (tests/harness/*.sh).
set -u
cd "$(dirname "$0")/../.."
VM=tests/vm/run
fail() { echo "FAIL: $*"; exit 1; }
pass() { echo "ok - $*"; }
# expect_status WANT DESCRIPTION -- tests/vm/run ARGS...: run, compare the exit status.
expect_status() {
	want=$1 what=$2
	shift 3
	out=$("$@" 2>&1)
	got=$?
	[ "$got" = "$want" ] || { echo "$out"; fail "$what: exit $got, expected $want"; }
	pass "$what"
}
