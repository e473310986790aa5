# SPDX-License-Identifier: GPL-2.0
# The debug kernel catches planted bugs (kernel/selftest.c): a double free
# and a use-after-free (KASAN) and a leak (kmemleak) each fail the run,
# while a clean run passes.  Runs with `make check-debug`.
. "$(dirname "$0")/lib.sh"

scripts/build-debug-kernel --print-dir > /dev/null || {
	echo "the debug kernel is not built (make debug-kernel)"
	exit 77
}
DVM="$VM --kernel debug --no-build"
$VM --kernel debug -- true > /dev/null 2>&1 || fail "building for the debug kernel"
expect_status 0 "a clean run passes" -- $DVM -- true
for bug in double_free use_after_free leak; do
	out=$($DVM -- sh -c "echo $bug > /sys/module/upci/parameters/selftest_bug; sleep 1" 2>&1)
	rc=$?
	case "$bug" in leak) want="unreferenced object" ;; *) want="KASAN" ;; esac
	if [ $rc = 0 ] || ! echo "$out" | grep -q "$want"; then
		echo "$out" | tail -30
		fail "planted $bug: exit $rc, '$want' reported: $(echo "$out" | grep -c "$want")"
	fi
	pass "planted $bug fails the run ($want)"
done
